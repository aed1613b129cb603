"""``World``: the synthetic YouTube the emulator serves, and the questions asked of it.

A ``World`` holds a generated catalogue (``generation.py``, from a ``WorldSpec``: channels,
videos, playlists, regions, categories, charts) with its indexes, and answers what the API layer
and the tests ask: lookups (by handle, a channel's playlists, its uploads playlist, a playlist
item), statistics at an instant (``growth.py``), the mostPopular chart of an hour
(``charts.py``), the fewest pages a complete run needs, and a JSON ``summary()``.

The catalogue is fixed at generation and ends at ``spec.as_of``; only statistics and chart
rankings move with time, as pure functions of (seed, entity, instant truncated to the second),
so a test can recompute exactly what the server answered at a captured ``Date``. Read-only after
construction; ``mutations.MutatedWorld`` is a World rebuilt with scripted changes.
"""

from __future__ import annotations

import base64
import math
from dataclasses import replace
from datetime import datetime
from typing import Any

from emulator import corpus, generation, growth
from emulator.charts import ChartRankings, ChartSpec
from emulator.entities import Category, Channel, Playlist, PlaylistItem, Region, Video
from emulator.spec import SMALL_SPEC, WorldSpec


def _uploads_item_id(uploads_playlist_id: str, video_id: str) -> str:
    # Real uploads-playlist item ids are base64("UU<channel suffix>.<videoId>").
    return base64.b64encode(f"{uploads_playlist_id}.{video_id}".encode()).decode("ascii")


