"""The daily quota: Pacific-time days, its buckets, today's budget, the units a run plans.

YouTube counts quota per day in America/Los_Angeles and resets it at midnight there. Days are
cut on the API's own clock (its ``Date`` header), so the ledger agrees with the server that
charges us, whatever this machine's clock says.

Since the granular quota (2026-06-01) each method charges one **bucket** with a daily limit
of its own: ``videos.batchGetStats`` the ``stats`` bucket, ``search.list`` the ``search``
bucket, every other method the ``default`` bucket. ``METHOD_BUCKETS`` is the one place that
says which; the quota ledger records each request's bucket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")

# The steps of a run, in order; the plan is re-estimated before each one.
STEPS = ("channels", "reference", "playlists", "items", "videos", "stats", "charts")

DEFAULT_BUCKET = "default"
STATS_BUCKET = "stats"
SEARCH_BUCKET = "search"
BUCKETS = (DEFAULT_BUCKET, STATS_BUCKET, SEARCH_BUCKET)
# Methods (as the ledger names them) with a bucket of their own; every other one: default.
METHOD_BUCKETS = {"videos.batchGetStats": STATS_BUCKET, "search.list": SEARCH_BUCKET}
# The setting that holds each bucket's daily limit (search.list is never called).
BUCKET_SETTINGS = {DEFAULT_BUCKET: "YOUTUBE_DAILY_QUOTA", STATS_BUCKET: "YOUTUBE_STATS_DAILY_QUOTA"}


def bucket_of(method: str) -> str:
    """The quota bucket ``method`` (``videos.list``, ``youtube.videos.batchGetStats``) charges."""
    return METHOD_BUCKETS.get(method.removeprefix("youtube."), DEFAULT_BUCKET)


def units_by_bucket(units_by_method: dict[str, int]) -> dict[str, int]:
    """Units per bucket from units per method (every bucket that was charged)."""
    totals: dict[str, int] = {}
    for method, units in units_by_method.items():
        bucket = bucket_of(method)
        totals[bucket] = totals.get(bucket, 0) + units
    return totals


def pacific_day(at: datetime) -> date:
    """The quota day ``at`` falls in (days start at midnight America/Los_Angeles)."""
    return at.astimezone(PACIFIC).date()


def next_reset(at: datetime) -> datetime:
    """The next quota reset after ``at``: the coming midnight in America/Los_Angeles, in UTC."""
    tomorrow = pacific_day(at) + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=PACIFIC).astimezone(UTC)


def reset_text(at: datetime) -> str:
    reset = next_reset(at)
    local = reset.astimezone(PACIFIC)
    return f"midnight America/Los_Angeles ({local:%Y-%m-%d %H:%M %Z} = {reset:%Y-%m-%d %H:%M} UTC)"


@dataclass(frozen=True)
class Budget:
    """Today's quota of one bucket as the ledger sees it."""

    limit: int
    spent: int
    now: datetime  # the API's clock
    bucket: str = DEFAULT_BUCKET

    @property
    def day(self) -> date:
        return pacific_day(self.now)

    @property
    def left(self) -> int:
        return max(0, self.limit - self.spent)


@dataclass
class Plan:
    """Estimated units per step still to run (an estimate: ``needs`` may be refined)."""

    units: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.units.values())

    def describe(self) -> str:
        return ", ".join(f"{step} {n}" for step, n in self.units.items() if n) or "nothing"


def refusal(budget: Budget, plan: Plan, step: str) -> str:
    """The message of a run that will not start ``step``: the rest cannot be paid for today."""
    setting = BUCKET_SETTINGS.get(budget.bucket, BUCKET_SETTINGS[DEFAULT_BUCKET])
    bucket = "" if budget.bucket == DEFAULT_BUCKET else f" in the {budget.bucket} bucket"
    return (
        f"quota: {budget.left} units left today{bucket} (limit {setting}={budget.limit}, "
        f"{budget.spent} spent on the Pacific day {budget.day}), but the run still needs about "
        f"{plan.total} ({plan.describe()}); it stopped before the {step} step, keeping what "
        f"landed. The quota resets at {reset_text(budget.now)}: run again then, or raise "
        f"{setting} if your project's quota is higher"
    )


def exhausted(what: str, now: datetime, run_id: str) -> str:
    """The message of a run the API stopped with quotaExceeded."""
    return (
        f"{what}: the API says the daily quota is spent (quotaExceeded); the run stopped, "
        f"keeping what landed. The quota resets at {reset_text(now)}: run again then "
        f"(`python -m extract --run-id {run_id}` fetches only what is missing)"
    )
