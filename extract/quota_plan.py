"""What the rest of a run is expected to cost, and the check before each step.

Before each step the run estimates the units the steps from there on need, with what it
knows by then, and stops (``QuotaRefused``: the run ends ``incomplete``) rather than start
what today's budget cannot finish. Budgets are per quota bucket (``quota.METHOD_BUCKETS``):
a step is checked against its own bucket only (``YOUTUBE_DAILY_QUOTA`` for the default
bucket, ``YOUTUBE_STATS_DAILY_QUOTA`` for the ``stats`` step's batchGetStats, each minus the
ledger's units of that bucket on this Pacific day), with the estimates of the remaining
steps that charge that bucket. Estimates per step:

- reference data: exactly (i18nRegions when due, one call per region whose categories are);
- playlists.list and the charts: the previous succeeded run's page counts, else 1 page per
  channel and ``CHART_PAGES_UNKNOWN`` per chart;
- playlist items: each playlist's ``itemCount`` once playlists.list has run (the uploads
  playlist: its channel's ``videoCount``), else the previous run's pages; in ``stats`` mode
  the first page of each uploads playlist;
- videos.list: one call per 50 ids once they are known, else the previous run's calls, else
  one per 50 playlist items;
- the statistics refresh (``stats`` mode): one batchGetStats call per 50 planned ids.

A resumed run re-uses the pages it already has: they are taken off the estimate.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from extract import resources as r
from extract.errors import QuotaRefused
from extract.load import LedgerRow, RawStore, request_key
from extract.quota import DEFAULT_BUCKET, STATS_BUCKET, Budget, Plan, pacific_day, refusal

log = logging.getLogger(__name__)

# The mostPopular chart holds at most 200 videos: 4 pages, when no earlier run measured it.
CHART_PAGES_UNKNOWN = 4
# The steps the plan covers, in order, and the resources each one asks for.
STEP_RESOURCES = {
    "reference": {r.I18N_REGIONS.name, r.VIDEO_CATEGORIES.name},
    "playlists": {r.PLAYLISTS.name},
    "items": {r.PLAYLIST_ITEMS.name},
    "videos": {r.VIDEOS.name},
    "stats": {r.VIDEO_BATCH_STATS.name},
    "charts": {r.MOST_POPULAR.name},
}
# The steps that charge a bucket other than the default one.
STEP_BUCKETS = {"stats": STATS_BUCKET}


class Counted(Protocol):
    @property
    def item_count(self) -> int | None: ...


class RunSoFar(Protocol):
    """What the estimates read of a run in progress (``steps.Extraction``)."""

    run_id: str
    mode: str
    channels_found: list[dict[str, Any]]
    video_ids: list[str] | None
    stats_ids: list[str] | None  # the ids the refresh planner chose (stats mode)
    prior: dict[tuple[str, str, str], LedgerRow]

    @property
    def playlists_found(self) -> Sequence[Counted] | None: ...
    def reference_due(self) -> tuple[bool, list[str]]: ...
    def uploads(self) -> Sequence[Counted]: ...
    def chart_params(self) -> list[dict[str, str]]: ...


def pages_for(count: int | None) -> int:
    """Pages a listing of ``count`` items takes (1 when the count is unknown)."""
    return max(1, math.ceil(count / r.MAX_PAGE_SIZE)) if count is not None else 1


def plan(step: str, run: RunSoFar, store: RawStore) -> Plan:
    """Units the steps from ``step`` on are expected to cost, with what is known now."""
    order = tuple(STEP_RESOURCES)
    wanted = order[order.index(step) :]
    estimate = Plan()
    if "reference" in wanted:
        i18n_due, regions_due = run.reference_due()
        estimate.units["reference"] = int(i18n_due) + len(regions_due)
    if "playlists" in wanted:
        previous = store.previous_page_counts(r.PLAYLISTS.name, run.run_id)
        estimate.units["playlists"] = sum(
            previous.get(request_key({"channelId": c["id"]}), 1) for c in run.channels_found
        )
    if "items" in wanted:
        estimate.units["items"] = _items(run, store)
    if "videos" in wanted:
        estimate.units["videos"] = _videos(run, store)
    if "stats" in wanted and run.stats_ids:
        estimate.units["stats"] = math.ceil(len(run.stats_ids) / r.MAX_PAGE_SIZE)
    if "charts" in wanted:
        previous = store.previous_page_counts(r.MOST_POPULAR.name, run.run_id)
        estimate.units["charts"] = sum(
            previous.get(request_key(params), CHART_PAGES_UNKNOWN) for params in run.chart_params()
        )
    # A resumed run re-uses the pages it has: they cost nothing again.
    for name, names in STEP_RESOURCES.items():
        if name in estimate.units:
            have = sum(1 for (resource, _, _) in run.prior if resource in names)
            estimate.units[name] = max(0, estimate.units[name] - have)
    return estimate


def _items(run: RunSoFar, store: RawStore) -> int:
    if run.mode == "stats":  # the first page of each uploads playlist
        return len(run.uploads())
    if run.playlists_found is not None:  # exact: itemCount of every playlist
        return sum(pages_for(p.item_count) for p in run.playlists_found)
    previous = store.previous_page_counts(r.PLAYLIST_ITEMS.name, run.run_id)
    uploads = sum(pages_for(p.item_count) for p in run.uploads())
    return max(sum(previous.values()), uploads)


def _videos(run: RunSoFar, store: RawStore) -> int:
    if run.video_ids is not None:
        return math.ceil(len(run.video_ids) / r.MAX_PAGE_SIZE)
    previous = sum(store.previous_page_counts(r.VIDEOS.name, run.run_id).values())
    if previous:
        return previous
    # Conservative: every item a distinct, available video.
    counts = [p.item_count or 0 for p in (run.playlists_found or run.uploads())]
    return math.ceil(sum(counts) / r.MAX_PAGE_SIZE)


def check_budget(
    step: str, run: RunSoFar, store: RawStore, limits: dict[str, int], now: datetime
) -> None:
    """Refuse (``QuotaRefused``) to start ``step`` when the rest of the run that charges the
    same quota bucket cannot be paid for today; ``limits``: daily units per bucket; ``now``
    is the API's clock (it says which Pacific day's units count)."""
    bucket = STEP_BUCKETS.get(step, DEFAULT_BUCKET)
    everything = plan(step, run, store)
    estimate = Plan(
        {s: n for s, n in everything.units.items() if STEP_BUCKETS.get(s, DEFAULT_BUCKET) == bucket}
    )
    budget = Budget(limits[bucket], store.units_spent_on(pacific_day(now), bucket), now, bucket)
    log.info(
        "quota plan before %s: %d units (%s); %d of %d left today in the %s bucket (%s, Pacific)",
        step,
        estimate.total,
        estimate.describe(),
        budget.left,
        budget.limit,
        bucket,
        budget.day,
    )
    if estimate.total > budget.left:
        raise QuotaRefused(refusal(budget, estimate, step))
