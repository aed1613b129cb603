"""Generation: a ``WorldSpec`` turned into a catalogue of channels, videos, playlists, regions,
categories and charts (``generate(spec)``; ``World.generate`` wraps it).

The catalogue (who uploaded what, which playlist holds which video) is fixed here and ends at
``spec.as_of``. Ids look like real ones (``UC`` + 22 base64url characters, 11-character video
ids, base64 playlist item ids) and never collide. Edge cases the extractors must cope with are
always present, even in a small world: private and deleted videos, hidden likes, disabled
comments, HTML in titles, a day-long video, an empty playlist, a month without uploads.
"""

from __future__ import annotations

import base64
import math
import random
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import Any, NamedTuple

from emulator import corpus
from emulator.charts import ChartSpec, build_charts
from emulator.entities import Availability, Category, Channel, Playlist, PlaylistItem, Region, Video
from emulator.spec import WorldSpec, seeded_rng


class Catalogue(NamedTuple):
    """What ``World`` is built from (in the order of its constructor's arguments)."""

    channels: list[Channel]
    videos: list[Video]
    playlists: list[Playlist]
    regions: list[Region]
    categories: dict[str, tuple[Category, ...]]
    charts: list[ChartSpec]


def generate(spec: WorldSpec) -> Catalogue:
    """The catalogue for ``spec``; the same spec gives the same catalogue, id for id."""
    return _Generator(spec).build()


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


def _month_index(at: datetime) -> int:
    return at.year * 12 + at.month - 1


class _Generator:
    """Turns a spec into a catalogue. One instance per generation."""

    def __init__(self, spec: WorldSpec) -> None:
        self.spec = spec
        self.ids = _Ids()

    def build(self) -> Catalogue:
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
        charts = build_charts(spec, regions, categories, channels, videos)
        return Catalogue(channels, videos, playlists, regions, categories, charts)

    # ----------------------------------------------------------------- channels

    def _channel(self, index: int, *, tracked: bool) -> Channel:
        rng = seeded_rng(self.spec.seed, "channel", "tracked" if tracked else "other", index)
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
        rng = seeded_rng(spec.seed, "videos", channel.channel_id)
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
                    # drawn here, after the fields above, as they always were
                    **self._growth(rng, ceiling),
                    like_ratio=rng.uniform(0.01, 0.06),
                    comment_ratio=rng.uniform(0.0004, 0.004),
                )
            )
        return videos

    def _growth(self, rng: random.Random, ceiling: float) -> dict[str, float]:
        """The growth curve's time constant (hours) and trickle (views an hour) of a video.

        ``classic``: 12-240 h and 0.0005-0.005 % of the ceiling an hour. ``fast``: a lognormal
        time constant (median 24 h, clipped to 3-120 h) and a lognormal trickle (median 0.015 %
        of the ceiling an hour, i.e. ~11 % of it over a month), so that for a typical video
        ~80 % of its first 30 days' views arrive in its first 48 h and ~85 % in 72 h (the
        share spreads from ~55 % to ~95 % across videos), and views keep trickling for years.
        Either way >= 1 view an hour keeps every public video growing visibly hour to hour.
        """
        if self.spec.growth == "fast":
            growth_hours = min(120.0, max(3.0, math.exp(rng.gauss(math.log(24.0), 0.5))))
            trickle = min(1e-3, math.exp(rng.gauss(math.log(1.5e-4), 0.5)))
            return {"growth_hours": growth_hours, "views_per_hour": 1.0 + ceiling * trickle}
        # two draws in this order: the default worlds stay what they always were
        growth_hours = rng.uniform(12.0, 240.0)
        views_per_hour = 1.0 + ceiling * rng.uniform(0.000005, 0.00005)
        return {"growth_hours": growth_hours, "views_per_hour": views_per_hour}

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
        public_of = {
            c.channel_id: [v for v in by_channel[c.channel_id] if v.is_public] for c in tracked
        }
        playlists: list[Playlist] = []
        for index, channel in enumerate(tracked):
            rng = seeded_rng(spec.seed, "playlists", channel.channel_id)
            count = spec.playlists_per_channel[index % len(spec.playlists_per_channel)]
            own = by_channel[channel.channel_id]
            own_public = public_of[channel.channel_id]
            own_unavailable = [v for v in own if not v.is_public]
            # the other tracked channels' public videos, in catalogue order
            others = list(
                chain.from_iterable(
                    public_of[c.channel_id] for c in tracked if c.channel_id != channel.channel_id
                )
            )
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

    # ----------------------------------------------------------------- regions

    def _categories(self, region_code: str) -> tuple[Category, ...]:
        rng = seeded_rng(self.spec.seed, "categories", region_code)
        missing: set[str] = set()
        if region_code != self.spec.regions[0] and rng.random() < 0.3:
            missing = set(rng.sample(corpus.OPTIONAL_CATEGORIES, k=rng.randint(1, 3)))
        return tuple(
            Category(cid, title, assignable)
            for cid, title, assignable in corpus.CATEGORIES
            if cid not in missing
        )
