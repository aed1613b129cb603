"""Landing raw API items in PostgreSQL: the only module that writes to the database.

The tables are created by ``schema`` and the rows encoded by ``copy_format``. Each API page
lands in
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
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import psycopg2
import psycopg2.extras

from extract import resources, schema
from extract.client import RequestRecord
from extract.copy_format import copy_rows
from extract.database import ConnectionInfo
from extract.errors import ExtractError
from extract.quota import bucket_of, pacific_day
from extract.schema import ITEM_COLUMNS, SCHEMA

if TYPE_CHECKING:  # pagination builds pages and lands them here
    from extract.pagination import Page

__all__ = ["ITEM_COLUMNS", "SCHEMA", "LedgerRow", "RawStore", "copy_rows", "request_key"]


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
            schema.ensure_schema(cur)

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
                        units, pacific_day, http_status, reason, bucket, request)
                    values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                (
                    run_id,
                    record.requested_at,
                    record.method,
                    record.resource,
                    record.units,
                    pacific_day(record.requested_at),
                    record.http_status,
                    record.reason,
                    bucket_of(record.method),
                    None if record.request is None else psycopg2.extras.Json(record.request),
                ),
            )

    def units_spent_on(self, day: date, bucket: str = "default") -> int:
        """Units every run recorded for one Pacific-time quota day in one quota bucket."""
        with self.conn, self.conn.cursor() as cur:
            cur.execute(
                f"""select coalesce(sum(units), 0) from {SCHEMA}.quota_ledger
                    where pacific_day = %s and bucket = %s""",
                (day, bucket),
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
