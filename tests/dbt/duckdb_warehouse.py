"""A DuckDB copy of a PostgreSQL warehouse's raw schema, for running the dbt project on a
second adapter: the same raw rows (JSON as DuckDB JSON, timestamps as TIMESTAMPTZ), nothing
else, so the models build there from the raw tables exactly as they do on PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb

from extract.database import ConnectionInfo
from tests.conftest import query

RAW = "raw_youtube"
TYPES = {
    "jsonb": "json",
    "json": "json",
    "text": "varchar",
    "character varying": "varchar",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "integer": "integer",
    "bigint": "bigint",
    "smallint": "smallint",
    "boolean": "boolean",
    "date": "date",
    "double precision": "double",
    "numeric": "double",
}


def copy_raw(
    conn: ConnectionInfo, path: Path, exclude_runs: tuple[str, ...] = ()
) -> dict[str, int]:
    """Copy every table of ``raw_youtube`` into the DuckDB file ``path`` (replacing what is
    there), leaving out the rows of ``exclude_runs``; returns the rows per table. Empty tables
    (the refresh plan and batchGetStats items of a warehouse that never planned) are created
    empty."""
    columns = query(
        conn,
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = %s order by table_name, ordinal_position",
        (RAW,),
    )
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in columns:
        tables.setdefault(table, []).append((column, TYPES[data_type]))
    counts: dict[str, int] = {}
    pg = conn.connect()
    duck = duckdb.connect(str(path))
    try:
        duck.execute("set timezone = 'UTC'")
        duck.execute(f"create schema if not exists {RAW}")
        for table, cols in tables.items():
            ddl = ", ".join(f'"{c}" {t}' for c, t in cols)
            duck.execute(f"create or replace table {RAW}.{table} ({ddl})")
            buffer = io.StringIO()
            select = ", ".join(f'"{c}"' for c, _ in cols)
            where = ""
            if exclude_runs and any(c == "run_id" for c, _ in cols):  # not the planner's state
                runs = ", ".join("'" + r.replace("'", "''") + "'" for r in exclude_runs)
                where = f" where run_id not in ({runs})"
            with pg.cursor() as cur:
                # CSV through COPY: JSON and timestamps as PostgreSQL prints them (ISO, UTC)
                cur.execute("set timezone = 'UTC'")
                cur.copy_expert(
                    f"copy (select {select} from {RAW}.{table}{where}) to stdout "
                    "with (format csv, header false, null '\\N')",
                    buffer,
                )
            if buffer.getvalue():  # an empty table (no refresh planned yet): nothing to read
                csv = path.parent / f".{table}.csv"
                csv.write_text(buffer.getvalue())
                types = ", ".join(f"'{c}': '{t}'" for c, t in cols)
                duck.execute(
                    f"insert into {RAW}.{table} select * from read_csv('{csv}', header = false, "
                    f"nullstr = '\\N', quote = '\"', escape = '\"', columns = {{{types}}})"
                )
                csv.unlink()
            counts[table] = duck.execute(f"select count(*) from {RAW}.{table}").fetchone()[0]
    finally:
        pg.close()
        duck.close()
    return counts


def mart_rows(duck_path: Path, table: str) -> list[tuple]:
    """Every row of ``marts.<table>`` in the DuckDB file, timestamps in UTC."""
    duck = duckdb.connect(str(duck_path))  # dbt-duckdb may hold it open (read-write)
    try:
        duck.execute("set timezone = 'UTC'")
        return duck.execute(f"select * from marts.{table}").fetchall()
    finally:
        duck.close()


def mart_columns(duck_path: Path, table: str) -> list[str]:
    duck = duckdb.connect(str(duck_path))  # dbt-duckdb may hold it open (read-write)
    try:
        rows = duck.execute(
            "select column_name from information_schema.columns where table_schema = 'marts' "
            "and table_name = ? order by ordinal_position",
            [table],
        ).fetchall()
        return [r[0] for r in rows]
    finally:
        duck.close()
