"""The synthetic YouTube the emulator serves: channels, videos, playlists, regions, charts, stats.

Everything is derived from a ``WorldSpec`` (above all its ``seed``): the same spec gives the same
world, id for id, on every machine. Randomness comes from ``random.Random`` instances seeded with
strings (hashed with SHA-512 by the stdlib, so ``PYTHONHASHSEED`` does not matter); the global
``random`` module and ``hash()`` are never used.

The catalogue (who uploaded what, which playlist holds which video) is fixed at generation time and
ends at ``spec.as_of``. Only statistics and chart rankings move with time: they are pure functions
of (seed, entity, instant truncated to the second), so a test can recompute exactly what the
server answered at a captured ``Date``.
"""

from __future__ import annotations

import base64
import math
import random
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from emulator import corpus

Availability = Literal["public", "private", "deleted"]

VIDEO_KIND = "youtube#video"

DEFAULT_START = datetime(2024, 1, 1, tzinfo=UTC)
DEFAULT_AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


class ChartNotFound(LookupError):
    """No mostPopular chart exists for this (region, category) pair."""

    def __init__(self, region_code: str, category_id: str) -> None:
        super().__init__(f"no chart for region {region_code!r}, category {category_id!r}")
        self.region_code = region_code
        self.category_id = category_id


@dataclass(frozen=True)
class Channel:
    """A YouTube channel. ``tracked`` channels are the ones the warehouse is configured for."""

    channel_id: str
    title: str
    handle: str
    description: str
    country: str | None
    published_at: datetime
    uploads_playlist_id: str
    hidden_subscriber_count: bool
    tracked: bool
    theme: str
    language: str
    keywords: tuple[str, ...]
    base_subscribers: int
    subscribers_per_view: float


@dataclass(frozen=True)
class Video:
    """A video and the parameters of its view-growth curve."""

    video_id: str
    channel_id: str
    title: str
    description: str
    published_at: datetime
    duration: str
    category_id: str
    tags: tuple[str, ...]
    likes_hidden: bool
    comments_disabled: bool
    availability: Availability
    default_language: str | None
    audio_language: str
    definition: str
    caption: bool
    licensed_content: bool
    made_for_kids: bool
    has_maxres: bool
    # views(h) = ceiling * (1 - exp(-h / growth_hours)) + views_per_hour * h, h = hours since upload
    views_ceiling: float
    growth_hours: float
    views_per_hour: float
    like_ratio: float
    comment_ratio: float

    @property
    def is_public(self) -> bool:
        return self.availability == "public"


@dataclass(frozen=True)
class PlaylistItem:
    """A playlist entry; ``added_at`` is when it was added (the API's ``snippet.publishedAt``).

    Generated entries are all videos. ``resource_kind`` is something else (``youtube#channel``)
    only for the wrong-kind entries ``mutations.py`` injects; ``video_id`` then holds the id of
    that resource.
    """

    playlist_item_id: str
    playlist_id: str
    video_id: str
    position: int
    added_at: datetime
    resource_kind: str = VIDEO_KIND


@dataclass(frozen=True)
class Playlist:
    """A playlist (a normal ``PL`` one or a channel's ``UU`` uploads playlist)."""

    playlist_id: str
    channel_id: str
    title: str
    description: str
    published_at: datetime
    items: tuple[PlaylistItem, ...]


@dataclass(frozen=True)
class Region:
    region_code: str
    name: str


@dataclass(frozen=True)
class Category:
    category_id: str
    title: str
    assignable: bool


@dataclass(frozen=True)
class ChartSpec:
    """A chart's candidate pool; each hour the ``size`` best-scoring candidates make the chart."""

    region_code: str
    category_id: str
    size: int
    pool: tuple[str, ...]
    base_scores: tuple[float, ...]


@dataclass(frozen=True)
class WorldSpec:
    """Knobs of the generated world; per-channel tuples cycle when shorter than ``channels``."""

    seed: int = 42
    channels: int = 3
    videos_per_channel: tuple[int, ...] = (120, 150, 180)
    playlists_per_channel: tuple[int, ...] = (53, 9, 7)
    untracked_channels: int = 12
    videos_per_untracked_channel: int = 20
    regions: tuple[str, ...] = corpus.DEFAULT_REGIONS
    chart_size: tuple[int, int] = (60, 120)
    category_chart_size: tuple[int, int] = (20, 45)
    start: datetime = DEFAULT_START
    as_of: datetime = DEFAULT_AS_OF
    private_share: float = 0.04
    deleted_share: float = 0.03
    hidden_likes_share: float = 0.10
    comments_disabled_share: float = 0.05
    non_ascii_share: float = 0.15
    tracked_share_in_charts: float = 0.3


