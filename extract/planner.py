"""The hourly refresh planner: which videos' statistics a ``stats`` run refreshes, and which
videos' metadata it re-reads. Pure: a function of (state rows, now, budget, policy), no I/O;
``refresh_store`` reads its input and writes its output.

Policy (``Policy``, from the settings; every number a ``YOUTUBE_*`` variable):

- ``young``: published less than ``refresh_young_hours`` (48) ago: every run;
- ``charted``: in a mostPopular chart within ``refresh_charted_hours`` (2, plus half a run
  interval of slack): every run;
- ``new``: never captured: now;
- ``fast``: views per hour between the last two captures (their real times, not row counts)
  above ``refresh_fast_views_per_hour`` (1,000): every ``floor x threshold / velocity`` hours,
  bounded by one run interval and the floor;
- ``floor``: every other available video at least once per ``refresh_floor_hours`` (24);
- ``recheck``: unavailable (asked for, not returned) videos every
  ``unavailable_recheck_hours`` (168).

"Every run" means due once half a run interval (``1 / stats_runs_per_hour`` hours) has
passed since the last capture: captures of consecutive runs are a few seconds less than an
interval apart.

Pacing: the stats bucket's units left today, minus ``stats_reserve_units`` (200), shared
evenly over the runs left before the Pacific-midnight reset (``stats_runs_per_hour``); a
share of ``n`` units refreshes ``50 n`` videos (one batchGetStats call a unit). When the
share cannot cover everything due, the order is young > charted > new > overdue (due before
the previous run, most overdue first) > fast > floor > recheck; the rest are planned with
``chosen = False`` and the hours since their last capture: never silently stale.
"""

from __future__ import annotations

import gc
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from extract.quota import next_reset
from extract.refresh_state import VideoState
from extract.resources import MAX_PAGE_SIZE
from extract.settings import Settings

HOUR = timedelta(hours=1)
# Priority tiers, highest first ("overdue" is a tier of fast and floor videos, not a reason).
TIERS = ("young", "charted", "new", "overdue", "fast", "floor", "recheck")
_TIER = {name: rank for rank, name in enumerate(TIERS)}


@dataclass(frozen=True)
class Policy:
    """The planner's knobs; the defaults are the settings' (``extract.settings``)."""

    young_hours: float = Settings.refresh_young_hours
    charted_hours: float = Settings.refresh_charted_hours
    floor_hours: float = Settings.refresh_floor_hours
    fast_views_per_hour: float = Settings.refresh_fast_views_per_hour
    recheck_hours: float = Settings.unavailable_recheck_hours
    metadata_hours: float = Settings.metadata_refresh_hours
    reserve_units: int = Settings.stats_reserve_units
    runs_per_hour: float = Settings.stats_runs_per_hour

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(
            young_hours=settings.refresh_young_hours,
            charted_hours=settings.refresh_charted_hours,
            floor_hours=settings.refresh_floor_hours,
            fast_views_per_hour=settings.refresh_fast_views_per_hour,
            recheck_hours=settings.unavailable_recheck_hours,
            metadata_hours=settings.metadata_refresh_hours,
            reserve_units=int(settings.stats_reserve_units),
            runs_per_hour=settings.stats_runs_per_hour,
        )

    @property
    def run_interval_hours(self) -> float:
        return 1.0 / self.runs_per_hour


class PlanRow(NamedTuple):
    """A row of ``raw_youtube.refresh_plan`` (without run id, time and method)."""

    video_id: str
    reason: str
    chosen: bool
    due_at: datetime
    next_due_at: datetime | None  # chosen: when it is due again; not chosen: the next run
    hours_stale: float | None  # hours since the last capture (None: never captured)


