"""One extract run: channels -> reference data -> playlists -> playlist items -> videos ->
mostPopular charts, each page landed as soon as it arrives.

- **Per item**: one failing channel, playlist, batch or region is recorded and the others go
  on; the run fails (exit 1) only when something failed. Errors no request can get past (bad
  key, API unreachable, quota spent) stop the run, keeping what landed.
- **Quota**: every request is written to ``raw_youtube.quota_ledger``. Before each step the
  run estimates the units the rest of it needs (from the previous run's page counts, the
  playlists' ``itemCount``, else conservatively) and stops, ``incomplete``, rather than start
  what today's budget (``YOUTUBE_DAILY_QUOTA`` minus the ledger's units of this Pacific day)
  cannot finish. channels.list goes first: its ``Date`` header says which quota day it is.
- **Fewest units**: 50 ids per videos.list, uploads playlists instead of search.list,
  conditional requests (ETags) for playlists and playlist items, reference data (regions,
  categories) only when older than ``YOUTUBE_REFERENCE_REFRESH_HOURS``, and a resumed run
  (same run id) re-uses every page it already has instead of asking again.
- **Exactly once**: a page lands in one transaction with its ledger row; a resumed run skips
  the pages in its ledger.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg2

from extract import progress
from extract import resources as r
from extract.client import YouTubeClient
from extract.database import ConnectionInfo, DatabaseError
from extract.errors import (
    QUOTA_REASONS,
    ApiError,
    ApiUnreachable,
    ExtractError,
    FatalApiError,
    redact,
)
from extract.load import LedgerRow, RawStore, request_key
from extract.pagination import Page, PageGuard
from extract.quota import Budget, Plan, exhausted, pacific_day, refusal
from extract.settings import Settings

log = logging.getLogger(__name__)

# The mostPopular chart holds at most 200 videos: 4 pages, when no earlier run measured it.
CHART_PAGES_UNKNOWN = 4
# Resources whose landed items a later step needs (ids); the others only need counting.
_ITEMS_NEEDED = {r.CHANNELS.name, r.PLAYLISTS.name, r.PLAYLIST_ITEMS.name, r.I18N_REGIONS.name}
_VIDEO_KIND = "youtube#video"
# What a run asks for. The daily crawl ("full") fixes playlist membership; the hourly
# refresh ("stats") only adds the uploads playlists' first pages, for new videos.
MODES = {
    "full": "channels, reference data when due, every playlist and all its items, the "
    "statistics of every video in them, the mostPopular charts",
    "stats": "channels, the first page of each uploads playlist (new videos), the statistics "
    "of every video the last run asked about plus the new ones, the mostPopular charts",
}
_STEP_RESOURCES = {
    "reference": {r.I18N_REGIONS.name, r.VIDEO_CATEGORIES.name},
    "playlists": {r.PLAYLISTS.name},
    "items": {r.PLAYLIST_ITEMS.name},
    "videos": {r.VIDEOS.name},
    "charts": {r.MOST_POPULAR.name},
}


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
        if self.resumed:
            units += f" ({self.attempt_units} by this attempt)"
        return (
            f"extract run {self.run_id} {self.status} in {self.seconds:.1f}s: {rows}; "
            f"{units}{extra}"
        )


class QuotaRefused(ExtractError):
    """The rest of the run cannot be paid for with what is left of today's quota."""


class DatabaseLost(Exception):
    """The warehouse connection broke mid-run (restart, network): wraps the driver's error."""


def _batches(ids: list[str], size: int = r.MAX_PAGE_SIZE) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _dicts(items: Iterable[Any]) -> list[dict[str, Any]]:
    """Items that are JSON objects; anything else is kept raw but never looked into."""
    return [item for item in items if isinstance(item, dict)]


def _get(value: Any, *path: str) -> Any:
    """``value[path[0]][path[1]]...`` through dicts only; None when any step is missing."""
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _pages_for(count: int | None) -> int:
    return max(1, math.ceil(count / r.MAX_PAGE_SIZE)) if count is not None else 1


