"""Raw retention: shrink what the marts have consumed, without changing what they are built of.

The raw tables keep every API answer as it came (about 2.3 KB per captured video). Once the
marts have read a capture, the history they keep of it needs only a few of its fields. This
module compacts raw rows older than a horizon so that a full refresh of the marts builds
exactly the same marts as before (``tests/extract/test_retention.py`` proves it):

1. ``videos``, ``most_popular_videos`` and ``channels`` items older than the horizon are
   reduced to what the models read from a capture that is not the entity's latest: the id
   and the counts the models read from ``statistics`` (those present: absent stays absent),
   plus, for chart entries, the snippet fields the chart history keeps (``publishedAt``,
   ``channelId``, ``title``, ``categoryId``, ``channelTitle``). Each video's and channel's
   latest capture in each table stays whole, since the marts take titles, durations and the
   like from it.
2. ``pages`` rows of ``videos.list`` older than the horizon keep, of the ids they asked for,
   only those the API did not return (the models read those as "deleted or private"); the
   others are in the items. The latest successful run's pages are never touched (the hourly
   refresh asks about the videos that run asked about).
3. ``playlist_items`` older than the horizon that no model can read any more are deleted:
   items of crawls superseded by a later complete crawl of the same playlist (the models
   take each playlist's latest complete crawl, and a page answered 304 takes the items of the
   earlier landing with its ETag, which is kept), except placeholders of deleted or private
   videos (they say when a video became unavailable). The landing a 304 to the page's latest
   ETag would re-use is kept too, so the extractor never has to ask again.

The page ledger, the run records, the quota ledger and the reference data are left alone.

What the marts have consumed is recorded on the raw side, so that this module never reads
the marts (layers depend one way): after a ``dbt build`` succeeds, the pipeline flow calls
``mark_transformed`` with the time the build started, which stamps
``extract_runs.transformed_at`` on every run that had finished by then (the build read all of
their rows). The horizon is the older of ``now - keep`` (7 days by default) and the newest
capture of a transformed run minus ``lookback`` (the incremental models' 3 hours): rows the
marts have not consumed yet are never compacted; before any successful pipeline run nothing
is. Each pass is idempotent and takes one transaction per step; ``VACUUM`` then makes the
space reusable (``--vacuum-full`` returns it to the operating system, locking the tables
meanwhile). The daily full-crawl run of the pipeline runs a pass after its build.

    ytw retention --dry-run          # what a pass would do (= python -m extract.retention)
    ytw retention --keep-days 7      # compact, then VACUUM
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg2

from extract import database
from extract.database import ConnectionInfo, DatabaseError
from extract.load import SCHEMA

log = logging.getLogger(__name__)

DEFAULT_KEEP_DAYS = 7.0
DEFAULT_KEEP = timedelta(days=DEFAULT_KEEP_DAYS)
# The incremental models re-read this many hours before their newest row (dbt var
# incremental_lookback_hours): what they may still read stays whole.
DEFAULT_LOOKBACK = timedelta(hours=3)

# What a capture that is not the entity's latest keeps, per table (jsonb expressions of
# ``item``). A key the API left out stays out (absent = unknown, never null).
_ID = "jsonb_build_object('id', item->'id')"


def _statistics(keys: tuple[str, ...]) -> str:
    """The ``statistics`` object with only ``keys`` (those present), or as it was when it is
    not an object; absent stays absent."""
    pairs = ", ".join(f"'{key}', item->'statistics'->'{key}'" for key in keys)
    return f"""case
        when jsonb_typeof(item->'statistics') = 'object' then jsonb_build_object(
            'statistics', jsonb_strip_nulls(jsonb_build_object({pairs})))
        when item ? 'statistics' then jsonb_build_object('statistics', item->'statistics')
        else '{{}}'::jsonb end"""


# What the staging models read from statistics (favoriteCount, always "0", is not read).
_VIDEO_COUNTS = _statistics(("viewCount", "likeCount", "commentCount"))
_CHANNEL_COUNTS = _statistics(
    ("viewCount", "subscriberCount", "hiddenSubscriberCount", "videoCount")
)
_CHART_SNIPPET = """case when jsonb_typeof(item->'snippet') = 'object' then
    jsonb_build_object('snippet', jsonb_strip_nulls(jsonb_build_object(
        'publishedAt', item->'snippet'->'publishedAt',
        'channelId', item->'snippet'->'channelId',
        'title', item->'snippet'->'title',
        'categoryId', item->'snippet'->'categoryId',
        'channelTitle', item->'snippet'->'channelTitle')))
    else '{}'::jsonb end"""
COMPACT_ITEMS = {
    "videos": f"({_ID} || {_VIDEO_COUNTS})",
    "most_popular_videos": f"({_ID} || {_CHART_SNIPPET} || {_VIDEO_COUNTS})",
    "channels": f"({_ID} || {_CHANNEL_COUNTS})",
}

# One statement per step; %(horizon)s is the cutoff. Only whole items are candidates: the API
# sends every item with its "etag" and "kind", a compacted one has neither (idempotent, and
# a cheap test on rows compacted by earlier passes).
_COMPACT_SQL = """
with candidates as (
    select ctid, item->>'id' as entity_id, captured_at
    from {schema}.{table}
    where captured_at < %(horizon)s and item ? 'id' and (item ? 'etag' or item ? 'kind')
),
recent as (
    -- entities with a capture at or after the horizon: every older one can go
    select distinct item->>'id' as entity_id
    from {schema}.{table}
    where captured_at >= %(horizon)s
),
latest_old as (
    -- the others keep their latest capture whole (it is never compacted, so it is here)
    select entity_id, max(captured_at) as captured_at
    from candidates
    group by entity_id
)
update {schema}.{table} as target
set item = {compact}
from candidates
left join recent on candidates.entity_id = recent.entity_id
left join latest_old on candidates.entity_id = latest_old.entity_id
where
    target.ctid = candidates.ctid
    and (recent.entity_id is not null or candidates.captured_at < latest_old.captured_at)
