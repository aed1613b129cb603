"""Landing raw API items in PostgreSQL: the only module that writes to the database.

Every raw table is append-only and holds one row per API item, its JSON unmodified (jsonb),
with the run id, the capture time and the request's key parameters. Each API page lands in
one transaction together with a row in ``raw_youtube.pages``, whose primary key makes a page
land at most once per run: re-running or resuming a run never duplicates rows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from datetime import datetime
from typing import Any

import psycopg2
import psycopg2.extras

from extract import resources
from extract.database import ConnectionInfo
from extract.pagination import Page

SCHEMA = "raw_youtube"

_ITEM_TABLE = """
create table if not exists {schema}.{table} (
    run_id text not null,
    captured_at timestamptz not null,
    request_key text not null,
    page_token text not null,
    item_index integer not null,  -- position in the whole listing, across pages
    request jsonb not null,
    item jsonb not null
);
create index if not exists {table}_captured_at_brin on {schema}.{table} using brin (captured_at);
comment on table {schema}.{table} is
    'Append-only: one row per API item returned by {method}.list, JSON unmodified.';
"""

_DDL = """
create schema if not exists {schema};
create table if not exists {schema}.extract_runs (
    run_id text primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    status text not null check (status in ('running', 'succeeded', 'failed', 'incomplete')),
    message text,
    config jsonb not null default '{{}}',
    units_spent integer,
    rows_landed jsonb
);
create table if not exists {schema}.pages (
    run_id text not null,
    resource text not null,
    request_key text not null,
    page_token text not null,
    request jsonb not null,
    captured_at timestamptz not null,
    etag text,
    next_page_token text,
    total_results bigint,
    item_count integer not null,
    cost_units integer not null,
    landed_at timestamptz not null default now(),
    primary key (run_id, resource, request_key, page_token)
);
"""


def request_key(params: dict[str, Any]) -> str:
    """A stable identity for what was asked (page token excluded)."""
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha1(canonical.encode()).hexdigest()[:20]


class RawStore:
    """Writes raw pages and run records for one extract process."""

    def __init__(self, conn_info: ConnectionInfo) -> None:
        self.conn = conn_info.connect()
        self.rows_landed: Counter[str] = Counter()

    def close(self) -> None:
        self.conn.close()

    def ensure_schema(self) -> None:
        with self.conn, self.conn.cursor() as cur:
            cur.execute(_DDL.format(schema=SCHEMA))
            for resource in resources.ALL:
                cur.execute(
                    _ITEM_TABLE.format(schema=SCHEMA, table=resource.table, method=resource.method)
                )

    def start_run(self, run_id: str, started_at: datetime, config: dict[str, Any]) -> bool:
        """Record a run as running; returns True when it resumes an earlier attempt."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""insert into {SCHEMA}.extract_runs (run_id, started_at, status, config)
                    values (%s, %s, 'running', %s)
                    on conflict (run_id) do update
                        set status = 'running', finished_at = null, message = null
                    returning (xmax <> 0)""",
                (run_id, started_at, psycopg2.extras.Json(config)),
            )
            (resumed,) = cur.fetchone()
        return bool(resumed)

    def finish_run(self, run_id: str, status: str, message: str | None, units_spent: int) -> None:
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""update {SCHEMA}.extract_runs
                    set finished_at = now(), status = %s, message = %s, units_spent = %s,
                        rows_landed = %s
                    where run_id = %s""",
                (
                    status,
                    message,
                    units_spent,
                    psycopg2.extras.Json(dict(self.rows_landed)),
                    run_id,
                ),
            )

    def land_page(self, run_id: str, page: Page) -> int:
        """Land one API page atomically; returns the rows written (0 if it had landed before)."""
        resource = page.resource
        key = request_key(page.params)
        body = page.body
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""insert into {SCHEMA}.pages (run_id, resource, request_key, page_token,
                        request, captured_at, etag, next_page_token, total_results,
                        item_count, cost_units)
                    values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                    on conflict do nothing
                    returning 1""",
                (
                    run_id,
                    resource.name,
                    key,
                    page.page_token,
                    psycopg2.extras.Json(page.params),
                    page.captured_at,
                    body.get("etag"),
                    page.next_page_token,
                    (body.get("pageInfo") or {}).get("totalResults"),
                    len(page.items),
                    page.cost,
                ),
            )
            if cur.fetchone() is None:
                return 0  # this page of this run is already in: exactly once
            if page.items:
                self._copy_items(cur, run_id, page, key)
        self.rows_landed[resource.table] += len(page.items)
        return len(page.items)

    def _copy_items(self, cur: Any, run_id: str, page: Page, key: str) -> None:
        row_request = json.dumps(
            {k: page.params[k] for k in page.resource.key_params if k in page.params},
            separators=(",", ":"),
        )
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        captured = page.captured_at.isoformat()
        for index, item in enumerate(page.items):
            writer.writerow(
                (
                    run_id,
                    captured,
                    key,
                    page.page_token,
                    page.offset + index,
                    row_request,
                    json.dumps(item, ensure_ascii=False, separators=(",", ":")),
                )
            )
        buffer.seek(0)
        cur.copy_expert(
            f"""copy {SCHEMA}.{page.resource.table}
                (run_id, captured_at, request_key, page_token, item_index, request, item)
                from stdin with (format csv, force_not_null (page_token))""",
            buffer,
        )