@dataclass(frozen=True)
class RefreshPlan:
    rows: list[PlanRow]
    share_units: int  # the stats units this run may spend
    units_left: int  # in the stats bucket today, before the reserve
    runs_left: int  # before the quota resets, this one included

    @property
    def chosen_ids(self) -> list[str]:
        return [row.video_id for row in self.rows if row.chosen]

    @property
    def units(self) -> int:
        return math.ceil(len(self.chosen_ids) / MAX_PAGE_SIZE)

    def describe(self) -> str:
        chosen = Counter(row.reason for row in self.rows if row.chosen)
        left = Counter(row.reason for row in self.rows if not row.chosen)
        parts = [f"{chosen[r]} {r}" for r in TIERS if chosen[r]]
        text = (
            f"{len(self.chosen_ids)} videos ({', '.join(parts) or 'none due'}) for {self.units} "
            f"of {self.share_units} units (stats bucket: {self.units_left} left today, "
            f"{self.runs_left} runs to the reset)"
        )
        if left:
            text += "; due but left for later: " + ", ".join(
                f"{left[r]} {r}" for r in TIERS if left[r]
            )
        return text

    def summary(self, states: Iterable[VideoState], now: datetime) -> dict[str, object]:
        """What the run's report shows: units planned and left, videos per reason (refreshed
        and left for later) and how stale the available videos were when it was planned."""
        return {
            "planned_units": self.units,
            "share_units": self.share_units,
            "units_left_today": self.units_left,
            "runs_left": self.runs_left,
            "refreshed_by_reason": dict(Counter(r.reason for r in self.rows if r.chosen)),
            "left_by_reason": dict(Counter(r.reason for r in self.rows if not r.chosen)),
            "staleness_hours": staleness(states, now),
        }


def staleness(states: Iterable[VideoState], now: datetime) -> dict[str, float | None]:
    """p50, p95 and max of the hours since the last capture of the available videos ever
    captured (nearest rank; ``None`` when there is none)."""
    hours = sorted(
        (now - s.last_captured_at) / HOUR
        for s in states
        if s.is_available is not False and s.last_captured_at is not None
    )
    if not hours:
        return {"p50": None, "p95": None, "max": None}

    def rank(q: float) -> float:
        return round(hours[max(0, math.ceil(q * len(hours)) - 1)], 1)

    return {"p50": rank(0.50), "p95": rank(0.95), "max": round(hours[-1], 1)}


def share_units(limit: int, spent: int, now: datetime, policy: Policy) -> tuple[int, int, int]:
    """(units this run may spend, units left today, runs left before the reset)."""
    left = max(0, limit - spent)
    hours = (next_reset(now) - now) / HOUR
    runs = max(1, math.ceil(hours * policy.runs_per_hour - 1e-9))
    return max(0, left - policy.reserve_units) // runs, left, runs


@dataclass(frozen=True)
class _Clock:
    """The policy's lengths as timedeltas and cutoffs at ``now``, computed once per plan."""

    now: datetime
    young_since: datetime
    charted_since: datetime
    half_run: timedelta
    floor: timedelta
    recheck: timedelta

    @classmethod
    def at(cls, now: datetime, policy: Policy) -> _Clock:
        return cls(
            now,
            now - policy.young_hours * HOUR,
            # half a run of slack: chart captures are whole seconds and runs a few seconds
            # off the hour, so a chart N runs ago must not count or not by milliseconds
            now - (policy.charted_hours + policy.run_interval_hours / 2) * HOUR,
            policy.run_interval_hours / 2 * HOUR,
            policy.floor_hours * HOUR,
            policy.recheck_hours * HOUR,
        )


