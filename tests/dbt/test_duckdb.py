"""The model portability claim, executed: the whole dbt project (models, contracts, data
tests, unit tests) builds on DuckDB (dbt-duckdb) from the same raw rows, first as a full build
and then incrementally, and every mart holds exactly what it holds on PostgreSQL.

What differs per adapter lives in dispatched macros (JSON paths, regexes, safe casts, index
types): BRIN indexes are PostgreSQL-only and are simply not created on DuckDB.
"""

from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path
from typing import Any

import pytest

from flows import transform
from tests.conftest import query
from tests.dbt.conftest import History
from tests.dbt.duckdb_warehouse import copy_raw, mart_columns, mart_rows

pytestmark = pytest.mark.slow

# Marts that only the refresh planner's rows fill (the shared history may run no planning
# extract, or plan within budget): empty is right when this query on the raw rows says 0.
# tests/dbt/test_refresh_marts.py checks their numbers on rows written by hand.
# Marts empty unless the raw tables hold what fills them (a count of it): a refresh plan, a
# chart YouTube does not have.
FILLED_ONLY_BY = {
    "trending_charts_missing": (
        "select count(*) from raw_youtube.quota_ledger where reason = 'videoChartNotFound'"
    ),
    "refresh_runs": "select count(*) from raw_youtube.refresh_plan",
    "videos_overdue": (
        "select count(*) from raw_youtube.refresh_plan where run_id = (select run_id from "
        "raw_youtube.refresh_plan order by planned_at desc, run_id desc limit 1) "
        "and not (chosen and method is not null)"
    ),
}


def normalized(value: Any) -> Any:
    """Values as comparable across drivers: numbers to 6 decimals, timestamps in UTC."""
    if isinstance(value, float | decimal.Decimal):
        return round(float(value), 6)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value


def rows(raw: list[tuple]) -> list[tuple]:
    return sorted((tuple(normalized(v) for v in row) for row in raw), key=repr)


@pytest.fixture(scope="module")
def duckdb_build(
    history: History, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[transform.DbtSummary]]:
    folder = tmp_path_factory.mktemp("duckdb")
    path = folder / "warehouse.duckdb"
    mp = pytest.MonkeyPatch()
    mp.setenv("TW_DUCKDB_PATH", str(path))
    args = ["build", "--target", "duckdb", "--target-path", str(folder / "target")]
    try:
        (last_run,) = query(
            history.conn,
            "select run_id from raw_youtube.extract_runs order by started_at desc limit 1",
        )[0]
        # the first two captures: a full build; then the third: the incremental path
        copy_raw(history.conn, path, exclude_runs=(last_run,))
        first = transform.invoke(args, history.conn)
        copy_raw(history.conn, path)
        second = transform.invoke(args, history.conn)
    finally:
        mp.undo()
    return path, [first, second]


def test_the_project_builds_and_passes_its_tests_on_duckdb(duckdb_build) -> None:
    _, summaries = duckdb_build
    for summary in summaries:
        assert summary.success, summary.failures
        assert summary.status_counts()["error"] == 0
        kinds = {node.resource_type for node in summary.nodes}
        assert {"model", "test", "unit_test"} <= kinds


def test_every_mart_is_identical_on_duckdb_and_postgres(history: History, duckdb_build) -> None:
    path, _ = duckdb_build
    assert history.mart_tables, "no marts"
    for table in history.mart_tables:
        pg_columns = [
            r[0]
            for r in query(
                history.conn,
                "select column_name from information_schema.columns where table_schema = "
                "'marts' and table_name = %s order by ordinal_position",
                (table,),
            )
        ]
        assert mart_columns(path, table) == pg_columns, table
        expected = rows(query(history.conn, f"select * from marts.{table}"))
        if not expected and table in FILLED_ONLY_BY:
            (filling,) = query(history.conn, FILLED_ONLY_BY[table])[0]
            assert not filling, f"marts.{table} is empty while the raw tables say otherwise"
        else:
            assert expected, f"marts.{table} is empty: the comparison would prove nothing"
        assert rows(mart_rows(path, table)) == expected, table