"""

_PAGES_SQL = """
with latest_run as (
    -- the latest successful run that asked videos.list: the hourly refresh re-asks its ids
    select p.run_id
    from {schema}.pages as p
    inner join {schema}.extract_runs as r on p.run_id = r.run_id
    where p.resource = 'videos' and r.status = 'succeeded'
    order by p.captured_at desc, p.landed_at desc
    limit 1
),
candidates as (
    select run_id, resource, request_key, page_token, captured_at, request->>'id' as ids
    from {schema}.pages
    where
        resource = 'videos'
        and captured_at < %(horizon)s
        and request ? 'id'
        and not coalesce((request->>'omitted_only')::boolean, false)
        and run_id not in (select run_id from latest_run)
),
returned as (
    select distinct run_id, request_key, item->>'id' as video_id
    from {schema}.videos
    where
        captured_at >= (select min(captured_at) from candidates)
        and captured_at < %(horizon)s
),
omitted as (
    select
        candidates.run_id,
        candidates.request_key,
        candidates.page_token,
        string_agg(asked.video_id, ',' order by asked.position) as ids
    from candidates
    cross join lateral unnest(string_to_array(candidates.ids, ','))
        with ordinality as asked (video_id, position)
    left join returned
        on
            candidates.run_id = returned.run_id
            and candidates.request_key = returned.request_key
            and asked.video_id = returned.video_id
    where returned.video_id is null and asked.video_id <> ''
    group by candidates.run_id, candidates.request_key, candidates.page_token
)
update {schema}.pages as target
set request = case
    when omitted.ids is null then target.request - 'id'
    else jsonb_set(target.request, '{{id}}', to_jsonb(omitted.ids))
        || '{{"omitted_only": true}}'::jsonb
end
from candidates
left join omitted
    on
        candidates.run_id = omitted.run_id
        and candidates.request_key = omitted.request_key
        and candidates.page_token = omitted.page_token
where
    target.run_id = candidates.run_id
    and target.resource = candidates.resource
    and target.request_key = candidates.request_key
    and target.page_token = candidates.page_token