def _due(state: VideoState, c: _Clock, policy: Policy) -> tuple[str, datetime, float]:
    """(reason, due time, hours between refreshes) of one video."""
    if state.is_available is False:
        checked = state.availability_checked_at or c.now
        return "recheck", checked + c.recheck, policy.recheck_hours
    last = state.last_captured_at
    published = state.published_at
    if published is not None and published > c.young_since:
        return "young", (last + c.half_run) if last else c.now, policy.run_interval_hours
    charted = state.last_charted_at
    if charted is not None and charted >= c.charted_since:
        return "charted", (last + c.half_run) if last else c.now, policy.run_interval_hours
    if last is None:
        return "new", c.now, policy.floor_hours
    previous = state.previous_captured_at
    if (
        previous is not None
        and state.last_view_count is not None
        and state.previous_view_count is not None
    ):
        hours = (last - previous) / HOUR
        velocity = (state.last_view_count - state.previous_view_count) / hours if hours else 0
        if velocity > policy.fast_views_per_hour:
            fast = policy.floor_hours * policy.fast_views_per_hour / velocity
            interval = min(policy.floor_hours, max(policy.run_interval_hours, fast))
            if interval < policy.floor_hours:
                return "fast", last + interval * HOUR, interval
    return "floor", last + c.floor, policy.floor_hours


def plan_refresh(
    states: Iterable[VideoState], now: datetime, limit: int, spent: int, policy: Policy
) -> RefreshPlan:
    """The videos this run refreshes and the due ones it leaves for later.

    ``limit`` and ``spent``: the stats bucket's daily limit and today's units in the ledger.
    The cyclic garbage collector is paused meanwhile: a plan allocates a tuple per due video
    and nothing cyclic, and the collector's passes over 100,000 states would double the time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _plan(list(states), now, limit, spent, policy)
    finally:
        if paused:
            gc.enable()


def _plan(
    states: list[VideoState], now: datetime, limit: int, spent: int, policy: Policy
) -> RefreshPlan:
    share, left, runs = share_units(limit, spent, now, policy)
    overdue_before = now - policy.run_interval_hours * HOUR
    due: list[tuple[int, datetime, str, str, float, float | None]] = []
    append = due.append
    clock = _Clock.at(now, policy)
    overdue = _TIER["overdue"]
    for state in states:
        reason, due_at, interval = _due(state, clock, policy)
        if due_at > now:
            continue
        tier = _TIER[reason]
        if tier > overdue and reason != "recheck" and due_at < overdue_before:
            tier = overdue
        last = state.last_captured_at
        stale = (now - last) / HOUR if last is not None else None
        append((tier, due_at, state.video_id, reason, interval, stale))
    due.sort()
    capacity = share * MAX_PAGE_SIZE
    next_run = now + policy.run_interval_hours * HOUR
    rows = [
        PlanRow(video_id, reason, True, due_at, now + interval * HOUR, stale)
        for _, due_at, video_id, reason, interval, stale in due[:capacity]
    ]
    rows.extend(
        PlanRow(video_id, reason, False, due_at, next_run, stale)
        for _, due_at, video_id, reason, interval, stale in due[capacity:]
    )
    return RefreshPlan(rows, share, left, runs)


def metadata_due(states: Iterable[VideoState], now: datetime, policy: Policy) -> list[str]:
    """Available videos whose metadata (title, duration, category) is older than
    ``metadata_hours``, oldest first, at most this run's share: the videos read once per
    period, spread evenly over the period's runs."""
    stale_before = now - policy.metadata_hours * HOUR
    available = 0
    stale: list[tuple[datetime, str]] = []
    for state in states:
        if state.is_available is False or state.metadata_captured_at is None:
            continue
        available += 1
        if state.metadata_captured_at < stale_before:
            stale.append((state.metadata_captured_at, state.video_id))
    share = math.ceil(available / max(1.0, policy.metadata_hours * policy.runs_per_hour))
    return [video_id for _, video_id in sorted(stale)[:share]]


def to_describe(states: dict[str, VideoState], seen: Iterable[str]) -> list[str]:
    """Ids seen (playlist items, the last run's videos) with no metadata in the warehouse and
    not known to be unavailable: for videos.list."""
    found = []
    for video_id in seen:
        state = states.get(video_id)
        if state is None or (
            state.metadata_captured_at is None and state.is_available is not False
        ):
            found.append(video_id)
    return sorted(set(found))
