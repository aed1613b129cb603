"""A synthetic raw history, landed straight into ``raw_youtube.*`` with COPY, fast.

The rows are what ``extract/`` would have landed for a run every hour: for each capture an
``extract_runs`` row (succeeded), the ``pages`` ledger, ``channels.list`` items, ``videos.list``
items (50 ids per call) and the ``mostPopular`` chart of a few regions; a playlist crawl
(``playlists.list`` and ``playlistItems.list``, uploads playlists included) every
``crawl_every_hours``, with ``i18nRegions`` and ``videoCategories`` (the extractor refreshes
them daily); and, when the raw schema has it, one ``quota_ledger`` row per request.
Items are shaped like the emulator's (and so the real API's) JSON, counts as strings, hidden
likes and disabled comments as absent keys, deleted videos only as playlist placeholders.

Speed: the JSON of every video is rendered once into a template (everything but its etag
and statistics), so a capture costs a few string joins per video. Rows stream through a
writer thread that COPYs chunks of ``chunk_rows`` in text format while the next chunk is
generated; nothing holds more than a few chunks in memory. Everything is seeded: the same
arguments give the same rows, byte for byte (run ids included).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import queue
import random
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from emulator import corpus
from extract import resources
from extract.database import ConnectionInfo
from extract.load import SCHEMA, request_key

# The last capture of every history (histories of any length end here; extra captures follow).
HISTORY_END = datetime(2026, 11, 1, 0, 0, 0, tzinfo=UTC)
PAGE_SIZE = resources.MAX_PAGE_SIZE
CATEGORY_CHANNEL_ID = corpus.YOUTUBE_CATEGORY_CHANNEL_ID

# What the extractor records per HTTP request (where its raw schema has a quota ledger).
QUOTA_LEDGER_COLUMNS = (
    "run_id, requested_at, method, resource, units, pacific_day, http_status, reason"
)
PACIFIC = ZoneInfo("America/Los_Angeles")  # the quota day's time zone
_ITEM_COLUMNS = "run_id, captured_at, request_key, page_token, item_index, request, item"
_COLUMNS = {
    "pages": "run_id, resource, request_key, page_token, request, captured_at, etag, "
    "next_page_token, total_results, item_count, cost_units, landed_at",
    "extract_runs": "run_id, started_at, finished_at, status, message, config, units_spent, "
    "rows_landed",
    "quota_ledger": QUOTA_LEDGER_COLUMNS,
}

_NOUNS = (
    "sourdough", "guitar", "speedrun", "garden", "camera", "bike", "kitchen", "drone",
    "synth", "puppy", "volcano", "robot", "budget", "marathon", "chess", "espresso",
)  # fmt: skip
_TEMPLATES = (
    "How I fixed my {noun} in {n} days",
    "{Noun} vs {noun2}: which one wins?",
    "The ultimate {noun} guide ({n} tips)",
    "I tried {noun} for {n} weeks",
    "{Noun} on a budget",
    "Why nobody talks about {noun}",
)
_CATEGORY_IDS = ("22", "24", "26", "27", "28", "10", "20", "17")


def copy_escape(text: str) -> str:
    """Escape a value for COPY's text format (JSON has no raw tabs or newlines, but be safe)."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def etag_of(text: str) -> str:
    """A 27-character etag like the API's, changing whenever ``text`` does."""
    digest = hashlib.blake2b(text.encode(), digest_size=20).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:27]


def page_token(offset: int) -> str:
    """A page token shaped like the API's (``CDIQAA``: protobuf varints, base64url)."""
    raw = bytearray(b"\x08")
    value = offset
    while True:
        byte, value = value & 0x7F, value >> 7
        raw.append(byte | (0x80 if value else 0))
        if not value:
            break
    raw += b"\x10\x00"
    return base64.urlsafe_b64encode(bytes(raw)).decode("ascii").rstrip("=")


