"""One extract run: channels -> playlists -> playlist items -> videos, plus reference data and
the mostPopular charts, each page landed as soon as it arrives.

One failing channel, playlist or region is recorded and the others go on; an error no
request can get past (bad key, quota spent) stops the run, keeping what landed.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from extract import resources as r
from extract.client import YouTubeClient
from extract.database import ConnectionInfo
from extract.errors import ApiError, ExtractError, FatalApiError
from extract.load import RawStore
from extract.pagination import Page, iter_pages
from extract.settings import Settings

log = logging.getLogger(__name__)


def new_run_id(now: datetime | None = None) -> str:
    """Sortable and readable: ``20261121T093512Z-3f9a1c``."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


@dataclass
class RunResult:
    run_id: str
    status: str  # succeeded | failed | incomplete
    rows_landed: dict[str, int]
    units_spent: int
    units_by_method: dict[str, int]
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    resumed: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"

    def summary(self) -> str:
        rows = ", ".join(f"{t}={n}" for t, n in sorted(self.rows_landed.items())) or "no rows"
        return (
            f"extract run {self.run_id} {self.status} in {self.seconds:.1f}s: {rows}; "
            f"{self.units_spent} quota units"
        )


def _batches(ids: list[str], size: int = r.MAX_PAGE_SIZE) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class Extraction:
    """The steps of one run, sharing a client, a store and the run's failure list."""

    def __init__(self, settings: Settings, client: YouTubeClient, store: RawStore, run_id: str):
        self.settings = settings
        self.client = client
        self.store = store
        self.run_id = run_id
        self.failures: list[str] = []

    def _land_all(self, resource: r.Resource, params: dict[str, Any], what: str) -> list[dict]:
        items: list[dict] = []
        for page in iter_pages(self.client, resource, params, what):
            self.store.land_page(self.run_id, page)
            items.extend(page.items)
        return items

    def _each(self, things: Iterable[Any], step: Callable[[Any], object]) -> None:
        """Run ``step`` per thing; a non-fatal error is recorded and the loop goes on."""
        for thing in things:
            try:
                step(thing)
            except FatalApiError:
                raise
            except (ApiError, ExtractError) as exc:
                log.error("%s", exc)
                self.failures.append(str(exc))

    def reference_data(self) -> None:
        self._land_all(r.I18N_REGIONS, {}, "i18nRegions.list")
        self._each(
            self.settings.regions,
            lambda region: self._land_all(
                r.VIDEO_CATEGORIES, {"regionCode": region}, f"videoCategories.list {region}"
            ),
        )

    def channels(self) -> list[dict]:
        found: list[dict] = []
        for batch in _batches(self.settings.channel_ids):
            found += self._land_all(r.CHANNELS, {"id": ",".join(batch)}, "channels.list")
        returned = {item.get("id") for item in found}
        for channel_id in self.settings.channel_ids:
            if channel_id not in returned:
                self.failures.append(
                    f"channel {channel_id} was not found by the API: check YOUTUBE_CHANNEL_IDS"
                )
        log.info("channels: %d of %d found", len(found), len(self.settings.channel_ids))
        return found

    def playlists(self, channels: list[dict]) -> list[str]:
        """All playlist ids to crawl: each channel's playlists and its uploads playlist."""
        playlist_ids: list[str] = []
        for channel in channels:
            uploads = ((channel.get("contentDetails") or {}).get("relatedPlaylists") or {}).get(
                "uploads"
            )
            if uploads:
                playlist_ids.append(uploads)

        def crawl(channel: dict) -> None:
            items = self._land_all(
                r.PLAYLISTS, {"channelId": channel["id"]}, f"playlists.list {channel['id']}"
            )
            playlist_ids.extend(item["id"] for item in items if item.get("id"))

        self._each(channels, crawl)
        log.info("playlists: %d to crawl (uploads included)", len(playlist_ids))
        return list(dict.fromkeys(playlist_ids))

    def playlist_items(self, playlist_ids: list[str]) -> list[str]:
        """Crawl every playlist; returns the ids of videos worth asking videos.list about."""
        video_ids: list[str] = []

        def crawl(playlist_id: str) -> None:
            items = self._land_all(
                r.PLAYLIST_ITEMS, {"playlistId": playlist_id}, f"playlistItems.list {playlist_id}"
            )
            for item in items:
                details = item.get("contentDetails") or {}
                # Deleted and private videos have no videoPublishedAt and are never returned
                # by videos.list: asking for them would only fill batches (and spend units).
                if details.get("videoId") and details.get("videoPublishedAt"):
                    video_ids.append(details["videoId"])

        self._each(playlist_ids, crawl)
        unique = sorted(set(video_ids))
        log.info("playlist items: %d distinct available videos", len(unique))
        return unique

    def videos(self, video_ids: list[str]) -> None:
        batches = list(_batches(video_ids))

        def fetch(numbered: tuple[int, list[str]]) -> None:
            number, batch = numbered
            what = f"videos.list batch {number}/{len(batches)}"
            self._land_all(r.VIDEOS, {"id": ",".join(batch)}, what)

        self._each(enumerate(batches, 1), fetch)

    def charts(self) -> None:
        pairs = [
            (region, cat)
            for region in self.settings.regions
            for cat in self.settings.chart_categories
        ]

        def crawl(pair: tuple[str, str]) -> None:
            region, category = pair
            params = {"chart": "mostPopular", "regionCode": region, "videoCategoryId": category}
            try:
                self._land_all(r.MOST_POPULAR, params, f"mostPopular {region}/{category}")
            except ApiError as exc:
                if exc.reason == "videoChartNotFound":
                    log.info("no mostPopular chart for region %s category %s", region, category)
                    return
                raise

        self._each(pairs, crawl)


def run_extract(
    settings: Settings,
    conn_info: ConnectionInfo,
    run_id: str | None = None,
    client: YouTubeClient | None = None,
) -> RunResult:
    """Run one extraction and record it in ``raw_youtube.extract_runs``."""
    started = time.monotonic()
    run_id = run_id or new_run_id()
    client = client or YouTubeClient(settings)
    store = RawStore(conn_info)
    try:
        store.ensure_schema()
        resumed = store.start_run(
            run_id,
            datetime.now(UTC),
            {
                "api_url": settings.api_url,
                "channel_ids": settings.channel_ids,
                "regions": settings.regions,
                "chart_categories": settings.chart_categories,
            },
        )
        log.info("extract run %s %s", run_id, "resumed" if resumed else "started")
        extraction = Extraction(settings, client, store, run_id)
        status, message = "succeeded", None
        try:
            extraction.reference_data()
            channels = extraction.channels()
            playlist_ids = extraction.playlists(channels)
            video_ids = extraction.playlist_items(playlist_ids)
            extraction.videos(video_ids)
            extraction.charts()
        except FatalApiError as exc:
            extraction.failures.append(str(exc))
            status = "incomplete" if exc.reason == "quotaExceeded" else "failed"
        if extraction.failures and status == "succeeded":
            status = "failed"
        if extraction.failures:
            message = "; ".join(extraction.failures)
        store.finish_run(run_id, status, message, client.units_spent)
        result = RunResult(
            run_id=run_id,
            status=status,
            rows_landed=dict(store.rows_landed),
            units_spent=client.units_spent,
            units_by_method=dict(client.units),
            failures=extraction.failures,
            seconds=time.monotonic() - started,
            resumed=resumed,
        )
        log.info("%s", result.summary())
        return result
    finally:
        store.close()


__all__ = ["Page", "RunResult", "new_run_id", "run_extract"]
