"""The steps of one extract run: channels -> reference data -> playlists -> playlist items ->
videos -> mostPopular charts (``full``), or channels -> the uploads playlists' first pages ->
new videos and stale metadata -> the planned statistics refresh -> charts (``stats``, in
``stats_refresh``). After each step the rows it landed update the refresh planner's state
(``refresh_store``).

Each step reads its listings through the run's :class:`~extract.pagination.Pager`, runs its
items one by one under the run's :class:`~extract.failures.Failures` (one failing channel,
playlist, batch or region is recorded and the others go on), and keeps what the next steps
and the quota plan (``quota_plan``) need to know: channels found, playlists, video ids.
Fewest units: 50 ids per videos.list, uploads playlists instead of search.list, reference
data only when older than ``YOUTUBE_REFERENCE_REFRESH_HOURS``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg2

from extract import progress, quota_plan, refresh_store, stats_refresh
from extract import resources as r
from extract.client import YouTubeClient
from extract.errors import ApiError
from extract.failures import DatabaseLost, Failures
from extract.items import objects, value_at, video_id_to_ask
from extract.load import LedgerRow, RawStore, request_key
from extract.pagination import Pager
from extract.settings import Settings

log = logging.getLogger(__name__)

# What a run asks for. The daily crawl ("full") fixes playlist membership; the hourly
# refresh ("stats") only adds the uploads playlists' first pages, for new videos.
MODES = {
    "full": "channels, reference data when due, every playlist and all its items, the "
    "statistics of every video in them, the mostPopular charts",
    "stats": "channels, the first page of each uploads playlist (new videos, described by "
    "videos.list), the statistics the refresh planner picks (videos.batchGetStats), metadata "
    "older than YOUTUBE_METADATA_REFRESH_HOURS, the mostPopular charts",
}
# The raw tables each step lands that the refresh planner's state is folded from.
STATE_STEPS = {
    "videos": (r.VIDEOS,),
    "stats": (r.VIDEO_BATCH_STATS, r.VIDEOS),
    "charts": (r.MOST_POPULAR,),
}
# Resources whose landed items a later step needs (ids); the others only need counting.
ITEMS_NEEDED = {r.CHANNELS.name, r.PLAYLISTS.name, r.PLAYLIST_ITEMS.name, r.I18N_REGIONS.name}


def _batches(ids: list[str], size: int = r.MAX_PAGE_SIZE) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@dataclass
class Playlist:
    playlist_id: str
    item_count: int | None  # from playlists.list contentDetails / channel statistics


class Extraction:
    """The steps of one run, sharing a client, a store, a pager and the run's failures."""

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
        self.outcome = Failures()
        # What an earlier attempt of this run landed: re-used, never asked for again.
        self.prior: dict[tuple[str, str, str], LedgerRow] = (
            store.run_pages(run_id) if resumed else {}
        )
        self.counts = progress.Counts()
        self.reporter = progress.current()
        self.pager = Pager(client, store, run_id, self.prior, ITEMS_NEEDED, self._counted)
        self.bad_regions: set[str] = set()
        # Knowledge for the next steps and the quota plan, filled in as the steps run.
        self.channels_found: list[dict[str, Any]] = []
        self.playlists_found: list[Playlist] | None = None
        self.video_ids: list[str] | None = None
        self.stats_ids: list[str] | None = None  # chosen by the refresh planner
        self.refresh: dict[str, Any] = {}  # the plan's summary (RefreshPlan.summary)
        # What refreshes statistics: batchGetStats, or videos.list when the key cannot use it.
        self.stats_resource = r.VIDEO_BATCH_STATS
        self._reference_due: tuple[bool, list[str]] | None = None

    @property
    def failures(self) -> list[str]:
        return self.outcome.failures

    @property
    def notices(self) -> list[str]:
        return self.outcome.notices

    def _counted(self, what: str, items: int) -> None:
        self.counts.pages += 1
        self.counts.items += items
        self.counts.units = self.client.units_spent
        self.reporter.page(self.counts, what)

    def check_budget(self, step: str) -> None:
        """Refuse (``QuotaRefused``) to start ``step`` when the rest cannot be paid today."""
        quota_plan.check_budget(
            step, self, self.store, self.settings.bucket_limits, self.client.server_now()
        )

    # ------------------------------------------------------------------ the run

    def run(self) -> None:
        """Every step of the mode, re-checking the quota plan before each one."""
        self._step("channels", self.channels)
        if self.mode == "stats":
            known = self.store.known_video_ids(self.run_id)
            if known is not None:
                stats_refresh.stats_steps(self, known)
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

    def _step(self, name: str, step: Callable[..., Any], *args: Any) -> Any:
        self.counts.step = name
        try:
            return step(*args)
        finally:
            self.reporter.step_done(self.counts)
            # What landed counts even when the step stopped, unless the database went away.
            if not isinstance(sys.exc_info()[1], DatabaseLost | psycopg2.Error):
                for resource in STATE_STEPS.get(name, ()):
                    refresh_store.update_from_run(self.store.conn, self.run_id, resource)

    # ------------------------------------------------------------------ steps

    def channels(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []

        def fetch(batch: list[str]) -> None:
            items = self.pager.listing(r.CHANNELS, {"id": ",".join(batch)}, "channels.list")
            found.extend(c for c in objects(items) if isinstance(c.get("id"), str))

        self.outcome.each(_batches(self.settings.channel_ids), fetch, lambda b: "channels.list")
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

    def uploads(self) -> list[Playlist]:
        """Each channel's uploads playlist (its ``videoCount`` as the item count)."""
        found = []
        for channel in self.channels_found:
            uploads = value_at(channel, "contentDetails", "relatedPlaylists", "uploads")
            if isinstance(uploads, str) and uploads:
                found.append(
                    Playlist(uploads, r.api_count(value_at(channel, "statistics", "videoCount")))
                )
        return found

    def reference_due(self) -> tuple[bool, list[str]]:
        """Whether i18nRegions is due, and which regions' categories are."""
        if self._reference_due is None:
            now = self.client.server_now()
            fresh = timedelta(hours=self.settings.reference_refresh_hours)

            def due(last: datetime | None) -> bool:
                return last is None or now - last >= fresh

            regions = self.store.last_captured(r.I18N_REGIONS.name).get(request_key({}))
            categories = self.store.last_captured(r.VIDEO_CATEGORIES.name)
            self._reference_due = (
                due(regions),
                [
                    region
                    for region in self.settings.regions
                    if region not in self.bad_regions
                    and due(categories.get(request_key({"regionCode": region})))
                ],
            )
        return self._reference_due

    def _check_regions(self, regions: list[Any]) -> None:
        """A region YouTube does not list would fail every call: say so once, spend nothing."""
        known = {i["id"] for i in objects(regions) if isinstance(i.get("id"), str)}
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
        i18n_due, regions_due = self.reference_due()
        regions: list[Any] = []
        if i18n_due:
            self.outcome.each(
                [{}],
                lambda params: regions.extend(
                    self.pager.listing(r.I18N_REGIONS, params, "i18nRegions.list")
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
                self.pager.listing(
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
        self.outcome.each(todo, categories, lambda region: f"videoCategories.list {region}")

    def playlists(self) -> list[Playlist]:
        """All playlists to crawl: each channel's playlists and its uploads playlist."""
        found: dict[str, Playlist] = {p.playlist_id: p for p in self.uploads()}
        for channel in self.channels_found:
            if not value_at(channel, "contentDetails", "relatedPlaylists", "uploads"):
                self.notices.append(
                    f"channel {channel['id']}: no contentDetails.relatedPlaylists.uploads in "
                    "the answer; its uploads playlist is not crawled this run"
                )

        def crawl(channel: dict[str, Any]) -> None:
            channel_id = channel["id"]
            items = self.pager.listing(
                r.PLAYLISTS, {"channelId": channel_id}, f"playlists.list {channel_id}"
            )
            for item in objects(items):
                playlist_id = item.get("id")
                kind = item.get("kind")
                if not isinstance(playlist_id, str) or kind not in (None, "youtube#playlist"):
                    continue
                count = r.api_count(value_at(item, "contentDetails", "itemCount"))
                found.setdefault(playlist_id, Playlist(playlist_id, count))

        self.outcome.each(self.channels_found, crawl, lambda c: f"playlists.list {c['id']}")
        self.playlists_found = list(found.values())
        log.info("playlists: %d to crawl (uploads included)", len(found))
        return self.playlists_found

    def playlist_items(self, playlists: list[Playlist]) -> list[str]:
        """Crawl every playlist; returns the ids of videos worth asking videos.list about."""
        video_ids: set[str] = set()

        def crawl(playlist: Playlist) -> None:
            items = self.pager.listing(
                r.PLAYLIST_ITEMS,
                {"playlistId": playlist.playlist_id},
                f"playlistItems.list {playlist.playlist_id}",
                playlist.item_count,
            )
            for item in objects(items):
                video_id = video_id_to_ask(item)
                if video_id:
                    video_ids.add(video_id)

        self.outcome.each(playlists, crawl, lambda p: f"playlistItems.list {p.playlist_id}")
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
            self.pager.listing(r.VIDEOS, {"id": ",".join(batch)}, what)

        self.outcome.each(
            enumerate(batches, 1), fetch, lambda n: f"videos.list batch {n[0]}/{len(batches)}"
        )

    def chart_params(self) -> list[dict[str, str]]:
        return [
            {"chart": "mostPopular", "regionCode": region, "videoCategoryId": category}
            for region in self.settings.regions
            if region not in self.bad_regions
            for category in self.settings.chart_categories
        ]

    def charts(self) -> None:
        missing: list[str] = []  # "region/category" pairs YouTube has no chart for

        def crawl(params: dict[str, str]) -> None:
            region, category = params["regionCode"], params["videoCategoryId"]
            if region in self.bad_regions:
                return  # its first category already said why
            try:
                self.pager.listing(
                    r.MOST_POPULAR,
                    params,
                    f"mostPopular {region}/{category}",
                    quota_plan.CHART_PAGES_UNKNOWN * r.MAX_PAGE_SIZE,
                )
            except ApiError as exc:
                if exc.reason == "videoChartNotFound":
                    missing.append(f"{region}/{category}")
                    return
                if exc.reason == "invalidRegionCode":
                    self.bad_regions.add(region)
                raise

        self.outcome.each(
            self.chart_params(),
            crawl,
            lambda p: f"mostPopular {p['regionCode']}/{p['videoCategoryId']}",
        )
        if missing:
            notice = (
                f"no mostPopular chart for {len(missing)} region/category pairs "
                f"(videoChartNotFound): {', '.join(missing)}. Since July 2025 the mostPopular "
                "chart holds YouTube's Trending Music, Movies and Gaming only; categories "
                "outside them have no chart (drop them from YOUTUBE_CHART_CATEGORIES to save "
                "these calls)"
            )
            log.warning("%s", notice)
            self.notices.append(notice)

    def new_uploads(self) -> set[str]:
        """The videos on the first page of each uploads playlist (newest first): uploads since
        the last full crawl. Membership itself is left to the full crawl (a first page alone
        is an incomplete crawl, which the models never take for a playlist's contents)."""
        found: set[str] = set()

        def first_page(playlist: Playlist) -> None:
            params = {"playlistId": playlist.playlist_id}
            label = f"playlistItems.list {playlist.playlist_id} (first page)"
            read = self.pager.page(r.PLAYLIST_ITEMS, params, label)
            found.update(v for v in map(video_id_to_ask, objects(read.items)) if v)

        self.outcome.each(
            self.uploads(), first_page, lambda p: f"playlistItems.list {p.playlist_id}"
        )
        return found
