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
   ETag would re-use is kept too, so the extractor never has to ask again. Which landings
   the models read is the dbt macro ``latest_crawl_pages`` itself, rendered over the raw
   page ledger (``retention_sql``, ``dbt_rules``).

The page ledger, the run records, the quota ledger and the reference data are left alone.

What the marts have consumed is recorded on the raw side, so that this module never reads
the marts (layers depend one way): after a ``dbt build`` succeeds, the pipeline flow calls
``mark_transformed`` with the time the build started, which stamps
``extract_runs.transformed_at`` on every run that had finished by then (the build read all of
their rows). The horizon is the older of ``now - keep`` (7 days by default) and the newest
capture of a transformed run minus ``lookback`` (dbt var ``incremental_lookback_hours``, read
from ``dbt_project.yml``: what the incremental models may still re-read): rows the
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

from extract import database, dbt_rules, retention_sql
from extract.database import ConnectionInfo, DatabaseError
from extract.schema import SCHEMA

log = logging.getLogger(__name__)

DEFAULT_KEEP_DAYS = 7.0
DEFAULT_KEEP = timedelta(days=DEFAULT_KEEP_DAYS)

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


def compact(
    conn_info: ConnectionInfo,
    keep: timedelta = DEFAULT_KEEP,
    now: datetime | None = None,
    dry_run: bool = False,
    vacuum: str | None = "vacuum",
    lookback: timedelta | None = None,
) -> Report:
    """One retention pass. ``vacuum``: None, ``"vacuum"`` (space reusable) or ``"full"``
    (space returned to the system; locks each table while it is rewritten). ``lookback``:
    the incremental models' (dbt var ``incremental_lookback_hours``) unless given."""
    started = time.monotonic()
    if lookback is None:
        lookback = dbt_rules.incremental_lookback()
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
        for step, sql in retention_sql.statements():
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
    except dbt_rules.DbtProjectError as exc:
        print(f"raw retention failed: {exc}", file=sys.stderr)
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
