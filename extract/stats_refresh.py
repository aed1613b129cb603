"""The hourly ``stats`` run: channels -> the uploads playlists' first pages -> videos.list for
new videos and for metadata older than ``YOUTUBE_METADATA_REFRESH_HOURS`` -> the statistics
the refresh planner (``planner``) picks, through ``videos.batchGetStats`` (50 ids a call, the
``stats`` quota bucket) -> the mostPopular charts.

- The plan (``raw_youtube.refresh_plan``) is written whatever happens to the refresh, with
  the method that refreshed each chosen video (null: nothing did this run).
- The stats bucket spent (``quotaExceeded``), or its budget check refusing: the statistics
  refresh stops there (one notice); the rest of the run goes on.
- A key that cannot use batchGetStats (404, 403 ``accessNotConfigured``/``forbidden``): one
  warning, and the same planned ids go through ``videos.list`` (default bucket) as far as that
  bucket can pay besides the charts; batchGetStats is not tried again in this run.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from extract import quota_plan, refresh_store
from extract import resources as r
from extract.errors import QUOTA_REASONS, ApiError, QuotaRefused
from extract.planner import Policy, metadata_due, plan_refresh, to_describe
from extract.quota import DEFAULT_BUCKET, STATS_BUCKET, pacific_day

if TYPE_CHECKING:
    from extract.steps import Extraction

log = logging.getLogger(__name__)

# What says the key cannot use batchGetStats at all (the method is not there for it).
UNUSABLE_REASONS = frozenset({"accessNotConfigured", "SERVICE_DISABLED", "forbidden"})


class StatsBucketSpent(QuotaRefused):
    """The stats bucket cannot pay for more: ends the statistics refresh, not the run."""


def stats_steps(run: Extraction, known: set[str]) -> None:
    """The steps of a ``stats`` run (``known``: the ids the latest finished run asked about)."""
    # Regions YouTube does not list fail their charts: known from the last reference data.
    run._check_regions(run.store.latest_items(r.I18N_REGIONS))
    run.check_budget("items")
    new = run._step("uploads", run.new_uploads)
    conn = run.store.conn
    if refresh_store.state_is_empty_with_history(conn):
        rebuilt = refresh_store.rebuild(conn)
        log.info("refresh state rebuilt from the raw tables: %d videos", rebuilt)
    policy = Policy.from_settings(run.settings)
    states = refresh_store.load_state(conn)
    describe = to_describe(states, known | new)
    stale = metadata_due(states.values(), run.client.server_now(), policy)
    run.video_ids = sorted(set(describe) | set(stale))
    log.info(
        "videos.list for %d videos: %d new, %d with metadata older than %gh",
        len(run.video_ids),
        len(describe),
        len(stale),
        policy.metadata_hours,
    )
    run.check_budget("videos")
    run._step("videos", run.videos, run.video_ids)

    now = run.client.server_now()
    spent = run.store.units_spent_on(pacific_day(now), STATS_BUCKET)
    states = refresh_store.load_state(conn)
    limit = run.settings.bucket_limits[STATS_BUCKET]
    plan = plan_refresh(states.values(), now, limit, spent, policy)
    log.info("refresh plan: %s", plan.describe())
    run.refresh = plan.summary(states.values(), now)
    refresh_store.write_summary(conn, run.run_id, run.refresh)
    run.stats_ids = plan.chosen_ids
    methods: dict[str, str] = {}
    try:
        run._step("stats", refresh_statistics, run, plan.chosen_ids, methods)
    finally:
        refresh_store.write_plan(conn, run.run_id, now, plan.rows, methods)
    run.check_budget("charts")
    run._step("charts", run.charts)


def _unusable(exc: ApiError) -> bool:
    return exc.status == 404 or (exc.status == 403 and exc.reason in UNUSABLE_REASONS)


def refresh_statistics(run: Extraction, ids: list[str], methods: dict[str, str]) -> None:
    """The statistics of ``ids``, 50 a call; ``methods`` gets what refreshed each id."""
    batches = [ids[i : i + r.MAX_PAGE_SIZE] for i in range(0, len(ids), r.MAX_PAGE_SIZE)]
    if not batches:
        return
    room: list[int] = []  # default-bucket calls the fallback may make (set when it starts)

    def by_videos_list(number: int, batch: list[str]) -> None:
        if not room:
            now = run.client.server_now()
            limit = run.settings.bucket_limits[DEFAULT_BUCKET]
            left = limit - run.store.units_spent_on(pacific_day(now), DEFAULT_BUCKET)
            charts = quota_plan.plan("charts", run, run.store).units.get("charts", 0)
            room.append(max(0, left - charts))
        if room[0] <= 0:
            raise QuotaRefused(
                f"videos.list batch {number}/{len(batches)}: the {DEFAULT_BUCKET} bucket cannot "
                "pay for more statistics besides the charts today"
            )
        room[0] -= 1
        what = f"videos.list batch {number}/{len(batches)} (statistics)"
        run.pager.listing(r.VIDEOS, {"id": ",".join(batch)}, what)
        methods.update(dict.fromkeys(batch, r.VIDEOS.api_method))

    def fetch(numbered: tuple[int, list[str]]) -> None:
        number, batch = numbered
        if run.stats_resource is r.VIDEOS:
            by_videos_list(number, batch)
            return
        what = f"videos.batchGetStats batch {number}/{len(batches)}"
        try:
            run.pager.listing(r.VIDEO_BATCH_STATS, {"id": ",".join(batch)}, what)
        except ApiError as exc:
            if exc.reason in QUOTA_REASONS:
                raise StatsBucketSpent(str(exc)) from None
            if not _unusable(exc):
                raise
            log.warning(
                "videos.batchGetStats is not available to this key (HTTP %s %s): the "
                "statistics of the %d planned videos are refreshed with videos.list instead "
                "(default quota bucket, as far as its budget allows) for the rest of this run",
                exc.status,
                exc.reason or "",
                len(ids),
            )
            run.stats_resource = r.VIDEOS
            by_videos_list(number, batch)
            return
        methods.update(dict.fromkeys(batch, r.VIDEO_BATCH_STATS.api_method))

    try:
        if run.stats_resource is r.VIDEO_BATCH_STATS:
            run.check_budget("stats")
        run.outcome.each(enumerate(batches, 1), fetch, lambda n: f"statistics batch {n[0]}")
    except QuotaRefused as exc:
        waiting = len(ids) - len(methods)
        bucket = STATS_BUCKET if run.stats_resource is r.VIDEO_BATCH_STATS else DEFAULT_BUCKET
        notice = (
            f"statistics refresh stopped: the {bucket} quota bucket cannot pay for more today "
            f"({exc}); {waiting} planned videos wait for the next run (refresh_plan says which), "
            "the rest of the run goes on"
        )
        log.warning("%s", notice)
        run.notices.append(notice)
