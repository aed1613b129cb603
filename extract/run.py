"""One extract run, recorded in ``raw_youtube.extract_runs``: ``run_extract``.

The steps are in ``steps`` (each page read through ``pagination.Pager``, landed by ``load``
as soon as it arrives), the quota plan checked before each step in ``quota_plan``, and what
an error ends in ``failures``. This module starts or resumes the run, runs its steps, and
closes it with its status:

- ``succeeded``; ``failed`` when any item failed, or an error no request can get past (bad
  key, API unreachable) stopped it; ``incomplete`` when the quota stopped it. What landed is
  kept either way.
- **Exactly once**: a page lands in one transaction with its ledger row; a resumed run (same
  run id) re-uses every page its ledger has instead of asking again.
- A database lost mid-run: the run is recorded ``failed`` (and ``retryable``) when the
  database is back, else ``DatabaseError``.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg2

from extract.client import YouTubeClient
from extract.database import ConnectionInfo, DatabaseError
from extract.failures import DatabaseLost, database_lost_message, first_line, run_ended
from extract.load import RawStore
from extract.quota import units_by_bucket
from extract.settings import PLANNER_SETTINGS, Settings
from extract.steps import MODES, Extraction

log = logging.getLogger(__name__)


def new_run_id(now: datetime | None = None) -> str:
    """Sortable and readable: ``20261121T093512Z-3f9a1c``."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


@dataclass
class RunResult:
    run_id: str
    status: str  # succeeded | failed | incomplete
    rows_landed: dict[str, int]  # the run's totals (all attempts of a resumed run)
    units_spent: int  # the run's total in the quota ledger (all attempts of a resumed run)
    units_by_method: dict[str, int]  # the same, per API method
    # the same, per quota bucket (default, stats, search: each has its own daily limit)
    units_by_bucket: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    resumed: bool = False
    notices: list[str] = field(default_factory=list)  # skipped, not failed (e.g. a 404 playlist)
    pages_not_modified: int = 0  # 304s to our conditional requests
    pages_reused: int = 0  # pages a resumed run already had
    # Cut short by the database going away mid-run (a restart, a failover): worth resuming
    # soon with the same run id. (An unreachable API was already retried request by request.)
    retryable: bool = False
    mode: str = "full"
    pages: int = 0  # pages this attempt landed or found not modified
    api_seconds: float = 0.0  # waiting on the API (retries and their back-off included)
    attempt_units: int = 0  # spent by this attempt alone
    landing_seconds: float = 0.0  # writing pages and ledger rows to the warehouse
    # a stats run's refresh plan: units planned and left, videos per reason, staleness
    refresh: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"

    def summary(self) -> str:
        rows = ", ".join(f"{t}={n}" for t, n in sorted(self.rows_landed.items())) or "no rows"
        extra = ""
        if self.pages_not_modified:
            extra += f", {self.pages_not_modified} pages not modified"
        if self.pages_reused:
            extra += f", {self.pages_reused} pages already landed"
        units = f"{self.units_spent} quota units"
        if set(self.units_by_bucket) - {"default"}:
            units += " (" + ", ".join(f"{b} {n}" for b, n in self.units_by_bucket.items()) + ")"
        if self.resumed:
            units += f" ({self.attempt_units} by this attempt)"
        return (
            f"extract run {self.run_id} {self.status} in {self.seconds:.1f}s: {rows}; "
            f"{units}{extra}"
        )


def _config(settings: Settings, mode: str) -> dict[str, Any]:
    return {
        "mode": mode,
        "api_url": settings.api_url,
        "channel_ids": settings.channel_ids,
        "regions": settings.regions,
        "chart_categories": settings.chart_categories,
        "daily_quota": settings.daily_quota,
        "reference_refresh_hours": settings.reference_refresh_hours,
        "stats_daily_quota": settings.stats_daily_quota,
        **{name: getattr(settings, name) for name in PLANNER_SETTINGS},
    }