def video_id_to_ask(item: dict[str, Any]) -> str | None:
    """The video a playlist item points at, if videos.list can return it.

    Items of another kind (a channel), deleted and private placeholders (no
    ``videoPublishedAt``, privacy private/unspecified) and items without a video id are
    skipped: asking for them would only fill batches.
    """
    kind = _get(item, "snippet", "resourceId", "kind")
    if kind is not None and kind != _VIDEO_KIND:
        return None
    details = item.get("contentDetails")
    video_id = _get(details, "videoId") or _get(item, "snippet", "resourceId", "videoId")
    if not isinstance(video_id, str) or not video_id:
        return None
    if isinstance(details, dict) and not details.get("videoPublishedAt"):
        return None
    if _get(item, "status", "privacyStatus") in ("private", "privacyStatusUnspecified"):
        return None
    return video_id


@dataclass(frozen=True)
class _Got:
    """One page as the paging loop needs it."""

    items: list[Any]
    count: int  # items on the page (a 304's are those of the landing it matched)
    next_token: str | None
    total_results: int | None  # the listing's pageInfo.totalResults


@dataclass
class _Playlist:
    playlist_id: str
    item_count: int | None  # from playlists.list contentDetails / channel statistics


class Extraction:
    """The steps of one run, sharing a client, a store and the run's failure list."""

    def __init__(
        self,
        settings: Settings,
        client: YouTubeClient,
        store: RawStore,
        run_id: str,
        resumed: bool = False,
        mode: str = "full",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown extract mode {mode!r}: use one of {', '.join(MODES)}")
        self.settings = settings
        self.mode = mode
        self.client = client
        self.store = store
        self.run_id = run_id
        self.resumed = resumed
        self.failures: list[str] = []
        self.notices: list[str] = []
        self.pages_not_modified = 0
        self.pages_reused = 0
        # What an earlier attempt of this run landed: re-used, never asked for again.
        self.prior: dict[tuple[str, str, str], LedgerRow] = (
            store.run_pages(run_id) if resumed else {}
        )
        self.bad_regions: set[str] = set()
        # Knowledge for the quota plan, filled in as the steps run.
        self.channels_found: list[dict[str, Any]] = []
        self.playlists_found: list[_Playlist] | None = None
        self.video_ids: list[str] | None = None
        self.reference_due: tuple[bool, list[str]] | None = None
        self.counts = progress.Counts()
        self.reporter = progress.current()
        self.landing_seconds = 0.0

    # ------------------------------------------------------------------ pages

    def _listing(
        self,
        resource: r.Resource,
        params: dict[str, Any],
        what: str,
        expected_items: int | None = None,
    ) -> list[Any]:
        """Every page of one listing, following ``nextPageToken``; returns its items.

        ``expected_items`` (a playlist's ``itemCount``...) bounds the pages with the listing's
        own ``totalResults``: a runaway listing raises ``RunawayListing`` (``PageGuard``)."""
        key = request_key(params)
        guard = PageGuard(what, expected_items)
        token, offset = "", 0
        items: list[Any] = []
        while True:
            label = f"{what} (page {guard.pages + 1})" if resource.paged else what
            got = self._page(resource, params, key, token, offset, label)
            items.extend(got.items)
            offset += got.count
            if not resource.paged:
                return items
            next_token = guard.follow(got.next_token, got.total_results)
            if next_token is None:
                return items
            token = next_token

    def _page(
        self,
        resource: r.Resource,
        params: dict[str, Any],
        key: str,
        token: str,
        offset: int,
        what: str,
    ) -> _Got:
        """One page, from wherever it is cheapest: re-used, not modified, or asked for."""
        prior = self.prior.get((resource.name, key, token))
        if prior is not None:
            reused = self._reuse(resource, key, token, prior)
            if reused is not None:
                self.pages_reused += 1
                return reused
        call_params = dict(params)
        if resource.paged:
            call_params["maxResults"] = r.MAX_PAGE_SIZE
            if token:
                call_params["pageToken"] = token
        matched = None
        if resource.conditional:
            matched = self.store.latest_etag(resource.name, key, token)
        if matched is not None and matched.etag:
            response = self.client.list(resource, call_params, what, etag=matched.etag)
            if response.not_modified:
                landing = self.store.landing_of(resource.name, key, token, matched.etag)
                items = self._items_of(resource, landing, key, token)
                if landing is not None and items is not None:
                    started = time.monotonic()
                    self.store.record_not_modified(
                        self.run_id,
                        resource,
                        params,
                        token,
                        matched,
                        response.captured_at,
                        response.cost,
                    )
                    self.landing_seconds += time.monotonic() - started
                    self.pages_not_modified += 1
                    self._counted(what, landing.item_count)
                    return _Got(
                        items, landing.item_count, matched.next_page_token, landing.total_results
                    )
                log.warning(
                    "%s: not modified, but the items landed with ETag %s are not in the raw "
                    "tables any more; asking again without the ETag",
                    what,
                    matched.etag,
                )
                response = self.client.list(resource, call_params, what)
        else:
            response = self.client.list(resource, call_params, what)
        page = Page(
            resource, params, token, offset, response.body, response.captured_at, response.cost
        )
        started = time.monotonic()
        self.store.land_page(self.run_id, page)
        self.landing_seconds += time.monotonic() - started
        self._counted(what, len(page.items))
        return _Got(page.items, len(page.items), page.next_page_token, page.total_results)

    def _counted(self, what: str, items: int) -> None:
        self.counts.pages += 1
        self.counts.items += items
        self.counts.units = self.client.units_spent
        self.reporter.page(self.counts, what)

    def _items_of(
        self, resource: r.Resource, landing: LedgerRow | None, key: str, token: str
    ) -> list[Any] | None:
        """A landing's items (None if they are gone); only read for resources whose ids a
        later step needs."""
        if landing is None:
            return None
        if resource.name not in _ITEMS_NEEDED:
            return []
        items = self.store.landed_items(resource, landing.run_id, key, token)
        return items if len(items) == landing.item_count else None

    def _reuse(self, resource: r.Resource, key: str, token: str, prior: LedgerRow) -> _Got | None:
        """A page an earlier attempt of this run already has (landed, or a 304)."""
        landing: LedgerRow | None = prior
        if prior.not_modified and prior.etag:
            landing = self.store.landing_of(resource.name, key, token, prior.etag)
        items = self._items_of(resource, landing, key, token)
        if landing is None or items is None:
            return None
        return _Got(items, landing.item_count, prior.next_page_token, landing.total_results)

    # ------------------------------------------------------------------ per item

    def _each(
        self, things: Iterable[Any], step: Callable[[Any], object], name: Callable[[Any], str]
    ) -> None:
        """Run ``step`` per thing; an error of that thing is recorded and the loop goes on."""
        for thing in things:
            try:
                step(thing)
            except (FatalApiError, ApiUnreachable, QuotaRefused, DatabaseLost):
                raise
            except psycopg2.Error as exc:
                raise DatabaseLost(exc) from exc
            except ApiError as exc:
                if exc.reason == "playlistNotFound":
                    log.warning("%s", exc)
                    self.notices.append(str(exc))
                else:
                    log.warning("%s", exc)
                    self.failures.append(str(exc))
            except ExtractError as exc:
                log.warning("%s", exc)
                self.failures.append(str(exc))
            except Exception as exc:
                # A bug met on odd data: that item fails, the others go on; -v shows where.
                log.debug("unexpected error on %s", name(thing), exc_info=True)
                message = redact(f"{name(thing)}: unexpected {type(exc).__name__}: {exc}")
                log.warning("%s", message)
                self.failures.append(f"{message} (run with -v for the traceback)")

    # ------------------------------------------------------------------ quota plan

    def budget(self) -> Budget:
        now = self.client.server_now()
        return Budget(self.settings.daily_quota, self.store.units_spent_on(pacific_day(now)), now)

    def plan(self, step: str) -> Plan:
        """Units the steps from ``step`` on are expected to cost, with what is known now."""
        order = ("reference", "playlists", "items", "videos", "charts")
        wanted = order[order.index(step) :]
        plan = Plan()
        if "reference" in wanted:
            i18n_due, regions_due = self._reference_due()
            plan.units["reference"] = int(i18n_due) + len(regions_due)
        if "playlists" in wanted:
            previous = self.store.previous_page_counts(r.PLAYLISTS.name, self.run_id)
            plan.units["playlists"] = sum(
                previous.get(request_key({"channelId": c["id"]}), 1) for c in self.channels_found
            )
        if "items" in wanted:
            plan.units["items"] = self._items_estimate()
        if "videos" in wanted:
            plan.units["videos"] = self._videos_estimate()
        if "charts" in wanted:
            previous = self.store.previous_page_counts(r.MOST_POPULAR.name, self.run_id)
            plan.units["charts"] = sum(
                previous.get(request_key(params), CHART_PAGES_UNKNOWN)
                for params in self._chart_params()
            )
        # A resumed run re-uses the pages it has: they cost nothing again.
        for step_name, names in _STEP_RESOURCES.items():
            if step_name in plan.units:
                have = sum(1 for (name, _, _) in self.prior if name in names)
                plan.units[step_name] = max(0, plan.units[step_name] - have)
        return plan

    def _uploads(self) -> list[_Playlist]:
        found = []
        for channel in self.channels_found:
            uploads = _get(channel, "contentDetails", "relatedPlaylists", "uploads")
            if isinstance(uploads, str) and uploads:
                found.append(
                    _Playlist(uploads, r.api_count(_get(channel, "statistics", "videoCount")))
                )
        return found

    def _items_estimate(self) -> int:
        if self.mode == "stats":  # the first page of each uploads playlist
            return len(self._uploads())
        if self.playlists_found is not None:  # exact: itemCount of every playlist
            return sum(_pages_for(p.item_count) for p in self.playlists_found)
        previous = self.store.previous_page_counts(r.PLAYLIST_ITEMS.name, self.run_id)
        uploads = sum(_pages_for(p.item_count) for p in self._uploads())
        return max(sum(previous.values()), uploads)

    def _videos_estimate(self) -> int:
        if self.video_ids is not None:
            return math.ceil(len(self.video_ids) / r.MAX_PAGE_SIZE)
        previous = sum(self.store.previous_page_counts(r.VIDEOS.name, self.run_id).values())
        if previous:
            return previous
        # Conservative: every item a distinct, available video.
        counts = [p.item_count or 0 for p in (self.playlists_found or self._uploads())]
        return math.ceil(sum(counts) / r.MAX_PAGE_SIZE)

    def check_budget(self, step: str) -> None:
        """Refuse to start ``step`` when the rest of the run cannot be paid for today."""
        plan = self.plan(step)
        budget = self.budget()
        log.info(
            "quota plan before %s: %d units (%s); %d of %d left today (%s, Pacific)",
            step,
            plan.total,
            plan.describe(),
            budget.left,
            budget.limit,
            budget.day,
        )
        if plan.total > budget.left:
            raise QuotaRefused(refusal(budget, plan, step))

    # ------------------------------------------------------------------ steps

    def channels(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []

        def fetch(batch: list[str]) -> None:
            items = self._listing(r.CHANNELS, {"id": ",".join(batch)}, "channels.list")
            found.extend(c for c in _dicts(items) if isinstance(c.get("id"), str))

        self._each(_batches(self.settings.channel_ids), fetch, lambda b: "channels.list")
        returned = {c["id"] for c in found}
        if found or not self.failures:  # a failed call says nothing about the ids
            for channel_id in self.settings.channel_ids:
                if channel_id not in returned:
                    self.failures.append(
                        f"channel {channel_id} was not found by the API (channels.list returned "
                        "nothing for it): check YOUTUBE_CHANNEL_IDS"
                    )
        self.channels_found = list({c["id"]: c for c in found}.values())
        log.info("channels: %d of %d found", len(returned), len(self.settings.channel_ids))
        return self.channels_found

    def _reference_due(self) -> tuple[bool, list[str]]:
        """Whether i18nRegions is due, and which regions' categories are."""
        if self.reference_due is None:
            now = self.client.server_now()
            fresh = timedelta(hours=self.settings.reference_refresh_hours)

            def due(last: datetime | None) -> bool:
                return last is None or now - last >= fresh

            regions = self.store.last_captured(r.I18N_REGIONS.name).get(request_key({}))
            categories = self.store.last_captured(r.VIDEO_CATEGORIES.name)
            self.reference_due = (
                due(regions),
                [
                    region
                    for region in self.settings.regions
                    if region not in self.bad_regions
                    and due(categories.get(request_key({"regionCode": region})))
                ],
            )
        return self.reference_due

    def _check_regions(self, regions: list[Any]) -> None:
        """A region YouTube does not list would fail every call: say so once, spend nothing."""
        known = {i["id"] for i in _dicts(regions) if isinstance(i.get("id"), str)}
        if not known:
            return
        for region in self.settings.regions:
            if region not in known and region not in self.bad_regions:
                self.bad_regions.add(region)
                self.failures.append(
                    f"region {region} is not a region YouTube supports (i18nRegions.list "
                    "does not list it): check YOUTUBE_REGIONS"
                )

    def reference_data(self) -> None:
        """i18nRegions and each region's videoCategories, when older than the refresh period."""
        i18n_due, regions_due = self._reference_due()
        regions: list[Any] = []
        if i18n_due:
            self._each(
                [{}],
                lambda params: regions.extend(
                    self._listing(r.I18N_REGIONS, params, "i18nRegions.list")
                ),
                lambda params: "i18nRegions.list",
            )
        else:
            log.info(
                "reference data: i18nRegions is fresh (< %gh)",
                self.settings.reference_refresh_hours,
            )
            regions = self.store.latest_items(r.I18N_REGIONS)
        self._check_regions(regions)

        def categories(region: str) -> None:
            try:
                self._listing(
                    r.VIDEO_CATEGORIES, {"regionCode": region}, f"videoCategories.list {region}"
                )
            except ApiError as exc:
                if exc.reason == "invalidRegionCode":
                    self.bad_regions.add(region)
                raise

        todo = [region for region in regions_due if region not in self.bad_regions]
        fresh = len(self.settings.regions) - len(todo) - len(self.bad_regions)
        if fresh > 0:
            log.info("reference data: categories of %d regions are fresh", fresh)
        self._each(todo, categories, lambda region: f"videoCategories.list {region}")

    def playlists(self) -> list[_Playlist]:
        """All playlists to crawl: each channel's playlists and its uploads playlist."""
        found: dict[str, _Playlist] = {p.playlist_id: p for p in self._uploads()}
        for channel in self.channels_found:
            if not _get(channel, "contentDetails", "relatedPlaylists", "uploads"):
                self.notices.append(
                    f"channel {channel['id']}: no contentDetails.relatedPlaylists.uploads in "
                    "the answer; its uploads playlist is not crawled this run"
                )

        def crawl(channel: dict[str, Any]) -> None:
            channel_id = channel["id"]
            items = self._listing(
                r.PLAYLISTS, {"channelId": channel_id}, f"playlists.list {channel_id}"
            )
            for item in _dicts(items):
                playlist_id = item.get("id")
                kind = item.get("kind")
                if not isinstance(playlist_id, str) or kind not in (None, "youtube#playlist"):
                    continue
                count = r.api_count(_get(item, "contentDetails", "itemCount"))
                found.setdefault(playlist_id, _Playlist(playlist_id, count))

        self._each(self.channels_found, crawl, lambda c: f"playlists.list {c['id']}")
        self.playlists_found = list(found.values())
        log.info("playlists: %d to crawl (uploads included)", len(found))
        return self.playlists_found

    def playlist_items(self, playlists: list[_Playlist]) -> list[str]:
        """Crawl every playlist; returns the ids of videos worth asking videos.list about."""
        video_ids: set[str] = set()

        def crawl(playlist: _Playlist) -> None:
            items = self._listing(
                r.PLAYLIST_ITEMS,
                {"playlistId": playlist.playlist_id},
                f"playlistItems.list {playlist.playlist_id}",
                playlist.item_count,
            )
            for item in _dicts(items):
                video_id = video_id_to_ask(item)
                if video_id:
                    video_ids.add(video_id)

        self._each(playlists, crawl, lambda p: f"playlistItems.list {p.playlist_id}")
        self.video_ids = sorted(video_ids)
        log.info("playlist items: %d distinct available videos", len(self.video_ids))
        return self.video_ids

    def videos(self, video_ids: list[str]) -> None:
        # A resumed run asks only for the videos its earlier attempts did not ask for yet.
        asked = self.store.requested_video_ids(self.run_id) if self.prior else set()
        todo = [v for v in video_ids if v not in asked]
        batches = list(_batches(todo))

        def fetch(numbered: tuple[int, list[str]]) -> None:
            number, batch = numbered
            what = f"videos.list batch {number}/{len(batches)}"
            self._listing(r.VIDEOS, {"id": ",".join(batch)}, what)

        self._each(
            enumerate(batches, 1), fetch, lambda n: f"videos.list batch {n[0]}/{len(batches)}"
        )

    def _chart_params(self) -> list[dict[str, str]]:
        return [
            {"chart": "mostPopular", "regionCode": region, "videoCategoryId": category}
            for region in self.settings.regions
            if region not in self.bad_regions
            for category in self.settings.chart_categories
        ]

    def charts(self) -> None:
        def crawl(params: dict[str, str]) -> None:
            region, category = params["regionCode"], params["videoCategoryId"]
            if region in self.bad_regions:
                return  # its first category already said why
            try:
                self._listing(
                    r.MOST_POPULAR,
                    params,
                    f"mostPopular {region}/{category}",
                    CHART_PAGES_UNKNOWN * r.MAX_PAGE_SIZE,
                )
            except ApiError as exc:
                if exc.reason == "videoChartNotFound":
                    log.info("no mostPopular chart for region %s category %s", region, category)
                    return
                if exc.reason == "invalidRegionCode":
                    self.bad_regions.add(region)
                raise

        self._each(
            self._chart_params(),
            crawl,
            lambda p: f"mostPopular {p['regionCode']}/{p['videoCategoryId']}",
        )

    def run(self) -> None:
        """Every step of the mode, re-checking the quota plan before each one."""
        self._step("channels", self.channels)
        if self.mode == "stats":
            known = self.store.known_video_ids(self.run_id)
            if known is not None:
                self._stats_steps(known)
                return
            log.info("no earlier run asked for video statistics: crawling every playlist")
        self.check_budget("reference")
        self._step("reference", self.reference_data)
        self.check_budget("playlists")
        playlists = self._step("playlists", self.playlists)
        self.check_budget("items")
        video_ids = self._step("items", self.playlist_items, playlists)
        self.check_budget("videos")
        self._step("videos", self.videos, video_ids)
        self.check_budget("charts")
        self._step("charts", self.charts)

    def _stats_steps(self, known: set[str]) -> None:
        # Regions YouTube does not list fail their charts: known from the last reference data.
        self._check_regions(self.store.latest_items(r.I18N_REGIONS))
        self.check_budget("items")
        new = self._step("uploads", self.new_uploads)
        self.video_ids = sorted(known | new)
        log.info(
            "statistics for %d videos (%d new or re-listed)", len(self.video_ids), len(new - known)
        )
        self.check_budget("videos")
        self._step("videos", self.videos, self.video_ids)
        self.check_budget("charts")
        self._step("charts", self.charts)

    def _step(self, name: str, step: Callable[..., Any], *args: Any) -> Any:
        self.counts.step = name
        result = step(*args)
        self.reporter.step_done(self.counts)
        return result

    def new_uploads(self) -> set[str]:
        """The videos on the first page of each uploads playlist (newest first): uploads since
        the last full crawl. Membership itself is left to the full crawl (a first page alone
        is an incomplete crawl, which the models never take for a playlist's contents)."""
        found: set[str] = set()

        def first_page(playlist: _Playlist) -> None:
            params = {"playlistId": playlist.playlist_id}
            label = f"playlistItems.list {playlist.playlist_id} (first page)"
            got = self._page(r.PLAYLIST_ITEMS, params, request_key(params), "", 0, label)
            found.update(v for v in map(video_id_to_ask, _dicts(got.items)) if v)

        self._each(self._uploads(), first_page, lambda p: f"playlistItems.list {p.playlist_id}")
        return found


def _config(settings: Settings, mode: str) -> dict[str, Any]:
    return {
        "mode": mode,
        "api_url": settings.api_url,
        "channel_ids": settings.channel_ids,
        "regions": settings.regions,
        "chart_categories": settings.chart_categories,
        "daily_quota": settings.daily_quota,
        "reference_refresh_hours": settings.reference_refresh_hours,
    }


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def run_extract(
    settings: Settings,
    conn_info: ConnectionInfo,
    run_id: str | None = None,
    client: YouTubeClient | None = None,
    mode: str = "full",
) -> RunResult:
    """Run one extraction (or resume ``run_id``) and record it in ``raw_youtube.extract_runs``.

    ``mode`` is one of :data:`MODES`: ``full`` (the daily crawl) or ``stats`` (the hourly
    refresh of statistics and charts).

    Returns the result whatever happened to the API calls. Raises ``DatabaseError`` only when
    the warehouse is unreachable, at the start or after losing it mid-run with no way back.
    """
    started = time.monotonic()
    run_id = run_id or new_run_id()
    store = RawStore(conn_info)  # DatabaseError if unreachable: nothing to record then
    try:
        try:
            store.ensure_schema()
            resumed = store.start_run(run_id, datetime.now(UTC), _config(settings, mode))
        except psycopg2.Error as exc:
            raise DatabaseError(
                f"cannot prepare the raw schema in {conn_info.display_url}: {_first_line(exc)}"
            ) from None
        client = client or YouTubeClient(settings)
        client.on_request = lambda record: store.record_request(run_id, record)
        log.info("extract run %s %s", run_id, "resumed" if resumed else "started")
        extraction = Extraction(settings, client, store, run_id, resumed, mode)
        status = "succeeded"
        lost: BaseException | None = None
        try:
            extraction.run()
        except QuotaRefused as exc:
            extraction.failures.append(str(exc))
            status = "incomplete"
        except FatalApiError as exc:
            if exc.reason in QUOTA_REASONS:
                extraction.failures.append(exhausted(exc.what, client.server_now(), run_id))
                status = "incomplete"
            else:
                extraction.failures.append(str(exc))
                status = "failed"
        except ApiUnreachable as exc:
            extraction.failures.append(str(exc))
            status = "failed"
        except DatabaseLost as exc:
            lost = exc.__cause__ or exc
        except psycopg2.Error as exc:
            lost = exc
        except ExtractError as exc:  # a step outside _each (none expected): still recorded
            extraction.failures.append(str(exc))
            status = "failed"
        except Exception as exc:  # a bug: the run is closed as failed, not left "running"
            log.debug("unexpected error in run %s", run_id, exc_info=True)
            extraction.failures.append(
                redact(f"unexpected {type(exc).__name__}: {exc} (run with -v for the traceback)")
            )
            status = "failed"
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
    # psycopg2's connection context manager hides the cause behind "connection already
    # closed" (its rollback fails too): the first error of the chain says what happened.
    while isinstance(error.__context__, psycopg2.Error):
        error = error.__context__
    message = (
        f"lost the database connection mid-run ({_first_line(error)}); the pages landed "
        f"before are kept, the page in flight was rolled back: run again (or resume with "
        f"`python -m extract --run-id {run_id}`)"
    )
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
            f"{message}; recording the failure failed too: {_first_line(exc)}"
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
        attempt_units=client.units_spent,
        failures=failures,
        seconds=time.monotonic() - started,
        resumed=extraction.resumed,
        notices=extraction.notices,
        pages_not_modified=extraction.pages_not_modified,
        pages_reused=extraction.pages_reused,
        mode=extraction.mode,
        pages=extraction.counts.pages,
        api_seconds=client.seconds,
        landing_seconds=extraction.landing_seconds,
    )


__all__ = ["MODES", "RunResult", "new_run_id", "run_extract", "video_id_to_ask"]