SMALL_SPEC = WorldSpec(
    channels=2,
    videos_per_channel=(14, 16),
    playlists_per_channel=(3, 2),
    untracked_channels=3,
    videos_per_untracked_channel=8,
    regions=("US", "GB", "JP"),
    chart_size=(10, 16),
    category_chart_size=(4, 8),
)


def _rng(seed: int, *labels: object) -> random.Random:
    """An independent stream per entity, so changing one count does not reshuffle the rest."""
    return random.Random("|".join(str(part) for part in (seed, *labels)))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def iso_duration(seconds: int) -> str:
    """ISO-8601 duration the way YouTube writes it: ``PT4M13S``, ``PT1H2M3S``, ``P1DT2H3M4S``."""
    if seconds <= 0:
        return "PT0S"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"P{days}D" if days else "P"
    time_part = "".join(
        f"{value}{unit}" for value, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if value
    )
    return text + ("T" + time_part if time_part else "")


def round_down_3sf(value: int) -> int:
    """Subscriber counts are rounded down to three significant figures, like the real API."""
    if value < 1000:
        return value
    scale = 10 ** (len(str(value)) - 3)
    return value // scale * scale


def _aware(at: datetime) -> datetime:
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return at.astimezone(UTC).replace(microsecond=0)


class _Ids:
    """Real-looking, collision-checked ids."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def _unique(self, make: Any) -> str:
        while True:
            value = make()
            if value not in self._seen:
                self._seen.add(value)
                return value

    def channel(self, rng: random.Random) -> str:
        # 16 random bytes -> 22 base64url chars (the last one in [AQgw], as in real ids).
        return self._unique(lambda: "UC" + _b64(rng.getrandbits(128).to_bytes(16, "big")))

    def video(self, rng: random.Random) -> str:
        # 64 random bits -> 11 base64url chars, as real video ids are.
        return self._unique(lambda: _b64(rng.getrandbits(64).to_bytes(8, "big")))

    def playlist(self, rng: random.Random) -> str:
        return self._unique(lambda: "PL" + _b64(rng.getrandbits(192).to_bytes(24, "big")))

    def playlist_item(self, rng: random.Random, playlist_id: str) -> str:
        # Real ids are base64("<playlistId>.<16 hex digits>").
        def make() -> str:
            raw = f"{playlist_id}.{rng.getrandbits(64):016X}".encode()
            return base64.b64encode(raw).decode("ascii")

        return self._unique(make)


def _uploads_item_id(uploads_playlist_id: str, video_id: str) -> str:
    # Real uploads-playlist item ids are base64("UU<channel suffix>.<videoId>").
    return base64.b64encode(f"{uploads_playlist_id}.{video_id}".encode()).decode("ascii")


def _month_index(at: datetime) -> int:
    return at.year * 12 + at.month - 1


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
        self._chart_cache: dict[tuple[str, str, int], tuple[str, ...]] = {}
        self._chart_lock = threading.Lock()

    # ----------------------------------------------------------------- construction

    @classmethod
    def generate(cls, spec: WorldSpec | None = None, **overrides: Any) -> World:
        """Build the world for ``spec`` (default ``WorldSpec()``) with fields replaced by kwargs."""
        spec = replace(spec or WorldSpec(), **overrides)
        return _Generator(spec).build()

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
        seconds = int((_aware(at) - video.published_at).total_seconds())
        if seconds <= 0:
            return 0
        hours = seconds / 3600
        saturating = video.views_ceiling * (1.0 - math.exp(-hours / video.growth_hours))
        return int(saturating + video.views_per_hour * hours)

    def video_statistics(self, video_id: str, at: datetime) -> dict[str, int | None]:
        """Counts at ``at`` (truncated to the second); ``None`` where the API omits the key."""
        video = self.videos[video_id]
        views = self.video_views(video, at)
        return {
            "viewCount": views,
            "likeCount": None if video.likes_hidden else int(views * video.like_ratio),
            "favoriteCount": 0,
            "commentCount": None if video.comments_disabled else int(views * video.comment_ratio),
        }

    def channel_statistics(self, channel_id: str, at: datetime) -> dict[str, Any]:
        """Channel totals at ``at``; ``subscriberCount`` is ``None`` when the channel hides it."""
        channel = self.channels[channel_id]
        public = [v for v in self._videos_by_channel[channel_id] if v.is_public]
        views = sum(self.video_views(v, at) for v in public)
        subscribers = round_down_3sf(
            channel.base_subscribers + int(views * channel.subscribers_per_view)
        )
        return {
            "viewCount": views,
            "subscriberCount": None if channel.hidden_subscriber_count else subscribers,
            "hiddenSubscriberCount": channel.hidden_subscriber_count,
            "videoCount": len(public),
        }

    def chart(self, region_code: str, category_id: str, at: datetime) -> list[str]:
        """Video ids of the mostPopular chart, best first, for the clock hour containing ``at``."""
        spec = self.charts.get((region_code, category_id))
        if spec is None:
            raise ChartNotFound(region_code, category_id)
        hour = int(_aware(at).timestamp()) // 3600
        key = (region_code, category_id, hour)
        with self._chart_lock:
            cached = self._chart_cache.get(key)
        if cached is None:
            rng = _rng(self.spec.seed, "chart", region_code, category_id, hour)
            scored = sorted(
                (
                    (base + rng.gauss(0.0, 0.8), vid)
                    for vid, base in zip(spec.pool, spec.base_scores, strict=True)
                ),
                key=lambda pair: (-pair[0], pair[1]),
            )
            cached = tuple(vid for _, vid in scored[: spec.size])
            with self._chart_lock:
                if len(self._chart_cache) > 4096:
                    self._chart_cache.clear()
                self._chart_cache[key] = cached
        return list(cached)

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
            "charts": {
                region: {
                    cat: spec.size for (reg, cat), spec in self.charts.items() if reg == region
                }
                for region in self.regions
            },
        }


class _Generator:
    """Turns a spec into a World. One instance per generation."""

    def __init__(self, spec: WorldSpec) -> None:
        self.spec = spec
        self.ids = _Ids()

    def build(self) -> World:
        spec = self.spec
        channels: list[Channel] = []
        videos: list[Video] = []
        for index in range(spec.channels):
            channel = self._channel(index, tracked=True)
            channels.append(channel)
            count = spec.videos_per_channel[index % len(spec.videos_per_channel)]
            videos.extend(self._videos(channel, index, count))
        for index in range(spec.untracked_channels):
            channel = self._channel(index, tracked=False)
            channels.append(channel)
            videos.extend(self._videos(channel, index, spec.videos_per_untracked_channel))
        playlists = self._playlists(channels, videos)
        regions = [
            Region(code, corpus.REGION_NAMES.get(code, code))
            for code in dict.fromkeys(spec.regions)
        ]
        categories = {r.region_code: self._categories(r.region_code) for r in regions}
        charts = self._charts(regions, categories, channels, videos)
        return World(spec, channels, videos, playlists, regions, categories, charts)

    # ----------------------------------------------------------------- channels

    def _channel(self, index: int, *, tracked: bool) -> Channel:
        rng = _rng(self.spec.seed, "channel", "tracked" if tracked else "other", index)
        profiles = corpus.TRACKED_PROFILES if tracked else corpus.UNTRACKED_PROFILES
        profile = profiles[index % len(profiles)]
        title, handle = profile.title, profile.handle
        if index >= len(profiles):
            title, handle = f"{title} {index // len(profiles) + 1}", f"{handle}{index}"
        theme = corpus.THEMES[profile.theme]
        channel_id = self.ids.channel(rng)
        published = datetime(2010, 1, 1, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(int(timedelta(days=365 * 11).total_seconds()))
        )
        description = (
            f"{title}: {profile.theme} videos every week. "
            f"{rng.choice(corpus.DESCRIPTION_LINES)}\n\nBusiness: hello@{handle}.example"
        )
        return Channel(
            channel_id=channel_id,
            title=title,
            handle=f"@{handle}",
            description=description,
            country=profile.country,
            published_at=published,
            uploads_playlist_id="UU" + channel_id[2:],
            hidden_subscriber_count=(not tracked and profile.theme == "comedy"),
            tracked=tracked,
            theme=profile.theme,
            language=profile.language,
            keywords=tuple(rng.sample(theme.tags, k=min(4, len(theme.tags)))),
            base_subscribers=int(math.exp(rng.gauss(math.log(60_000), 0.8))),
            subscribers_per_view=rng.uniform(0.002, 0.01),
        )

    # ----------------------------------------------------------------- videos

    def _publish_times(self, rng: random.Random, count: int, channel_index: int, tracked: bool):
        spec = self.spec
        end = spec.as_of - timedelta(hours=1)
        start = spec.start if tracked else max(spec.start, spec.as_of - timedelta(days=180))
        # A tracked channel takes one month off (2025-08 for the first, then the next months),
        # so month-by-month reports must cope with an empty month.
        hiatus = _month_index(datetime(2025, 8, 1, tzinfo=UTC)) + channel_index if tracked else -1
        span = int((end - start).total_seconds())
        times: list[datetime] = []
        while len(times) < count:
            at = start + timedelta(seconds=rng.randrange(span))
            if _month_index(at) != hiatus:
                times.append(at)
        return sorted(times)

    def _videos(self, channel: Channel, channel_index: int, count: int) -> list[Video]:
        spec = self.spec
        rng = _rng(spec.seed, "videos", channel.channel_id)
        theme = corpus.THEMES[channel.theme]
        tracked = channel.tracked
        popularity = math.log(25_000 if tracked else 400_000) + rng.gauss(0.0, 0.4)
        times = self._publish_times(rng, count, channel_index, tracked)
        videos = []
        for j, published in enumerate(times):
            availability: Availability = "public"
            if tracked:
                roll = rng.random()
                if roll < spec.deleted_share:
                    availability = "deleted"
                elif roll < spec.deleted_share + spec.private_share:
                    availability = "private"
            likes_hidden = rng.random() < spec.hidden_likes_share
            comments_disabled = rng.random() < spec.comments_disabled_share
            # Guarantee every edge case exists even in a small world (first tracked channel).
            if tracked and channel_index == 0 and count > 4:
                availability = {1: "public", 2: "public", 3: "private", 4: "deleted"}.get(
                    j, availability
                )
                likes_hidden = True if j == 1 else likes_hidden
                comments_disabled = True if j == 2 else comments_disabled
            if rng.random() < 0.7:
                category = theme.categories[0]
            else:
                category = rng.choice(theme.categories[1:])
            title = self._title(rng, theme)
            if tracked and channel_index == 0 and j == min(5, count - 1):
                title = corpus.HTML_TITLES[0]
            if tracked and channel_index == min(1, spec.channels - 1) and j == min(11, count - 1):
                title = corpus.HTML_TITLES[1]
            seconds = self._duration_seconds(rng)
            if tracked and channel_index == min(1, spec.channels - 1) and j == min(3, count - 1):
                seconds = 26 * 3600 + 3 * 60 + 4  # a day-long stream archive: P1DT2H3M4S
            tag_pool = (*theme.tags, channel.handle.lstrip("@"), channel.title)
            tags = (
                ()
                if rng.random() < 0.15
                else tuple(rng.sample(tag_pool, k=rng.randint(2, min(7, len(tag_pool)))))
            )
            description = (
                ""
                if rng.random() < 0.05
                else "\n\n".join(
                    [
                        title,
                        rng.choice(corpus.DESCRIPTION_LINES),
                        f"Subscribe: https://www.youtube.com/{channel.handle}?sub_confirmation=1",
                        " ".join(f"#{t.replace(' ', '')}" for t in tags[:3]),
                    ]
                ).strip()
            )
            definition = "sd" if rng.random() < 0.05 else "hd"
            ceiling = min(5e7, max(300.0, math.exp(rng.gauss(popularity, 1.0))))
            videos.append(
                Video(
                    video_id=self.ids.video(rng),
                    channel_id=channel.channel_id,
                    title=title,
                    description=description,
                    published_at=published,
                    duration=iso_duration(seconds),
                    category_id=category,
                    tags=tags,
                    likes_hidden=likes_hidden,
                    comments_disabled=comments_disabled,
                    availability=availability,
                    default_language=channel.language if rng.random() < 0.6 else None,
                    audio_language=channel.language,
                    definition=definition,
                    caption=rng.random() < 0.25,
                    licensed_content=rng.random() < 0.6,
                    made_for_kids=channel.theme == "pets" and rng.random() < 0.3,
                    has_maxres=definition == "hd" and rng.random() < 0.85,
                    views_ceiling=ceiling,
                    growth_hours=rng.uniform(12.0, 240.0),
                    # >= 1 view/hour keeps every public video growing visibly hour to hour.
                    views_per_hour=1.0 + ceiling * rng.uniform(0.000005, 0.00005),
                    like_ratio=rng.uniform(0.01, 0.06),
                    comment_ratio=rng.uniform(0.0004, 0.004),
                )
            )
        return videos

    def _title(self, rng: random.Random, theme: corpus.Theme) -> str:
        if rng.random() < self.spec.non_ascii_share:
            return rng.choice(corpus.NON_ASCII_TITLES)
        noun, noun2 = rng.sample(theme.nouns, k=2)
        return rng.choice(theme.templates).format(
            noun=noun, Noun=noun[:1].upper() + noun[1:], noun2=noun2, n=rng.randint(2, 12)
        )

    @staticmethod
    def _duration_seconds(rng: random.Random) -> int:
        roll = rng.random()
        if roll < 0.25:
            return rng.randint(8, 179)  # Shorts (up to 3 minutes)
        if roll < 0.9:
            return rng.randint(240, 25 * 60)
        return rng.randint(30 * 60, 9000)

    # ----------------------------------------------------------------- playlists

    def _playlists(self, channels: list[Channel], videos: list[Video]) -> list[Playlist]:
        spec = self.spec
        tracked = [c for c in channels if c.tracked]
        by_channel: dict[str, list[Video]] = {}
        for video in videos:
            by_channel.setdefault(video.channel_id, []).append(video)
        tracked_ids = {c.channel_id for c in tracked}
        untracked_public = [v for v in videos if v.is_public and v.channel_id not in tracked_ids]
        playlists: list[Playlist] = []
        for index, channel in enumerate(tracked):
            rng = _rng(spec.seed, "playlists", channel.channel_id)
            count = spec.playlists_per_channel[index % len(spec.playlists_per_channel)]
            own = by_channel[channel.channel_id]
            own_public = [v for v in own if v.is_public]
            own_unavailable = [v for v in own if not v.is_public]
            others = [
                v
                for c in tracked
                if c.channel_id != channel.channel_id
                for v in by_channel[c.channel_id]
                if v.is_public
            ]
            titles = self._playlist_titles(rng, channel, count)
            for k in range(count):
                playlist_id = self.ids.playlist(rng)
                if k == 0:
                    # The full archive: every upload, private and deleted ones included.
                    published = spec.start - timedelta(days=1)
                    members = list(own)
                elif index == 0 and k == count - 1 and count >= 5:
                    titles[k] = "Coming soon"
                    published = spec.as_of - timedelta(days=3)
                    members = []  # real channels have empty playlists too
                else:
                    published = spec.start + timedelta(
                        seconds=rng.randrange(int((spec.as_of - spec.start).total_seconds() * 0.9))
                    )
                    members = rng.sample(own_public, k=min(len(own_public), rng.randint(3, 25)))
                    if own_unavailable and rng.random() < 0.3:
                        members.append(rng.choice(own_unavailable))  # made private/deleted later
                    if others and (k == 1 or rng.random() < 0.35):
                        members += rng.sample(others, k=min(len(others), rng.randint(1, 2)))
                    if untracked_public and rng.random() < 0.15:
                        members.append(rng.choice(untracked_public))
                    members = list(dict.fromkeys(members))
                added = []
                for video in members:
                    earliest = max(published, video.published_at)
                    delay = timedelta(seconds=rng.randint(60, 3600 if k == 0 else 14 * 86400))
                    added.append((max(earliest, min(earliest + delay, spec.as_of)), video))
                added.sort(key=lambda pair: (pair[0], pair[1].video_id))
                items = tuple(
                    PlaylistItem(
                        playlist_item_id=self.ids.playlist_item(rng, playlist_id),
                        playlist_id=playlist_id,
                        video_id=video.video_id,
                        position=position,
                        added_at=at,
                    )
                    for position, (at, video) in enumerate(added)
                )
                description = (
                    ""
                    if rng.random() < 0.3
                    else f"{titles[k]} from {channel.title}. {rng.choice(corpus.DESCRIPTION_LINES)}"
                )
                playlists.append(
                    Playlist(
                        playlist_id=playlist_id,
                        channel_id=channel.channel_id,
                        title=titles[k],
                        description=description,
                        published_at=published,
                        items=items,
                    )
                )
        return playlists

    @staticmethod
    def _playlist_titles(rng: random.Random, channel: Channel, count: int) -> list[str]:
        theme = corpus.THEMES[channel.theme]
        titles = [f"{channel.title}: full archive"]
        base = [*theme.playlist_names, "Shorts", "Best of 2024", "Best of 2025", "Collabs", "Q&A"]
        base += [f"{noun[:1].upper()}{noun[1:]} series" for noun in theme.nouns]
        rng.shuffle(base)
        base[2:2] = list(corpus.NON_ASCII_PLAYLIST_TITLES[:2])
        seen: dict[str, int] = {}
        for k in range(1, count):
            name = base[(k - 1) % len(base)]
            seen[name] = seen.get(name, 0) + 1
            titles.append(name if seen[name] == 1 else f"{name} (vol. {seen[name]})")
        return titles[:count]

    # ----------------------------------------------------------------- regions & charts

    def _categories(self, region_code: str) -> tuple[Category, ...]:
        rng = _rng(self.spec.seed, "categories", region_code)
        missing: set[str] = set()
        if region_code != self.spec.regions[0] and rng.random() < 0.3:
            missing = set(rng.sample(corpus.OPTIONAL_CATEGORIES, k=rng.randint(1, 3)))
        return tuple(
            Category(cid, title, assignable)
            for cid, title, assignable in corpus.CATEGORIES
            if cid not in missing
        )

    def _charts(
        self,
        regions: list[Region],
        categories: dict[str, tuple[Category, ...]],
        channels: list[Channel],
        videos: list[Video],
    ) -> list[ChartSpec]:
        spec = self.spec
        countries = {c.channel_id: c.country for c in channels}
        tracked_ids = {c.channel_id for c in channels if c.tracked}
        public = [v for v in videos if v.is_public]
        charts: list[ChartSpec] = []
        for position, region in enumerate(regions):
            code = region.region_code
            rng = _rng(spec.seed, "charts", code)
            wanted = ["0"]
            if position == 0:
                wanted += list(corpus.CHART_CATEGORIES)
            elif position < len(regions) - 1:  # the last region only has the general chart
                odds = {"10": 0.75, "20": 0.5, "1": 0.3}
                wanted += [cat for cat in corpus.CHART_CATEGORIES if rng.random() < odds[cat]]
            region_categories = {c.category_id for c in categories[code]}
            for category_id in wanted:
                if category_id != "0" and category_id not in region_categories:
                    continue
                low, high = spec.chart_size if category_id == "0" else spec.category_chart_size
                size = rng.randint(low, high)
                candidates = [v for v in public if category_id in ("0", v.category_id)]
                pool = self._pool(rng, candidates, tracked_ids, math.ceil(size * 1.25))
                size = min(size, len(pool))
                if size == 0:
                    continue
                base_scores = tuple(
                    math.log(v.views_ceiling)
                    + (1.0 if countries.get(v.channel_id) == code else 0.0)
                    + rng.gauss(0.0, 0.5)
                    for v in pool
                )
                charts.append(
                    ChartSpec(code, category_id, size, tuple(v.video_id for v in pool), base_scores)
                )
        return charts

    def _pool(
        self, rng: random.Random, candidates: list[Video], tracked_ids: set[str], size: int
    ) -> list[Video]:
        """Mostly untracked channels' videos, with a share of tracked channels' ones mixed in."""
        tracked = [v for v in candidates if v.channel_id in tracked_ids]
        others = [v for v in candidates if v.channel_id not in tracked_ids]
        want_tracked = min(len(tracked), round(size * self.spec.tracked_share_in_charts))
        want_others = min(len(others), size - want_tracked)
        want_tracked = min(len(tracked), size - want_others)
        return rng.sample(tracked, k=want_tracked) + rng.sample(others, k=want_others)