class World:
    """A generated world. Read-only after construction; safe to share between server threads."""

    def __init__(
        self,
        spec: WorldSpec,
        channels: list[Channel],
        videos: list[Video],
        playlists: list[Playlist],
        regions: list[Region],
        categories: dict[str, tuple[Category, ...]],
        charts: list[ChartSpec],
    ) -> None:
        self.spec = spec
        self.channels: dict[str, Channel] = {c.channel_id: c for c in channels}
        self.videos: dict[str, Video] = {v.video_id: v for v in videos}
        self.regions: dict[str, Region] = {r.region_code: r for r in regions}
        self.categories: dict[str, tuple[Category, ...]] = categories
        self.charts: dict[tuple[str, str], ChartSpec] = {
            (c.region_code, c.category_id): c for c in charts
        }
        self._videos_by_channel: dict[str, list[Video]] = {c.channel_id: [] for c in channels}
        for video in videos:
            self._videos_by_channel[video.channel_id].append(video)
        self._handles = {c.handle.lstrip("@").lower(): c for c in channels}
        self._playlists: dict[str, Playlist] = {p.playlist_id: p for p in playlists}
        self._playlists_by_channel: dict[str, list[Playlist]] = {}
        for playlist in sorted(playlists, key=lambda p: p.published_at, reverse=True):
            self._playlists_by_channel.setdefault(playlist.channel_id, []).append(playlist)
        for channel in channels:
            self._playlists[channel.uploads_playlist_id] = self._build_uploads(channel)
        self._items: dict[str, tuple[Playlist, PlaylistItem]] = {
            item.playlist_item_id: (playlist, item)
            for playlist in self._playlists.values()
            for item in playlist.items
        }
        self._rankings = ChartRankings(
            spec.seed,
            self.charts,
            composite_general=spec.chart_rule == "2025",
            published={v.video_id: v.published_at for v in videos},
        )

    # ----------------------------------------------------------------- construction

    @classmethod
    def generate(
        cls, spec: WorldSpec | None = None, *, videos: int | None = None, **overrides: Any
    ) -> World:
        """Build the world for ``spec`` (default ``WorldSpec()``) with fields replaced by kwargs.

        ``videos=N`` (without a spec): the large world ``WorldSpec.large(videos=N)`` instead,
        ``seed`` and ``as_of`` (and any other field) still taken from the kwargs."""
        if videos is not None:
            if spec is not None:
                raise ValueError("give either a spec or videos=N, not both")
            seed = overrides.pop("seed", 42)
            spec = WorldSpec.large(videos, seed=seed, **overrides)
            overrides = {}
        spec = replace(spec or WorldSpec(), **overrides)
        return World(spec, *generation.generate(spec))

    @classmethod
    def large(cls, videos: int = 100_000, **overrides: Any) -> World:
        """A large world of exactly ``videos`` videos (``WorldSpec.large``), for benchmarks."""
        return cls.generate(videos=videos, **overrides)

    @classmethod
    def small(cls, **overrides: Any) -> World:
        """A small world for fast tests: 2 channels, 30 videos, 5 playlists, 3 regions."""
        return cls.generate(SMALL_SPEC, **overrides)

    def _build_uploads(self, channel: Channel) -> Playlist:
        public = [v for v in self._videos_by_channel[channel.channel_id] if v.is_public]
        public.sort(key=lambda v: (v.published_at, v.video_id), reverse=True)
        items = tuple(
            PlaylistItem(
                playlist_item_id=_uploads_item_id(channel.uploads_playlist_id, v.video_id),
                playlist_id=channel.uploads_playlist_id,
                video_id=v.video_id,
                position=position,
                added_at=v.published_at,
            )
            for position, v in enumerate(public)
        )
        return Playlist(
            playlist_id=channel.uploads_playlist_id,
            channel_id=channel.channel_id,
            title=f"Uploads from {channel.title}",
            description="",
            published_at=channel.published_at,
            items=items,
        )

    # ----------------------------------------------------------------- catalogue

    @property
    def as_of(self) -> datetime:
        return self.spec.as_of

    @property
    def tracked_channel_ids(self) -> list[str]:
        return [c.channel_id for c in self.channels.values() if c.tracked]

    @property
    def region_codes(self) -> list[str]:
        return list(self.regions)

    def channel_by_handle(self, handle: str) -> Channel | None:
        return self._handles.get(handle.strip().lstrip("@").lower())

    def videos_of(self, channel_id: str) -> list[Video]:
        """Every video of a channel (any availability), oldest first."""
        return list(self._videos_by_channel.get(channel_id, []))

    def playlist(self, playlist_id: str) -> Playlist | None:
        """A normal or an uploads playlist."""
        return self._playlists.get(playlist_id)

    def normal_playlists(self) -> list[Playlist]:
        """Every normal playlist of every channel (no uploads playlists), in catalogue order."""
        uploads = {c.uploads_playlist_id for c in self.channels.values()}
        return [p for p in self._playlists.values() if p.playlist_id not in uploads]

    def playlists_of(self, channel_id: str) -> list[Playlist]:
        """A channel's normal playlists, newest first; uploads playlists are not included."""
        return list(self._playlists_by_channel.get(channel_id, []))

    def uploads(self, channel_id: str) -> Playlist:
        """The channel's uploads playlist: public videos only, newest first."""
        return self._playlists[self.channels[channel_id].uploads_playlist_id]

    def playlist_item(self, playlist_item_id: str) -> tuple[Playlist, PlaylistItem] | None:
        return self._items.get(playlist_item_id)

    def dropped_parts(self, video_id: str) -> frozenset[str]:
        """Parts withheld from this video's resource even when asked for.

        Always none here; ``mutations.MutatedWorld`` overrides it for bad-data tests.
        """
        return frozenset()

    def all_categories(self) -> tuple[Category, ...]:
        return tuple(
            Category(cid, title, assignable) for cid, title, assignable in corpus.CATEGORIES
        )

    # ----------------------------------------------------------------- time-dependent

    def video_views(self, video: Video, at: datetime) -> int:
        return growth.video_views(video, at)

    def video_statistics(self, video_id: str, at: datetime) -> dict[str, int | None]:
        """Counts at ``at`` (truncated to the second); ``None`` where the API omits the key."""
        return growth.video_statistics(self.videos[video_id], at)

    def true_statistics(self, video_id: str, at: datetime) -> dict[str, int | None]:
        """The ground truth of a video's counts at ``at`` (truncated to the second), from the
        growth model alone: what ``videos.list`` and ``videos.batchGetStats`` serve at that
        second unless a mutation (``set_video_statistics``) overrides them. A benchmark measures
        an estimate's error against this; it never changes, even on a ``MutatedWorld``."""
        return growth.video_statistics(self.videos[video_id], at)

    def channel_statistics(self, channel_id: str, at: datetime) -> dict[str, Any]:
        """Channel totals at ``at``; ``subscriberCount`` is ``None`` when the channel hides it."""
        public = [v for v in self._videos_by_channel[channel_id] if v.is_public]
        return growth.channel_statistics(self.channels[channel_id], public, at)

    def chart(self, region_code: str, category_id: str, at: datetime) -> list[str]:
        """Video ids of the mostPopular chart, best first, for the clock hour containing ``at``."""
        return self._rankings.ranked(region_code, category_id, at)

    # ----------------------------------------------------------------- quota

    def available_video_ids(self) -> set[str]:
        """Public videos of the tracked channels' playlists (uploads included): what a run
        asks videos.list about."""
        return {
            item.video_id
            for playlist in self.crawled_playlists()
            for item in playlist.items
            if item.video_id in self.videos and self.videos[item.video_id].is_public
        }

    def crawled_playlists(self) -> list[Playlist]:
        """Every playlist a run crawls: the tracked channels' playlists and uploads."""
        return [
            playlist
            for channel_id in self.tracked_channel_ids
            for playlist in [*self.playlists_of(channel_id), self.uploads(channel_id)]
        ]

    def minimum_pages(self, at: datetime, regions: list[str] | None = None) -> dict[str, int]:
        """The fewest pages (= quota units at 1 a call) a complete run at ``at`` can fetch,
        by step: 1 + Σ⌈playlists/50⌉ + Σ⌈items/50⌉ + ⌈videos/50⌉ + chart pages, plus the
        reference data (i18nRegions, videoCategories per region). A listing costs at least
        one page, even an empty one."""
        regions = self.region_codes if regions is None else regions
        channels = self.tracked_channel_ids
        return {
            "channels": math.ceil(len(channels) / 50),
            "playlists": sum(max(1, math.ceil(len(self.playlists_of(c)) / 50)) for c in channels),
            "items": sum(max(1, math.ceil(len(p.items) / 50)) for p in self.crawled_playlists()),
            "videos": math.ceil(len(self.available_video_ids()) / 50),
            "charts": sum(math.ceil(len(self.chart(r, "0", at)) / 50) for r in regions),
            "reference": 1 + len(regions),
        }

    # ----------------------------------------------------------------- overview

    def _chart_sizes(self, region: str) -> dict[str, int]:
        sizes = {cat: spec.size for (reg, cat), spec in self.charts.items() if reg == region}
        if self.spec.chart_rule == "2025" and sizes:
            sizes = {"0": sum(sizes.values()), **sizes}  # the general chart merges the others
        return sizes

    def summary(self) -> dict[str, Any]:
        """What a demo or a test needs to know about this world, JSON-ready."""
        videos = list(self.videos.values())
        tracked = set(self.tracked_channel_ids)
        tracked_videos = [v for v in videos if v.channel_id in tracked]
        normal_playlists = [p for p in self._playlists.values() if p.playlist_id.startswith("PL")]
        return {
            "seed": self.spec.seed,
            "as_of": self.as_of.isoformat().replace("+00:00", "Z"),
            "tracked_channel_ids": self.tracked_channel_ids,
            "region_codes": self.region_codes,
            "counts": {
                "channels": len(self.channels),
                "tracked_channels": len(tracked),
                "videos": len(videos),
                "tracked_videos": {
                    state: sum(1 for v in tracked_videos if v.availability == state)
                    for state in ("public", "private", "deleted")
                },
                "playlists": len(normal_playlists),
                "playlist_items": sum(len(p.items) for p in normal_playlists),
                "regions": len(self.regions),
                "charts": len(self.charts),
            },
            "playlists_per_channel": {
                cid: len(self._playlists_by_channel.get(cid, []))
                for cid in self.tracked_channel_ids
            },
            "chart_rule": self.spec.chart_rule,
            "charts": {region: self._chart_sizes(region) for region in self.regions},
        }
