"""Landing raw API items in PostgreSQL: the only module that writes to the database.

Every raw table is append-only and holds one row per API item, its JSON unmodified (jsonb),
with the run id, the capture time and the request's key parameters. Each API page lands in
one transaction together with a row in ``raw_youtube.pages``, whose primary key makes a page
land at most once per run: re-running or resuming a run never duplicates rows.

Two more kinds of ledger rows:

- ``pages`` rows with ``not_modified = true``: a conditional request answered 304. No items
  land; the row carries the ETag it matched and that landing's ``next_page_token``, and the
  items are the ones landed with the same ETag (``not_modified = false``) by an earlier run.
- ``quota_ledger``: one row per HTTP attempt (failed ones too), committed on its own so the
  units a run spent are known even when its page never lands.

The extractor also reads the raw schema back here (ETags, landed items, what a run already
has, page counts for the quota plan).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
import psycopg2
import psycopg2.extras

from extract import resources
from extract.client import RequestRecord
from extract.database import ConnectionInfo
from extract.errors import ExtractError
from extract.pagination import Page
from extract.quota import pacific_day

SCHEMA = "raw_youtube"
ITEM_COLUMNS = "run_id, captured_at, request_key, page_token, item_index, request, item"

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
# Conditional resources: a 304 page's items are read back from the landing it matched.
_PAGE_INDEX = """
create index if not exists {table}_page on {schema}.{table} (request_key, page_token, run_id);
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
alter table {schema}.extract_runs add column if not exists transformed_at timestamptz;
comment on column {schema}.extract_runs.transformed_at is
    'When a dbt build that read this run''s rows succeeded (set by the pipeline flow): raw '
    'retention compacts only captures of runs the marts have consumed.';
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
alter table {schema}.pages add column if not exists not_modified boolean not null default false;
comment on column {schema}.pages.not_modified is
    'A 304 to If-None-Match: no items landed; they are those of the landing (not_modified = '
    'false) of the same resource, request_key and page_token with the same etag.';
create index if not exists pages_by_request
    on {schema}.pages (resource, request_key, page_token, captured_at desc);
create index if not exists pages_by_resource on {schema}.pages (resource, captured_at desc);
create table if not exists {schema}.quota_ledger (
    run_id text not null,
    requested_at timestamptz not null,
    method text not null,
    resource text not null,
    units integer not null,
    pacific_day date not null,
    http_status integer,
    reason text
);
comment on table {schema}.quota_ledger is
    'One row per API request (retries and failures included) with the quota units it cost, '
    'by the Pacific-time day the quota is counted in. http_status is null when no answer came.';
create index if not exists quota_ledger_pacific_day on {schema}.quota_ledger (pacific_day);
"""

# jsonb refuses \u0000; nothing in a title is worth failing a page for.
_NUL_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")
_NUL_ESCAPE_BYTES = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000")
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# COPY's text format: backslash, tab, newline and carriage return are escaped in a field.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass(frozen=True)
class LedgerRow:
    """A row of ``raw_youtube.pages`` (what the extractor needs of it)."""

    run_id: str
    etag: str | None
    next_page_token: str | None
    total_results: int | None
    item_count: int
    not_modified: bool


def request_key(params: dict[str, Any]) -> str:
    """A stable identity for what was asked (page token excluded)."""
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha1(canonical.encode()).hexdigest()[:20]


def item_json(item: Any) -> str:
    """An item's JSON for a jsonb column: unmodified, except what PostgreSQL cannot store."""
    return item_bytes(item).decode("utf-8")


def item_bytes(item: Any) -> bytes:
    """:func:`item_json` as UTF-8 bytes (what COPY is fed).

    orjson writes the same compact JSON as the standard library, about 4x faster (encoding
    was a third of the landing time). What it would write differently goes through the
    standard library instead: whatever it refuses (lone surrogates, integers beyond 64 bits,
    non-string keys) and any item with a ``null`` in its output, since orjson also writes
    NaN and infinities as ``null`` where the standard library writes ``NaN`` (which
    PostgreSQL refuses: the page fails, as before).
    """
    try:
        data = orjson.dumps(item)
    except (orjson.JSONEncodeError, TypeError):
        data = b"null"
    if b"null" not in data:
        if b"\\u0000" in data:
            data = _NUL_ESCAPE_BYTES.sub(rb"\1\\ufffd", data)
        return data
    text = _ENCODE(item)
    if "\\u0000" in text:
        text = _NUL_ESCAPE.sub(r"\1\\ufffd", text)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a \ud800 escape
        return text.encode("utf-8", "replace")