"""

# The same choice as the dbt macro latest_crawl_items, on the ledger: each playlist's latest
# complete crawl, each of its pages resolved to the landing that holds its items.
_PLAYLIST_ITEMS_SQL = """
with pages as (
    select
        run_id, request_key, page_token, captured_at, landed_at, etag, next_page_token,
        not_modified, request->>'playlistId' as playlist_id
    from {schema}.pages
    where resource = 'playlist_items'
),
crawls as (
    select
        playlist_id,
        run_id,
        request_key,
        min(captured_at) as crawled_at,
        max(case when next_page_token is null then 1 else 0 end) as is_complete
    from pages
    group by playlist_id, run_id, request_key
),
latest_crawl as (
    select
        *,
        row_number() over (
            partition by playlist_id order by crawled_at desc, run_id desc
        ) as crawl_recency
    from crawls
    where is_complete = 1
),
crawl_pages as (
    select pages.*
    from pages
    inner join latest_crawl
        on pages.run_id = latest_crawl.run_id and pages.request_key = latest_crawl.request_key
    where latest_crawl.crawl_recency = 1
),
crawl_landings as (
    select
        landings.run_id,
        landings.request_key,
        landings.page_token,
        row_number() over (
            partition by crawl_pages.run_id, crawl_pages.request_key, crawl_pages.page_token
            order by landings.captured_at desc
        ) as landing_recency
    from crawl_pages
    inner join pages as landings
        on
            crawl_pages.request_key = landings.request_key
            and crawl_pages.page_token = landings.page_token
            and not landings.not_modified
            and (
                (not crawl_pages.not_modified and crawl_pages.run_id = landings.run_id)
                or (
                    crawl_pages.not_modified
                    and crawl_pages.etag = landings.etag
                    and crawl_pages.captured_at >= landings.captured_at
                )
            )
),
latest_etag as (
    -- what the extractor's next conditional request for each page would match
    select distinct on (request_key, page_token) request_key, page_token, etag
    from pages
    where etag is not null
    order by request_key, page_token, captured_at desc, landed_at desc
),
reusable as (
    select distinct on (pages.request_key, pages.page_token)
        pages.run_id, pages.request_key, pages.page_token
    from pages
    inner join latest_etag
        on
            pages.request_key = latest_etag.request_key
            and pages.page_token = latest_etag.page_token
            and pages.etag = latest_etag.etag
    where not pages.not_modified
    order by pages.request_key, pages.page_token, pages.captured_at desc, pages.landed_at desc
),
kept as (
    select run_id, request_key, page_token from crawl_landings where landing_recency = 1
    union
    select run_id, request_key, page_token from reusable
)
delete from {schema}.playlist_items as target
where
    target.captured_at < %(horizon)s
    and target.item->'contentDetails'->>'videoPublishedAt' is not null
    and not exists (
        select 1
        from kept
        where
            kept.run_id = target.run_id
            and kept.request_key = target.request_key
            and kept.page_token = target.page_token
    )