def run_extract(
    settings: Settings,
    conn_info: ConnectionInfo,
    run_id: str | None = None,
    client: YouTubeClient | None = None,
    mode: str = "full",
    **policy: float,
) -> RunResult:
    """Run one extraction (or resume ``run_id``) and record it in ``raw_youtube.extract_runs``.

    ``mode`` is one of :data:`MODES`: ``full`` (the daily crawl) or ``stats`` (the hourly
    refresh of statistics and charts). ``policy``: refresh planner settings replacing those of
    ``settings`` (``settings.PLANNER_SETTINGS``' names, e.g. ``refresh_floor_hours=12``).

    Returns the result whatever happened to the API calls. Raises ``DatabaseError`` only when
    the warehouse is unreachable, at the start or after losing it mid-run with no way back.
    """
    started = time.monotonic()
    settings = settings.with_policy(**policy) if policy else settings
    run_id = run_id or new_run_id()
    store = RawStore(conn_info)  # DatabaseError if unreachable: nothing to record then
    try:
        try:
            store.ensure_schema()
            resumed = store.start_run(run_id, datetime.now(UTC), _config(settings, mode))
        except psycopg2.Error as exc:
            raise DatabaseError(
                f"cannot prepare the raw schema in {conn_info.display_url}: {first_line(exc)}"
            ) from None
        client = client or YouTubeClient(settings)
        client.on_request = lambda record: store.record_request(run_id, record)
        log.info("extract run %s %s", run_id, "resumed" if resumed else "started")
        extraction = Extraction(settings, client, store, run_id, resumed, mode)
        status = "succeeded"
        lost: BaseException | None = None
        try:
            extraction.run()
        except DatabaseLost as exc:
            lost = exc.__cause__ or exc
        except psycopg2.Error as exc:
            lost = exc
        except Exception as exc:  # what ends a run (failures.py); a bug closes it as failed
            status, why = run_ended(exc, client.server_now, run_id)
            extraction.failures.append(why)
        finally:
            extraction.reporter.close(extraction.counts)
        if lost is not None:
            return _after_database_loss(
                settings, conn_info, run_id, extraction, client, lost, started, resumed
            )
        if extraction.failures and status == "succeeded":
            status = "failed"
        message = "; ".join(extraction.failures) or None
        rows = store.finish_run(run_id, status, message)
        units = store.run_units(run_id)
        result = _result(extraction, client, status, rows, units, extraction.failures, started)
        log.info("%s", result.summary())
        return result
    finally:
        store.close()


def _after_database_loss(
    settings: Settings,
    conn_info: ConnectionInfo,
    run_id: str,
    extraction: Extraction,
    client: YouTubeClient,
    error: BaseException,
    started: float,
    resumed: bool,
) -> RunResult:
    """The warehouse went away mid-run: record the run as failed if it is back, else raise."""
    message = database_lost_message(error, run_id)
    log.error("%s", message)
    failures = [*extraction.failures, message]
    try:
        store = RawStore(conn_info)
    except DatabaseError as exc:
        raise DatabaseError(f"{message}; and it is still unreachable: {exc}") from None
    try:
        rows = store.finish_run(run_id, "failed", "; ".join(failures))
        units = store.run_units(run_id)
    except psycopg2.Error as exc:
        raise DatabaseError(
            f"{message}; recording the failure failed too: {first_line(exc)}"
        ) from None
    finally:
        store.close()
    result = _result(extraction, client, "failed", rows, units, failures, started)
    result.retryable = True
    return result


def _result(
    extraction: Extraction,
    client: YouTubeClient,
    status: str,
    rows: dict[str, int],
    units: dict[str, int],
    failures: list[str],
    started: float,
) -> RunResult:
    """The run's result; rows and units are its totals over every attempt (``units``: the
    quota ledger's, by method as ``RawStore.run_units`` gives them)."""
    return RunResult(
        run_id=extraction.run_id,
        status=status,
        rows_landed=rows,
        units_spent=sum(units.values()),
        units_by_method={f"youtube.{method}": n for method, n in sorted(units.items())},
        units_by_bucket=units_by_bucket(units),
        attempt_units=client.units_spent,
        failures=failures,
        seconds=time.monotonic() - started,
        resumed=extraction.resumed,
        notices=extraction.notices,
        pages_not_modified=extraction.pager.pages_not_modified,
        pages_reused=extraction.pager.pages_reused,
        mode=extraction.mode,
        refresh=extraction.refresh,
        pages=extraction.counts.pages,
        api_seconds=client.seconds,
        landing_seconds=extraction.pager.landing_seconds,
    )


__all__ = ["MODES", "RunResult", "new_run_id", "run_extract"]