def _copy_field(value: str) -> bytes:
    return value.translate(_COPY_ESCAPES).encode("utf-8")


def copy_rows(
    run_id: str,
    captured_at: datetime,
    key: str,
    page_token: str,
    offset: int,
    request: dict[str, Any],
    items: list[Any],
) -> bytes:
    """A page's rows of an item table (``ITEM_COLUMNS``) in COPY text format, as bytes.

    JSON never holds a raw tab or newline (it escapes control characters), so only its
    backslashes need doubling; the other fields are escaped in full.
    """
    prefix = b"\t".join(
        _copy_field(value) for value in (run_id, captured_at.isoformat(), key, page_token)
    )
    row_request = _copy_field(json.dumps(request, separators=(",", ":")))
    return b"".join(
        b"%s\t%d\t%s\t%s\n"
        % (prefix, offset + index, row_request, item_bytes(item).replace(b"\\", b"\\\\"))
        for index, item in enumerate(items)
    )


class LandingError(ExtractError):
    """PostgreSQL refused a page's data (not the connection): that page fails, not the run."""


class RawStore:
    """Writes raw pages, ledger rows and run records for one extract process."""

    def __init__(self, conn_info: ConnectionInfo) -> None:
        self.conn = conn_info.connect()
        self.conn.set_client_encoding("UTF8")  # COPY is fed UTF-8 bytes, whatever the server's
        self.rows_landed: Counter[str] = Counter()
        with self.conn, self.conn.cursor() as cur:
            # A page per transaction would wait for a WAL flush each: no need. A crash of the
            # server can only lose the latest commits, in order (the WAL is one sequence), so
            # what survives is whole pages, never duplicated, and the run, whose end is
            # committed synchronously (finish_run), stays "running": resuming it re-fetches
            # what was lost. Quota ledger rows of those last moments can go with them.
            cur.execute("set synchronous_commit to off")

    def close(self) -> None:
        if not self.conn.closed:
            self.conn.close()

    def ensure_schema(self) -> None:
        with self.conn, self.conn.cursor() as cur:
            cur.execute(_DDL.format(schema=SCHEMA))
            for resource in resources.ALL:
                cur.execute(
                    _ITEM_TABLE.format(schema=SCHEMA, table=resource.table, method=resource.method)
                )
                if resource.conditional or resource is resources.CHANNELS:
                    cur.execute(_PAGE_INDEX.format(schema=SCHEMA, table=resource.table))

    # ------------------------------------------------------------------ runs

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

    def finish_run(self, run_id: str, status: str, message: str | None) -> dict[str, int]:
        """Close the run; units and rows are the run's totals over all its attempts."""
        with self.conn, self.conn.cursor() as cur:
            # Durable before we say so: this flushes every earlier (asynchronous) commit too.
            cur.execute("set local synchronous_commit to on")
            cur.execute(
                f"""select resource, sum(item_count) from {SCHEMA}.pages
                    where run_id = %s and not not_modified group by resource""",
                (run_id,),
            )
            rows = {
                resources.BY_NAME[name].table if name in resources.BY_NAME else name: int(n)
                for name, n in cur.fetchall()
                if n
            }
            cur.execute(
                f"""update {SCHEMA}.extract_runs
                    set finished_at = now(), status = %s, message = %s,
                        units_spent = (select coalesce(sum(units), 0)
                                       from {SCHEMA}.quota_ledger where run_id = %s),
                        rows_landed = %s
                    where run_id = %s""",
                (status, message, run_id, psycopg2.extras.Json(rows), run_id),
            )
        return rows

    # ------------------------------------------------------------------ quota ledger

    def record_request(self, run_id: str, record: RequestRecord) -> None:
        """One ledger row per HTTP attempt, committed at once (the units are spent)."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""insert into {SCHEMA}.quota_ledger (run_id, requested_at, method, resource,
                        units, pacific_day, http_status, reason)
                    values (%s, %s, %s, %s, %s, %s, %s, %s)""",
                (
                    run_id,
                    record.requested_at,
                    record.method,
                    record.resource,
                    record.units,
                    pacific_day(record.requested_at),
                    record.http_status,
                    record.reason,
                ),
            )

    def units_spent_on(self, day: date) -> int:
        """Units every run recorded for one Pacific-time quota day."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"select coalesce(sum(units), 0) from {SCHEMA}.quota_ledger where pacific_day = %s",
                (day,),
            )
            return int(cur.fetchone()[0])

    def run_units(self, run_id: str) -> dict[str, int]:
        """Units the ledger holds for one run (all its attempts), per API method."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""select method, sum(units) from {SCHEMA}.quota_ledger
                    where run_id = %s group by method""",
                (run_id,),
            )
            return {method: int(units) for method, units in cur.fetchall() if units}

    # ------------------------------------------------------------------ pages

    def land_page(self, run_id: str, page: Page) -> int:
        """Land one API page atomically; returns the rows written (0 if it had landed before)."""
        resource = page.resource
        key = request_key(page.params)
        body = page.body
        try:
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
                        _text(body.get("etag")),
                        page.next_page_token,
                        page.total_results,
                        len(page.items),
                        page.cost,
                    ),
                )
                if cur.fetchone() is None:
                    return 0  # this page of this run is already in: exactly once
                if page.items:
                    self._copy_items(cur, run_id, page, key)
        except psycopg2.DataError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise LandingError(
                f"{resource.name} page {page.page_token or '1'} of {page.params}: PostgreSQL "
                f"refused its data ({first}); that page is skipped, the rest of the run goes on"
            ) from None
        self.rows_landed[resource.table] += len(page.items)
        return len(page.items)

    def record_not_modified(
        self,
        run_id: str,
        resource: resources.Resource,
        params: dict[str, Any],
        page_token: str,
        matched: LedgerRow,
        captured_at: datetime,
        cost: int,
    ) -> bool:
        """A 304: the ledger row says which landing's items this page still has."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""insert into {SCHEMA}.pages (run_id, resource, request_key, page_token,
                        request, captured_at, etag, next_page_token, total_results,
                        item_count, cost_units, not_modified)
                    values (%s, %s, %s, %s, %s, %s, %s, %s, %s, 0, %s, true)
                    on conflict do nothing
                    returning 1""",
                (
                    run_id,
                    resource.name,
                    request_key(params),
                    page_token,
                    psycopg2.extras.Json(params),
                    captured_at,
                    matched.etag,
                    matched.next_page_token,
                    matched.total_results,
                    cost,
                ),
            )
            return cur.fetchone() is not None

    def _copy_items(self, cur: Any, run_id: str, page: Page, key: str) -> None:
        request = {k: page.params[k] for k in page.resource.key_params if k in page.params}
        rows = copy_rows(
            run_id, page.captured_at, key, page.page_token, page.offset, request, page.items
        )
        cur.copy_expert(
            f"""copy {SCHEMA}.{page.resource.table} ({ITEM_COLUMNS}) from stdin""",
            io.BytesIO(rows),
        )

    # ------------------------------------------------------------------ reading back

    def run_pages(self, run_id: str) -> dict[tuple[str, str, str], LedgerRow]:
        """What this run already has: (resource, request_key, page_token) -> ledger row."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""select resource, request_key, page_token, run_id, etag, next_page_token,
                        total_results, item_count, not_modified
                    from {SCHEMA}.pages where run_id = %s""",
                (run_id,),
            )
            return {(r[0], r[1], r[2]): LedgerRow(*r[3:]) for r in cur.fetchall()}

    def latest_etag(self, resource: str, key: str, page_token: str) -> LedgerRow | None:
        """The most recent ledger row of this page that has an ETag."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""select run_id, etag, next_page_token, total_results, item_count, not_modified
                    from {SCHEMA}.pages
                    where resource = %s and request_key = %s and page_token = %s
                        and etag is not null
                    order by captured_at desc, landed_at desc
                    limit 1""",
                (resource, key, page_token),
            )
            row = cur.fetchone()
        return LedgerRow(*row) if row else None

    def landing_of(self, resource: str, key: str, page_token: str, etag: str) -> LedgerRow | None:
        """The latest real landing (not a 304) of this page with this ETag."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""select run_id, etag, next_page_token, total_results, item_count, not_modified
                    from {SCHEMA}.pages
                    where resource = %s and request_key = %s and page_token = %s
                        and etag = %s and not not_modified
                    order by captured_at desc, landed_at desc
                    limit 1""",
                (resource, key, page_token, etag),
            )
            row = cur.fetchone()
        return LedgerRow(*row) if row else None

    def landed_items(
        self, resource: resources.Resource, run_id: str, key: str, page_token: str
    ) -> list[Any]:
        """The items one run landed for one page, in their order."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""select item from {SCHEMA}.{resource.table}
                    where request_key = %s and page_token = %s and run_id = %s
                    order by item_index""",
                (key, page_token, run_id),
            )
            return [row[0] for row in cur.fetchall()]

    def last_captured(self, resource: str) -> dict[str, datetime]:
        """Per request key, when this resource last landed (a 304 counts: it was checked)."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""select request_key, max(captured_at) from {SCHEMA}.pages
                    where resource = %s group by request_key""",
                (resource,),
            )
            return dict(cur.fetchall())

    def latest_items(self, resource: resources.Resource) -> list[Any]:
        """The items of the most recent run that landed this (unpaged) resource."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""select item from {SCHEMA}.{resource.table}
                    where run_id = (select run_id from {SCHEMA}.pages
                                    where resource = %s and not not_modified and item_count > 0
                                    order by captured_at desc, landed_at desc limit 1)
                    order by item_index""",
                (resource.name,),
            )
            return [row[0] for row in cur.fetchall()]

    def previous_page_counts(self, resource: str, run_id: str) -> dict[str, int]:
        """Pages per request key in the latest other succeeded run that fetched this resource
        (a run cut short would under-estimate)."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""select request_key, count(*) from {SCHEMA}.pages
                    where resource = %s
                        and run_id = (select p.run_id from {SCHEMA}.pages p
                                      join {SCHEMA}.extract_runs r using (run_id)
                                      where p.resource = %s and p.run_id <> %s
                                          and r.status = 'succeeded'
                                      order by p.captured_at desc, p.landed_at desc limit 1)
                    group by request_key""",
                (resource, resource, run_id),
            )
            return {key: int(n) for key, n in cur.fetchall()}

    def known_video_ids(self, run_id: str) -> set[str] | None:
        """The ids the latest other finished run asked videos.list for (None: no run did).

        A run that failed on some items (an unknown channel, a playlist the API refused)
        still asked about every video it found: it counts, so one bad item does not turn
        every hourly run into a full crawl. A run cut short (``incomplete``, ``running``)
        does not: it may not have reached every batch."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""select p.run_id from {SCHEMA}.pages p
                    join {SCHEMA}.extract_runs r using (run_id)
                    where p.resource = %s and p.run_id <> %s
                        and r.status in ('succeeded', 'failed')
                    order by p.captured_at desc, p.landed_at desc limit 1""",
                (resources.VIDEOS.name, run_id),
            )
            row = cur.fetchone()
        return self.requested_video_ids(row[0]) if row else None

    def requested_video_ids(self, run_id: str) -> set[str]:
        """The ids this run already asked videos.list for (whether or not they came back)."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""select request->>'id' from {SCHEMA}.pages
                    where run_id = %s and resource = %s""",
                (run_id, resources.VIDEOS.name),
            )
            return {i for (ids,) in cur.fetchall() if ids for i in ids.split(",") if i}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