"""

TABLES = ("videos", "most_popular_videos", "channels", "playlist_items", "pages")


@dataclass
class Report:
    """What one pass did (or, with ``dry_run``, would do)."""

    horizon: datetime | None
    dry_run: bool
    rows: dict[str, int] = field(default_factory=dict)  # step -> rows compacted or deleted
    bytes_before: dict[str, int] = field(default_factory=dict)
    bytes_after: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0  # the whole pass
    compact_seconds: float = 0.0  # the steps, without VACUUM
    reason: str | None = None  # why nothing was done

    def summary(self) -> str:
        if self.horizon is None:
            return f"raw retention: nothing to do ({self.reason})"
        verb = "would compact" if self.dry_run else "compacted"
        steps = ", ".join(f"{step} {n:,}" for step, n in self.rows.items())
        before = sum(self.bytes_before.values())
        after = sum(self.bytes_after.values())
        sizes = (
            f"; raw tables {before / 1e6:,.1f} MB -> {after / 1e6:,.1f} MB"
            if self.bytes_after
            else f"; raw tables {before / 1e6:,.1f} MB"
        )
        return (
            f"raw retention: {verb} rows captured before {self.horizon.isoformat()}: "
            f"{steps}{sizes} ({self.seconds:.1f} s)"
        )


def mark_transformed(conn_info: ConnectionInfo, finished_before: datetime) -> int:
    """Record that a ``dbt build`` started at ``finished_before`` succeeded: every run that
    had finished by then is consumed. Returns the number of runs newly marked."""
    conn = conn_info.connect()
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                f"""update {SCHEMA}.extract_runs set transformed_at = now()
                    where transformed_at is null and finished_at <= %s""",
                (finished_before,),
            )
            return cur.rowcount
    finally:
        conn.close()


def consumed_through(cur: Any) -> datetime | None:
    """The newest capture of a run the marts have consumed (None: none yet)."""
    cur.execute(
        """select 1 from information_schema.columns
           where table_schema = %s and table_name = 'extract_runs'
               and column_name = 'transformed_at'""",
        (SCHEMA,),
    )
    if cur.fetchone() is None:  # a schema from before the column: no run is marked
        return None
    cur.execute(
        f"""select max(pages.captured_at)
            from {SCHEMA}.pages
            inner join {SCHEMA}.extract_runs as runs on pages.run_id = runs.run_id
            where runs.transformed_at is not null"""
    )
    return cur.fetchone()[0]


def horizon(
    consumed: datetime | None, now: datetime, keep: timedelta, lookback: timedelta
) -> datetime | None:
    """Rows captured before this are compacted: older than ``keep`` and consumed."""
    if consumed is None:
        return None
    return min(now - keep, consumed - lookback)


def table_bytes(cur: Any) -> dict[str, int]:
    sizes = {}
    for table in TABLES:
        cur.execute(
            "select coalesce(pg_total_relation_size(to_regclass(%s)), 0)", (f"{SCHEMA}.{table}",)
        )
        sizes[table] = int(cur.fetchone()[0])
    return sizes


def _steps() -> list[tuple[str, str]]:
    steps = [
        (
            f"{table} items",
            _COMPACT_SQL.format(schema=SCHEMA, table=table, compact=compact),
        )
        for table, compact in COMPACT_ITEMS.items()
    ]
    steps.append(("videos.list pages", _PAGES_SQL.format(schema=SCHEMA)))
    steps.append(("superseded playlist items", _PLAYLIST_ITEMS_SQL.format(schema=SCHEMA)))
    return steps


def compact(
    conn_info: ConnectionInfo,
    keep: timedelta = DEFAULT_KEEP,
    now: datetime | None = None,
    dry_run: bool = False,
    vacuum: str | None = "vacuum",
    lookback: timedelta = DEFAULT_LOOKBACK,
) -> Report:
    """One retention pass. ``vacuum``: None, ``"vacuum"`` (space reusable) or ``"full"``
    (space returned to the system; locks each table while it is rewritten)."""
    started = time.monotonic()
    now = now or datetime.now(UTC)
    conn = conn_info.connect()
    try:
        with conn, conn.cursor() as cur:
            cur.execute("select to_regclass(%s)", (f"{SCHEMA}.pages",))
            if cur.fetchone()[0] is None:
                return Report(None, dry_run, reason=f"no {SCHEMA} schema in this database")
            cut = horizon(consumed_through(cur), now, keep, lookback)
            report = Report(cut, dry_run, bytes_before=table_bytes(cur))
        if cut is None:
            report.reason = (
                "no extract run is marked as transformed yet (the pipeline marks its runs "
                "after a successful dbt build: ytw run, or the served deployments)"
            )
            return report
        for step, sql in _steps():
            with conn, conn.cursor() as cur:
                cur.execute(sql, {"horizon": cut})
                report.rows[step] = cur.rowcount
                if dry_run:
                    conn.rollback()
            log.info("raw retention: %s: %d rows", step, report.rows[step])
        report.compact_seconds = time.monotonic() - started
        if not dry_run and vacuum:
            conn.autocommit = True
            with conn.cursor() as cur:
                for table in TABLES:
                    cur.execute(
                        f"vacuum {'(full, analyze)' if vacuum == 'full' else '(analyze)'} "
                        f"{SCHEMA}.{table}"
                    )
            conn.autocommit = False
        if not dry_run:
            with conn, conn.cursor() as cur:
                report.bytes_after = table_bytes(cur)
    finally:
        conn.close()
    report.seconds = time.monotonic() - started
    return report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a retention pass (``ytw retention`` and ``python -m extract.retention``)."""
    parser.add_argument(
        "--keep-days",
        type=float,
        default=DEFAULT_KEEP_DAYS,
        help=f"keep raw rows captured in the last N days whole (default {DEFAULT_KEEP_DAYS:g})",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="count what would change, change nothing"
    )
    parser.add_argument(
        "--vacuum-full",
        action="store_true",
        help="VACUUM FULL afterwards: return the space to the system (locks each raw table "
        "while it is rewritten; without it the space is reused by the next captures)",
    )


def run(args: argparse.Namespace) -> int:
    """One pass with the options of ``add_arguments``; prints its summary; an exit code."""
    if args.keep_days < 0:
        print("--keep-days must be 0 or more", file=sys.stderr)
        return 2
    conn = database.resolve()
    try:
        # a pass of its own holds the warehouse lock, as a pipeline run does (the pipeline's
        # own pass runs inside the run's lock): never under a build that reads raw rows
        with database.pipeline_lock(
            conn, on_wait=lambda: log.info("waiting for the warehouse lock (a run holds it)")
        ):
            report = compact(
                conn,
                keep=timedelta(days=args.keep_days),
                dry_run=args.dry_run,
                vacuum="full" if args.vacuum_full else "vacuum",
            )
    except DatabaseError as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return 3
    except psycopg2.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"raw retention failed: {first}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m extract.retention",
        description="Compact raw rows the marts have consumed (older than --keep-days): a "
        "full refresh of the marts still builds exactly the same marts.",
        epilog="Exit codes: 0 ok, 1 failed, 2 bad usage, 3 database unreachable. The database "
        "is DATABASE_URL, or the embedded one.",
    )
    add_arguments(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