def iso_z(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _rng(seed: int, *labels: object) -> random.Random:
    return random.Random("|".join(str(part) for part in (seed, *labels)))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


# ------------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class Video:
    """A video's growth curve (the emulator's) and its JSON template around etag and counts."""

    video_id: str
    title: str
    channel_index: int
    published_epoch: float
    views_ceiling: float
    growth_hours: float
    views_per_hour: float
    like_ratio: float | None  # None: likes hidden (no likeCount key)
    comment_ratio: float | None  # None: comments disabled (no commentCount key)
    head: str  # escaped JSON up to the etag's value
    body: str  # escaped JSON from after the etag up to the statistics object

    def views_at(self, epoch: float) -> int:
        hours = (epoch - self.published_epoch) / 3600.0
        if hours <= 0:
            return 0
        return int(
            self.views_ceiling * (1.0 - math.exp(-hours / self.growth_hours))
            + self.views_per_hour * hours
        )

    def item_at(self, epoch: float) -> tuple[str, int]:
        """The escaped ``videos.list`` item at an instant, and its view count."""
        views = self.views_at(epoch)
        stats = f'{{"viewCount":"{views}"'
        if self.like_ratio is not None:
            stats += f',"likeCount":"{int(views * self.like_ratio)}"'
        stats += ',"favoriteCount":"0"'
        if self.comment_ratio is not None:
            stats += f',"commentCount":"{int(views * self.comment_ratio)}"'
        etag = etag_of(f"{self.video_id}:{views}")
        return f'{self.head}"{etag}"{self.body}{stats}}}}}', views


@dataclass(frozen=True)
class Channel:
    channel_id: str
    title: str
    handle: str
    published_at: datetime
    base_subscribers: int
    subscribers_per_view: float

    @property
    def uploads_playlist_id(self) -> str:
        return "UU" + self.channel_id[2:]


@dataclass(frozen=True)
class Playlist:
    """A crawled playlist: its escaped ``playlists.list`` item (None for uploads playlists)
    and its escaped ``playlistItems.list`` items, which do not change between crawls."""

    playlist_id: str
    channel_index: int
    item: str | None
    entries: tuple[str, ...]


@dataclass(frozen=True)
class CatalogueSpec:
    """What exists: channels, videos, playlists, regions, chart sizes. Time-independent."""

    videos: int = 5400
    channels: int = 10
    regions: tuple[str, ...] = ("US", "GB", "DE", "JP", "BR")
    chart_size: int = 50
    playlists_per_channel: int = 4  # besides the uploads playlist
    deleted_share: float = 0.01  # extra ids known only as playlist placeholders
    hidden_likes_share: float = 0.10
    comments_disabled_share: float = 0.05
    seed: int = 42


@dataclass
class Catalogue:
    spec: CatalogueSpec
    channels: list[Channel]
    videos: list[Video]
    playlists: list[Playlist]  # uploads playlists first, then each channel's, like a run
    chart_pools: dict[str, tuple[list[int], list[float]]]  # region -> (video index, score)
    video_batches: list[tuple[list[int], dict[str, str]]] = field(default_factory=list)

    @classmethod
    def generate(cls, spec: CatalogueSpec, published_before: datetime) -> Catalogue:
        return _CatalogueBuilder(spec, published_before).build()


class _CatalogueBuilder:
    def __init__(self, spec: CatalogueSpec, published_before: datetime) -> None:
        if spec.videos < spec.channels:
            raise ValueError(f"need at least one video per channel ({spec.channels} channels)")
        self.spec = spec
        self.latest = published_before - timedelta(days=1)
        self.earliest = datetime(2024, 1, 1, tzinfo=UTC)
        self._ids: set[str] = set()

    def build(self) -> Catalogue:
        spec = self.spec
        channels = [self._channel(i) for i in range(spec.channels)]
        videos: list[Video] = []
        deleted: dict[int, list[str]] = {i: [] for i in range(spec.channels)}
        rng = _rng(spec.seed, "catalogue")
        for index in range(spec.videos):
            channel_index = index % spec.channels
            videos.append(self._video(rng, channels[channel_index], channel_index))
        deleted_count = max(1, round(spec.videos * spec.deleted_share)) if spec.deleted_share else 0
        for index in range(deleted_count):
            deleted[index % spec.channels].append(self._unique(lambda: _b64(rng.randbytes(8))))
        videos.sort(key=lambda v: v.video_id)  # videos.list batches go in id order
        playlists = self._playlists(rng, channels, videos, deleted)
        catalogue = Catalogue(spec, channels, videos, playlists, self._chart_pools(videos))
        catalogue.video_batches = [
            (list(range(start, min(start + PAGE_SIZE, len(videos)))), {})
            for start in range(0, len(videos), PAGE_SIZE)
        ]
        for indexes, params in catalogue.video_batches:
            params["id"] = ",".join(videos[i].video_id for i in indexes)
        return catalogue

    def _unique(self, make: Any) -> str:
        while True:
            value = make()
            if value not in self._ids:
                self._ids.add(value)
                return value

    def _channel(self, index: int) -> Channel:
        rng = _rng(self.spec.seed, "channel", index)
        channel_id = self._unique(lambda: "UC" + _b64(rng.randbytes(16)))
        noun = _NOUNS[index % len(_NOUNS)]
        return Channel(
            channel_id=channel_id,
            title=f"{noun.title()} Lab {index + 1}",
            handle=f"@{noun}lab{index + 1}",
            published_at=datetime(2012, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(3650)),
            base_subscribers=int(math.exp(rng.gauss(math.log(60_000), 0.8))),
            subscribers_per_view=rng.uniform(0.002, 0.01),
        )

    def _title(self, rng: random.Random) -> str:
        roll = rng.random()
        if roll < 0.12:
            return rng.choice(corpus.NON_ASCII_TITLES)
        if roll < 0.14:
            return rng.choice([*corpus.HTML_TITLES, 'Backslash \\ and "quotes" in a title'])
        noun, noun2 = rng.sample(_NOUNS, k=2)
        return rng.choice(_TEMPLATES).format(
            noun=noun, Noun=noun.title(), noun2=noun2, n=rng.randint(2, 12)
        )

    def _video(self, rng: random.Random, channel: Channel, channel_index: int) -> Video:
        spec = self.spec
        video_id = self._unique(lambda: _b64(rng.randbytes(8)))
        span = int((self.latest - self.earliest).total_seconds())
        published = self.earliest + timedelta(seconds=rng.randrange(span))
        title = self._title(rng)
        description = f"{title}\n\nSubscribe: https://www.youtube.com/{channel.handle}"
        ceiling = min(5e7, max(300.0, math.exp(rng.gauss(math.log(25_000), 1.2))))
        seconds = rng.choice((rng.randint(8, 179), rng.randint(240, 1500), rng.randint(1800, 9000)))
        item = _video_item(video_id, channel, published, title, description, seconds, rng)
        head, rest = copy_escape(compact_json(item)).split('"@ETAG@"')
        body = rest.split('"@STATS@"}')[0]
        return Video(
            video_id=video_id,
            title=title,
            channel_index=channel_index,
            published_epoch=published.timestamp(),
            views_ceiling=ceiling,
            growth_hours=rng.uniform(12.0, 240.0),
            views_per_hour=1.0 + ceiling * rng.uniform(0.000005, 0.00005),
            like_ratio=None if rng.random() < spec.hidden_likes_share else rng.uniform(0.01, 0.06),
            comment_ratio=None
            if rng.random() < spec.comments_disabled_share
            else rng.uniform(0.0004, 0.004),
            head=head,
            body=body,
        )

    def _playlists(
        self,
        rng: random.Random,
        channels: list[Channel],
        videos: list[Video],
        deleted: dict[int, list[str]],
    ) -> list[Playlist]:
        by_channel: dict[int, list[Video]] = {i: [] for i in range(len(channels))}
        for video in videos:
            by_channel[video.channel_index].append(video)
        uploads = [
            _uploads_playlist(index, channel, by_channel[index])
            for index, channel in enumerate(channels)
        ]
        normal: list[Playlist] = []
        for index, channel in enumerate(channels):
            own = sorted(by_channel[index], key=lambda v: v.published_epoch)
            for k in range(self.spec.playlists_per_channel):
                playlist_id = self._unique(lambda: "PL" + _b64(rng.randbytes(24)))
                if k == 0:
                    title = f"{channel.title}: full archive"
                    members: list[Video | str] = [*own, *deleted[index]]
                else:
                    title = f"{_NOUNS[(index + k) % len(_NOUNS)].title()} series {k}"
                    members = list(rng.sample(own, k=min(len(own), rng.randint(5, 60))))
                normal.append(self._playlist(rng, playlist_id, index, channel, title, members))
        return uploads + normal

    def _playlist(
        self,
        rng: random.Random,
        playlist_id: str,
        channel_index: int,
        channel: Channel,
        title: str,
        members: Sequence[Video | str],
    ) -> Playlist:
        created = self.earliest - timedelta(days=1)
        entries = []
        for position, member in enumerate(members):
            item_id = base64.b64encode(f"{playlist_id}.{rng.getrandbits(64):016X}".encode())
            entries.append(
                copy_escape(
                    compact_json(
                        _playlist_item(item_id.decode(), playlist_id, position, channel, member)
                    )
                )
            )
        item = {
            "kind": "youtube#playlist",
            "etag": etag_of(f"{playlist_id}:{title}:{len(members)}"),
            "id": playlist_id,
            "snippet": {
                "publishedAt": iso_z(created),
                "channelId": channel.channel_id,
                "title": title,
                "description": f"{title} from {channel.title}.",
                "thumbnails": _thumbnails(playlist_id),
                "channelTitle": channel.title,
                "localized": {"title": title, "description": f"{title} from {channel.title}."},
            },
            "status": {"privacyStatus": "public"},
            "contentDetails": {"itemCount": len(members)},
        }
        return Playlist(playlist_id, channel_index, copy_escape(compact_json(item)), tuple(entries))

    def _chart_pools(self, videos: list[Video]) -> dict[str, tuple[list[int], list[float]]]:
        """Each region's candidates: popular videos, scored; the top ``chart_size`` chart."""
        by_popularity = sorted(range(len(videos)), key=lambda i: -videos[i].views_ceiling)
        top = by_popularity[: max(1, len(videos) // 3)]
        size = min(len(top), self.spec.chart_size * 2)
        pools = {}
        for region in self.spec.regions:
            rng = _rng(self.spec.seed, "chart", region)
            pool = rng.sample(top, k=size)
            scores = [math.log(videos[i].views_ceiling) + rng.gauss(0.0, 0.5) for i in pool]
            pools[region] = (pool, scores)
        return pools


def _thumbnails(key: str) -> dict[str, Any]:
    base = f"https://i.ytimg.com/vi/{key}/"
    sizes = (("default", "default", 120, 90), ("medium", "mqdefault", 320, 180))
    sizes += (("high", "hqdefault", 480, 360), ("standard", "sddefault", 640, 480))
    return {name: {"url": f"{base}{f}.jpg", "width": w, "height": h} for name, f, w, h in sizes}


def _video_item(
    video_id: str,
    channel: Channel,
    published: datetime,
    title: str,
    description: str,
    seconds: int,
    rng: random.Random,
) -> dict[str, Any]:
    """``videos.list`` item with parts snippet, contentDetails, status, statistics (last)."""
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    parts = ((hours, "H"), (minutes, "M"), (secs, "S"))
    duration = "PT" + "".join(f"{value}{unit}" for value, unit in parts if value)
    return {
        "kind": "youtube#video",
        "etag": "@ETAG@",
        "id": video_id,
        "snippet": {
            "publishedAt": iso_z(published),
            "channelId": channel.channel_id,
            "title": title,
            "description": description,
            "thumbnails": _thumbnails(video_id),
            "channelTitle": channel.title,
            "tags": rng.sample(_NOUNS, k=3),
            "categoryId": rng.choice(_CATEGORY_IDS),
            "liveBroadcastContent": "none",
            "localized": {"title": title, "description": description},
            "defaultAudioLanguage": "en",
        },
        "contentDetails": {
            "duration": duration,
            "dimension": "2d",
            "definition": "hd",
            "caption": "false",
            "licensedContent": rng.random() < 0.6,
            "contentRating": {},
            "projection": "rectangular",
        },
        "status": {
            "uploadStatus": "processed",
            "privacyStatus": "public",
            "license": "youtube",
            "embeddable": True,
            "publicStatsViewable": True,
            "madeForKids": False,
        },
        "statistics": "@STATS@",
    }


def _playlist_item(
    item_id: str, playlist_id: str, position: int, channel: Channel, member: Video | str
) -> dict[str, Any]:
    """A ``playlistItems.list`` item; a bare id stands for a deleted video (placeholder)."""
    if isinstance(member, str):
        return {
            "kind": "youtube#playlistItem",
            "etag": etag_of(item_id),
            "id": item_id,
            "snippet": {
                "publishedAt": iso_z(datetime(2024, 6, 1, tzinfo=UTC)),
                "channelId": channel.channel_id,
                "title": "Deleted video",
                "description": "This video is unavailable.",
                "thumbnails": {},
                "channelTitle": channel.title,
                "playlistId": playlist_id,
                "position": position,
                "resourceId": {"kind": "youtube#video", "videoId": member},
            },
            "contentDetails": {"videoId": member},
            "status": {"privacyStatus": "privacyStatusUnspecified"},
        }
    published = datetime.fromtimestamp(member.published_epoch, UTC)
    return {
        "kind": "youtube#playlistItem",
        "etag": etag_of(item_id),
        "id": item_id,
        "snippet": {
            "publishedAt": iso_z(published + timedelta(minutes=5)),
            "channelId": channel.channel_id,
            "title": member.title,
            "description": "",
            "thumbnails": _thumbnails(member.video_id),
            "channelTitle": channel.title,
            "playlistId": playlist_id,
            "position": position,
            "resourceId": {"kind": "youtube#video", "videoId": member.video_id},
            "videoOwnerChannelTitle": channel.title,
            "videoOwnerChannelId": channel.channel_id,
        },
        "contentDetails": {"videoId": member.video_id, "videoPublishedAt": iso_z(published)},
        "status": {"privacyStatus": "public"},
    }


def _uploads_playlist(index: int, channel: Channel, videos: list[Video]) -> Playlist:
    """The channel's uploads playlist: every public video, newest first."""
    playlist_id = channel.uploads_playlist_id
    newest_first = sorted(videos, key=lambda v: -v.published_epoch)
    entries = tuple(
        copy_escape(
            compact_json(
                _playlist_item(
                    base64.b64encode(f"{playlist_id}.{video.video_id}".encode()).decode(),
                    playlist_id,
                    position,
                    channel,
                    video,
                )
            )
        )
        for position, video in enumerate(newest_first)
    )
    return Playlist(playlist_id, index, None, entries)


def _channel_item(channel: Channel, views: int, video_count: int) -> str:
    """A ``channels.list`` item (snippet, contentDetails, statistics, status)."""
    subscribers = channel.base_subscribers + int(views * channel.subscribers_per_view)
    scale = 10 ** max(0, len(str(subscribers)) - 3)  # the API rounds to 3 significant figures
    description = f"{channel.title}: new videos every week."
    item = {
        "kind": "youtube#channel",
        "etag": etag_of(f"{channel.channel_id}:{views}"),
        "id": channel.channel_id,
        "snippet": {
            "title": channel.title,
            "description": description,
            "customUrl": channel.handle,
            "publishedAt": iso_z(channel.published_at),
            "thumbnails": _thumbnails(channel.channel_id),
            "localized": {"title": channel.title, "description": description},
            "country": "US",
        },
        "contentDetails": {
            "relatedPlaylists": {"likes": "", "uploads": channel.uploads_playlist_id}
        },
        "statistics": {
            "viewCount": str(views),
            "subscriberCount": str(subscribers // scale * scale),
            "hiddenSubscriberCount": False,
            "videoCount": str(video_count),
        },
        "status": {
            "privacyStatus": "public",
            "isLinked": True,
            "longUploadsStatus": "longUploadsUnspecified",
            "madeForKids": False,
        },
    }
    return copy_escape(compact_json(item))


def _reference_items() -> tuple[list[str], list[str]]:
    regions = [
        copy_escape(
            compact_json(
                {
                    "kind": "youtube#i18nRegion",
                    "etag": etag_of(code),
                    "id": code,
                    "snippet": {"gl": code, "name": name},
                }
            )
        )
        for code, name in corpus.REGION_NAMES.items()
    ]
    categories = [
        copy_escape(
            compact_json(
                {
                    "kind": "youtube#videoCategory",
                    "etag": etag_of(category_id),
                    "id": category_id,
                    "snippet": {
                        "channelId": CATEGORY_CHANNEL_ID,
                        "title": title,
                        "assignable": assignable,
                    },
                }
            )
        )
        for category_id, title, assignable in corpus.CATEGORIES
    ]
    return regions, categories


# ---------------------------------------------------------------------------------- captures


class _Capture:
    """The rows of one hourly extract run, per raw table (COPY text lines)."""

    def __init__(self, history: History, hour: int, quota_ledger: bool) -> None:
        self.history = history
        self.quota_ledger = quota_ledger
        self.catalogue = history.catalogue
        self.t0 = history.capture_time(hour)
        self.started = self.t0 + timedelta(seconds=2)
        suffix = _rng(self.catalogue.spec.seed, "run", hour).getrandbits(24)
        self.run_id = f"{self.started:%Y%m%dT%H%M%SZ}-{suffix:06x}"
        self.hour = hour
        self.clock = 3.0  # seconds after the top of the hour: one page every 0.25 s
        self.lines: dict[str, list[str]] = {}
        self.units = 0
        self.landed: Counter[str] = Counter()

    def tick(self) -> datetime:
        """The Date header of the next page (second resolution, like HTTP dates)."""
        at = self.t0 + timedelta(seconds=int(self.clock))
        self.clock += 0.25
        return at

    def land(
        self,
        resource: resources.Resource,
        params: dict[str, str],
        at: datetime,
        items: Sequence[str],
        offset: int = 0,
        token: str = "",
        next_token: str | None = None,
        total: int | None = None,
    ) -> None:
        """One page: its items and its row in the page ledger, as ``RawStore.land_page``."""
        key = request_key(params)
        at_text = at.isoformat()
        row_request = copy_escape(
            compact_json({k: params[k] for k in resource.key_params if k in params})
        )
        prefix = f"{self.run_id}\t{at_text}\t{key}\t{token}\t"
        rows = self.lines.setdefault(resource.table, [])
        for index, item in enumerate(items, offset):
            rows.append(f"{prefix}{index}\t{row_request}\t{item}\n")
        ledger = (
            self.run_id,
            resource.name,
            key,
            token,
            copy_escape(compact_json(params)),
            at_text,
            etag_of(f"{self.run_id}:{resource.name}:{key}:{token}"),
            next_token or r"\N",
            r"\N" if total is None else str(total),
            str(len(items)),
            str(resource.cost),
            (at + timedelta(milliseconds=150)).isoformat(),
        )
        self.lines.setdefault("pages", []).append("\t".join(ledger) + "\n")
        if self.quota_ledger:
            request = (
                self.run_id,
                at_text,
                f"{resource.method}.list",
                resource.name,
                str(resource.cost),
                at.astimezone(PACIFIC).date().isoformat(),
                "200",
                r"\N",
            )
            self.lines.setdefault("quota_ledger", []).append("\t".join(request) + "\n")
        self.units += resource.cost
        self.landed[resource.table] += len(items)

    def land_paged(
        self, resource: resources.Resource, params: dict[str, str], items: Sequence[str]
    ) -> None:
        for offset in range(0, max(len(items), 1), PAGE_SIZE):
            more = offset + PAGE_SIZE < len(items)
            self.land(
                resource,
                params,
                self.tick(),
                items[offset : offset + PAGE_SIZE],
                offset=offset,
                token=page_token(offset) if offset else "",
                next_token=page_token(offset + PAGE_SIZE) if more else None,
                total=len(items),
            )

    def build(self) -> dict[str, list[str]]:
        crawl = self.hour % self.history.crawl_every_hours == 0
        if crawl:
            self.reference_data()
        channels_at = [self.tick() for _ in range(0, len(self.catalogue.channels), PAGE_SIZE)]
        if crawl:
            self.playlists()
        current, channel_views = self.videos()
        self.channels(channels_at, channel_views)
        self.charts(current)
        self.run_row()
        return self.lines

    def reference_data(self) -> None:
        regions, categories = self.history.reference_items
        self.land(resources.I18N_REGIONS, {}, self.tick(), regions)
        for region in self.catalogue.spec.regions:
            self.land(resources.VIDEO_CATEGORIES, {"regionCode": region}, self.tick(), categories)

    def playlists(self) -> None:
        catalogue = self.catalogue
        for index, channel in enumerate(catalogue.channels):
            items = [p.item for p in catalogue.playlists if p.channel_index == index and p.item]
            self.land_paged(resources.PLAYLISTS, {"channelId": channel.channel_id}, items)
        for playlist in catalogue.playlists:
            params = {"playlistId": playlist.playlist_id}
            self.land_paged(resources.PLAYLIST_ITEMS, params, playlist.entries)

    def videos(self) -> tuple[list[str], list[int]]:
        """``videos.list`` by id, 50 per call; returns each video's item and channel views."""
        videos = self.catalogue.videos
        current = [""] * len(videos)
        channel_views = [0] * len(self.catalogue.channels)
        for indexes, params in self.catalogue.video_batches:
            at = self.tick()
            epoch = at.timestamp()
            items = []
            for i in indexes:
                video = videos[i]
                item, views = video.item_at(epoch)
                items.append(item)
                current[i] = item
                channel_views[video.channel_index] += views
            self.land(resources.VIDEOS, params, at, items, total=len(items))
        return current, channel_views

    def channels(self, pages_at: list[datetime], channel_views: list[int]) -> None:
        catalogue = self.catalogue
        counts = Counter(v.channel_index for v in catalogue.videos)
        for number, at in enumerate(pages_at):
            batch = range(number * PAGE_SIZE, min((number + 1) * PAGE_SIZE, len(channel_views)))
            params = {"id": ",".join(catalogue.channels[i].channel_id for i in batch)}
            items = [
                _channel_item(catalogue.channels[i], channel_views[i], counts[i]) for i in batch
            ]
            self.land(resources.CHANNELS, params, at, items, total=len(items))

    def charts(self, current: list[str]) -> None:
        spec = self.catalogue.spec
        for region, (pool, scores) in self.catalogue.chart_pools.items():
            rng = _rng(spec.seed, "chart", region, self.hour)
            noisy = [score + rng.gauss(0.0, 0.3) for score in scores]
            ranked = sorted(range(len(pool)), key=lambda k: -noisy[k])[: spec.chart_size]
            params = {"chart": "mostPopular", "regionCode": region, "videoCategoryId": "0"}
            self.land_paged(resources.MOST_POPULAR, params, [current[pool[k]] for k in ranked])

    def run_row(self) -> None:
        spec = self.catalogue.spec
        config = {
            "api_url": "https://youtube.googleapis.com",
            "channel_ids": [c.channel_id for c in self.catalogue.channels],
            "regions": list(spec.regions),
            "chart_categories": ["0"],
        }
        finished = self.t0 + timedelta(seconds=self.clock + 1.0)
        row = (
            self.run_id,
            self.started.isoformat(),
            finished.isoformat(),
            "succeeded",
            r"\N",
            copy_escape(compact_json(config)),
            str(self.units),
            copy_escape(compact_json(dict(self.landed))),
        )
        self.lines["extract_runs"] = ["\t".join(row) + "\n"]


@dataclass(frozen=True)
class LandStats:
    """What a landing wrote and how long it took (generation and COPY overlap)."""

    captures: int
    rows: dict[str, int]
    seconds: float
    copy_chars: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


class History:
    """Hourly captures of a catalogue, the last of ``hours`` captures at ``end``.

    Capture ``hour`` (0-based) is at ``end - (hours - 1 - hour)`` hours; captures ``hours``,
    ``hours + 1``... are the "next" hourly runs after the history.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        hours: int,
        crawl_every_hours: int = 24,
        end: datetime = HISTORY_END,
    ) -> None:
        if hours < 1 or crawl_every_hours < 1:
            raise ValueError("hours and crawl_every_hours must be at least 1")
        self.catalogue = catalogue
        self.hours = hours
        self.crawl_every_hours = crawl_every_hours
        self.end = end
        self.reference_items = _reference_items()

    def capture_time(self, hour: int) -> datetime:
        return self.end - timedelta(hours=self.hours - 1 - hour)

    def capture(self, hour: int, quota_ledger: bool = False) -> dict[str, list[str]]:
        """The COPY lines of one capture, per raw table; ``quota_ledger``: with one
        ``quota_ledger`` row per request (see ``has_quota_ledger``)."""
        return _Capture(self, hour, quota_ledger).build()

    def land(
        self,
        conn_info: ConnectionInfo,
        hours: Iterable[int],
        quota_ledger: bool = False,
        chunk_rows: int = 20_000,
    ) -> LandStats:
        """COPY the given captures into ``raw_youtube`` (the schema must exist)."""
        started = time.perf_counter()
        sink = CopySink(conn_info, chunk_rows)
        captures = 0
        try:
            for hour in hours:
                for table, lines in self.capture(hour, quota_ledger).items():
                    sink.add(table, lines)
                captures += 1
        finally:
            sink.close()
        return LandStats(captures, dict(sink.rows), time.perf_counter() - started, sink.chars)


class CopyError(RuntimeError):
    """A COPY into the raw schema failed (the message names the table)."""


class CopySink:
    """Buffers COPY lines per raw table and writes chunks from a thread of its own.

    psycopg2 releases the GIL while PostgreSQL parses a chunk, so generating the next chunk
    overlaps with loading this one (the two cores both work).
    """

    def __init__(self, conn_info: ConnectionInfo, chunk_rows: int = 20_000) -> None:
        self.conn_info = conn_info
        self.chunk_rows = chunk_rows
        self.rows: Counter[str] = Counter()
        self.chars = 0
        self._buffers: dict[str, list[str]] = {}
        self._queue: queue.Queue[tuple[str, str] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._write, name="bench-copy", daemon=True)
        self._thread.start()

    def add(self, table: str, lines: list[str]) -> None:
        buffer = self._buffers.setdefault(table, [])
        buffer.extend(lines)
        if len(buffer) >= self.chunk_rows:
            self._flush(table)

    def close(self) -> None:
        try:
            for table in list(self._buffers):
                self._flush(table)
        finally:
            self._put(None)
            self._thread.join()
        if self._error is not None:
            raise CopyError(f"loading the synthetic history failed: {self._error}")

    def _flush(self, table: str) -> None:
        lines = self._buffers.pop(table, None)
        if not lines:
            return
        data = "".join(lines)
        self._put((table, data))
        self.rows[table] += len(lines)
        self.chars += len(data)

    def _put(self, chunk: tuple[str, str] | None) -> None:
        while True:
            if self._error is not None or not self._thread.is_alive():
                if chunk is None:
                    return  # closing after a failure: close() reports it
                raise CopyError(f"loading the synthetic history failed: {self._error}")
            try:
                self._queue.put(chunk, timeout=0.5)
                return
            except queue.Full:
                continue

    def _write(self) -> None:
        conn = self.conn_info.connect()
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                while (chunk := self._queue.get()) is not None:
                    table, data = chunk
                    columns = _COLUMNS.get(table, _ITEM_COLUMNS)
                    sql = f"copy {SCHEMA}.{table} ({columns}) from stdin"
                    try:
                        cur.copy_expert(sql, io.StringIO(data), size=1 << 20)
                    except Exception as exc:
                        raise CopyError(f"COPY into {SCHEMA}.{table}: {exc}") from exc
        except BaseException as exc:
            self._error = exc
        finally:
            conn.close()


def has_quota_ledger(conn_info: ConnectionInfo) -> bool:
    """Whether the raw schema (as ``RawStore.ensure_schema`` made it) has a quota ledger with
    the columns this generator writes; older extractors have none."""
    conn = conn_info.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select column_name from information_schema.columns"
                " where table_schema = %s and table_name = 'quota_ledger'",
                (SCHEMA,),
            )
            columns = {name for (name,) in cur.fetchall()}
    finally:
        conn.close()
    return {c.strip() for c in QUOTA_LEDGER_COLUMNS.split(",")} <= columns
