"""Scripted changes to the served data: deleted/private videos, vanished or emptied playlists,
odd statistics, missing parts, wrong-kind playlist entries, retitled videos.

The generated ``World`` never changes (same seed, same world); a ``Mutations`` object records
what a test asked for and hands the API layer a ``MutatedWorld``: a World rebuilt from the
mutated catalogue, built once per change and shared by all requests until the next change.
With nothing recorded, ``view()`` returns the generated world itself, so responses are
byte-for-byte what they were without this module.

What each mutation looks like on the wire (as the real API shows it):

- ``delete_video`` / ``make_private``: ``videos.list`` omits the video (fewer items than ids
  asked), it leaves the uploads playlist (later positions move up), charts and the channel's
  ``videoCount``/``viewCount``; in normal playlists its entry becomes the "Deleted video" /
  "Private video" placeholder (no ``videoOwnerChannelId``, no ``videoPublishedAt``, empty
  ``thumbnails``).
- ``remove_playlist``: ``playlistItems.list`` answers 404 ``playlistNotFound``; ``playlists.list``
  no longer lists it.
- ``empty_playlist``: still listed, ``itemCount`` 0, ``playlistItems.list`` returns no items.
- ``set_video_statistics``: counts replaced by fixed values (strings, as the API sends them;
  they no longer grow with the clock), ``None`` removes the key.
- ``drop_part``: the video's resource lacks that part even when asked for.
- ``wrong_kind_item``: the playlist gains an entry whose ``resourceId.kind`` is
  ``youtube#channel`` (no ``videoId``); it counts in ``itemCount`` and paging like any entry.
- ``set_title``: a new title (non-ASCII, HTML entities...) wherever the title is shown.

ETags are computed from content, so every response a mutation changes gets a new ETag and a
conditional request answers 200 again; responses it does not touch keep theirs.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from emulator.entities import Availability, Playlist, PlaylistItem, Video
from emulator.world import World

STATISTICS_KEYS = ("viewCount", "likeCount", "dislikeCount", "favoriteCount", "commentCount")
# Parts a video resource can lose ("id" is the resource itself, so it cannot).
DROPPABLE_PARTS = frozenset(
    {"snippet", "contentDetails", "status", "statistics", "player", "topicDetails",
     "recordingDetails", "liveStreamingDetails", "localizations"}
)  # fmt: skip
CHANNEL_KIND = "youtube#channel"


@dataclass(frozen=True)
class WrongKindEntry:
    """A ``youtube#channel`` entry to add to a playlist (``position`` None = at the end)."""

    channel_id: str
    position: int | None = None


@dataclass
class _State:
    availability: dict[str, Availability] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    statistics: dict[str, dict[str, str | None]] = field(default_factory=dict)
    dropped_parts: dict[str, set[str]] = field(default_factory=dict)
    removed_playlists: set[str] = field(default_factory=set)
    emptied_playlists: set[str] = field(default_factory=set)
    wrong_kind: dict[str, list[WrongKindEntry]] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not any(
            (
                self.availability,
                self.titles,
                self.statistics,
                self.dropped_parts,
                self.removed_playlists,
                self.emptied_playlists,
                self.wrong_kind,
            )
        )

    def copy(self) -> _State:
        return _State(
            dict(self.availability),
            dict(self.titles),
            {k: dict(v) for k, v in self.statistics.items()},
            {k: set(v) for k, v in self.dropped_parts.items()},
            set(self.removed_playlists),
            set(self.emptied_playlists),
            {k: list(v) for k, v in self.wrong_kind.items()},
        )


class MutatedWorld(World):
    """The generated world with a snapshot of mutations applied; read-only, like ``World``."""

    def __init__(self, base: World, state: _State) -> None:
        self.base = base
        self._state = state
        videos = [self._mutated_video(v) for v in base.videos.values()]
        # World.__init__ rebuilds the uploads playlists from the (mutated) public videos, so
        # deleted and private ones leave them exactly as they would on YouTube.
        super().__init__(
            base.spec,
            list(base.channels.values()),
            videos,
            base.normal_playlists(),
            list(base.regions.values()),
            base.categories,
            list(base.charts.values()),
        )
        for playlist_id in state.emptied_playlists:
            playlist = self._playlists[playlist_id]
            self._replace_playlist(replace(playlist, items=()))
        for playlist_id, entries in state.wrong_kind.items():
            self._replace_playlist(_with_wrong_kind(self._playlists[playlist_id], entries))
        for playlist_id in state.removed_playlists:
            self._remove_playlist(playlist_id)

    def _mutated_video(self, video: Video) -> Video:
        changes: dict[str, Any] = {}
        if video.video_id in self._state.availability:
            changes["availability"] = self._state.availability[video.video_id]
        if video.video_id in self._state.titles:
            changes["title"] = self._state.titles[video.video_id]
        return replace(video, **changes) if changes else video

    def _replace_playlist(self, playlist: Playlist) -> None:
        old = self._playlists[playlist.playlist_id]
        self._playlists[playlist.playlist_id] = playlist
        siblings = self._playlists_by_channel.get(playlist.channel_id, [])
        self._playlists_by_channel[playlist.channel_id] = [
            playlist if p.playlist_id == playlist.playlist_id else p for p in siblings
        ]
        for item in old.items:
            self._items.pop(item.playlist_item_id, None)
        for item in playlist.items:
            self._items[item.playlist_item_id] = (playlist, item)

    def _remove_playlist(self, playlist_id: str) -> None:
        playlist = self._playlists.pop(playlist_id)
        siblings = self._playlists_by_channel.get(playlist.channel_id, [])
        self._playlists_by_channel[playlist.channel_id] = [
            p for p in siblings if p.playlist_id != playlist_id
        ]
        for item in playlist.items:
            self._items.pop(item.playlist_item_id, None)

    def uploads(self, channel_id: str) -> Playlist:
        # A removed uploads playlist has no entry left; show it empty rather than fail here.
        uploads_id = self.channels[channel_id].uploads_playlist_id
        return self._playlists.get(uploads_id) or replace(self.base.uploads(channel_id), items=())

    def video_statistics(self, video_id: str, at: datetime) -> dict[str, Any]:
        stats: dict[str, Any] = dict(super().video_statistics(video_id, at))
        stats.update(self._state.statistics.get(video_id, {}))
        return stats

    def chart(self, region_code: str, category_id: str, at: datetime) -> list[str]:
        # Rank with the generated world (shared cache), then drop what is no longer public, so
        # the other videos keep their order.
        ranked = self.base.chart(region_code, category_id, at)
        return [video_id for video_id in ranked if self.videos[video_id].is_public]

    def dropped_parts(self, video_id: str) -> frozenset[str]:
        return frozenset(self._state.dropped_parts.get(video_id, ()))


def _wrong_kind_item_id(playlist_id: str, channel_id: str, n: int) -> str:
    # Shaped like real playlist item ids: base64("<playlistId>.<16 hex digits>").
    digest = hashlib.sha1(
        f"{playlist_id}|{channel_id}|{n}".encode(), usedforsecurity=False
    ).hexdigest()
    return base64.b64encode(f"{playlist_id}.{digest[:16].upper()}".encode()).decode("ascii")


def _with_wrong_kind(playlist: Playlist, entries: list[WrongKindEntry]) -> Playlist:
    items = list(playlist.items)
    for n, entry in enumerate(entries):
        at = len(items) if entry.position is None else max(0, min(entry.position, len(items)))
        added = items[at - 1].added_at if at > 0 else playlist.published_at
        items.insert(
            at,
            PlaylistItem(
                playlist_item_id=_wrong_kind_item_id(playlist.playlist_id, entry.channel_id, n),
                playlist_id=playlist.playlist_id,
                video_id=entry.channel_id,
                position=at,
                added_at=added,
                resource_kind=CHANNEL_KIND,
            ),
        )
    renumbered = tuple(replace(item, position=i) for i, item in enumerate(items))
    return replace(playlist, items=renumbered)


class Mutations:
    """Thread-safe record of scripted data changes; ``view()`` is what the API layer serves.

    Every method validates its ids against the generated world and raises ``ValueError`` with
    the offending value, so a typo in a test fails loudly instead of mutating nothing.
    """

    ACTIONS = (
        "delete_video",
        "make_private",
        "remove_playlist",
        "empty_playlist",
        "set_video_statistics",
        "drop_part",
        "wrong_kind_item",
        "set_title",
    )

    def __init__(self, world: World) -> None:
        self.world = world
        self._lock = threading.Lock()
        self._state = _State()
        self._view: World | None = None

    # ----------------------------------------------------------------- mutations

    def delete_video(self, video_id: str) -> None:
        """The video was deleted: gone from lists, "Deleted video" in normal playlists."""
        self._video(video_id)
        with self._changing() as state:
            state.availability[video_id] = "deleted"

    def make_private(self, video_id: str) -> None:
        """The video went private: gone from lists, "Private video" in normal playlists."""
        self._video(video_id)
        with self._changing() as state:
            state.availability[video_id] = "private"

    def remove_playlist(self, playlist_id: str) -> None:
        """The playlist was deleted (or made private): 404 ``playlistNotFound``, not listed."""
        self._playlist(playlist_id)
        with self._changing() as state:
            state.removed_playlists.add(playlist_id)

    def empty_playlist(self, playlist_id: str) -> None:
        """Every entry was removed: still listed, ``itemCount`` 0, no items."""
        self._playlist(playlist_id)
        with self._changing() as state:
            state.emptied_playlists.add(playlist_id)

    def set_video_statistics(self, video_id: str, **overrides: str | int | None) -> None:
        """Fix statistics keys to given values (``viewCount="3000000000"``); None removes one.

        Values are sent as JSON strings, like the API's uint64 counts. Repeated calls merge.
        """
        self._video(video_id)
        unknown = sorted(set(overrides) - set(STATISTICS_KEYS))
        if unknown:
            raise ValueError(
                f"unknown statistics key(s) {unknown} for video {video_id!r}; "
                f"expected some of {list(STATISTICS_KEYS)}"
            )
        values = {k: None if v is None else str(v) for k, v in overrides.items()}
        with self._changing() as state:
            state.statistics.setdefault(video_id, {}).update(values)

    def drop_part(self, video_id: str, part: str) -> None:
        """The video's resource lacks ``part`` (e.g. "statistics") even when it is asked for."""
        self._video(video_id)
        if part not in DROPPABLE_PARTS:
            raise ValueError(
                f"cannot drop part {part!r} of video {video_id!r}; "
                f"expected one of {sorted(DROPPABLE_PARTS)}"
            )
        with self._changing() as state:
            state.dropped_parts.setdefault(video_id, set()).add(part)

    def wrong_kind_item(
        self, playlist_id: str, channel_id: str | None = None, position: int | None = None
    ) -> None:
        """Add a ``youtube#channel`` entry (no ``videoId``) to the playlist.

        It points at ``channel_id`` (default: the playlist's owner) and sits at ``position``
        (default: the end, so the last page carries it).
        """
        playlist = self._playlist(playlist_id)
        channel_id = channel_id or playlist.channel_id
        if channel_id not in self.world.channels:
            raise ValueError(f"unknown channel id {channel_id!r} for a wrong-kind item")
        if position is not None and position < 0:
            raise ValueError(f"position must be >= 0, got {position}")
        with self._changing() as state:
            state.wrong_kind.setdefault(playlist_id, []).append(
                WrongKindEntry(channel_id, position)
            )

    def set_title(self, video_id: str, title: str) -> None:
        """Retitle the video (videos.list snippet and localized title, playlist entries)."""
        self._video(video_id)
        with self._changing() as state:
            state.titles[video_id] = str(title)

    def clear(self) -> None:
        """Back to the generated world."""
        with self._lock:
            self._state = _State()
            self._view = None

    # ----------------------------------------------------------------- JSON (admin routes)

    def apply(self, action: dict[str, Any]) -> None:
        """Apply one ``{"action": "delete_video", "video_id": ...}`` object (see the README)."""
        if not isinstance(action, dict) or not isinstance(action.get("action"), str):
            raise ValueError('expected {"action": "<name>", ...}')
        arguments = dict(action)
        name = arguments.pop("action")
        if name not in self.ACTIONS:
            raise ValueError(f"unknown mutation {name!r}; expected one of {list(self.ACTIONS)}")
        if name == "set_video_statistics":
            statistics = arguments.pop("statistics", None)
            if not isinstance(statistics, dict) or set(arguments) != {"video_id"}:
                raise ValueError(
                    'set_video_statistics takes {"video_id": ..., "statistics": {"viewCount": '
                    '"3000000000", "likeCount": null}}'
                )
            self.set_video_statistics(arguments["video_id"], **statistics)
            return
        try:
            getattr(self, name)(**arguments)
        except TypeError as exc:
            raise ValueError(f"bad arguments for {name}: {exc}") from None

    def to_dict(self) -> dict[str, Any]:
        """The recorded mutations, JSON-ready (``GET /emulator/mutations``)."""
        with self._lock:
            state = self._state.copy()
        return {
            "availability": dict(sorted(state.availability.items())),
            "titles": dict(sorted(state.titles.items())),
            "statistics": dict(sorted(state.statistics.items())),
            "dropped_parts": {k: sorted(v) for k, v in sorted(state.dropped_parts.items())},
            "removed_playlists": sorted(state.removed_playlists),
            "emptied_playlists": sorted(state.emptied_playlists),
            "wrong_kind_items": {
                k: [{"channel_id": e.channel_id, "position": e.position} for e in v]
                for k, v in sorted(state.wrong_kind.items())
            },
        }

    # ----------------------------------------------------------------- serving

    def view(self) -> World:
        """The world to serve: the generated one, or a cached ``MutatedWorld`` of the state."""
        with self._lock:
            if self._state.is_empty():
                return self.world
            if self._view is None:
                # Built under the lock: a burst of requests after a change builds it once.
                self._view = MutatedWorld(self.world, self._state.copy())
            return self._view

    # ----------------------------------------------------------------- helpers

    def _video(self, video_id: str) -> Video:
        video = self.world.videos.get(video_id)
        if video is None:
            raise ValueError(f"unknown video id {video_id!r}")
        return video

    def _playlist(self, playlist_id: str) -> Playlist:
        playlist = self.world.playlist(playlist_id)
        if playlist is None:
            raise ValueError(f"unknown playlist id {playlist_id!r}")
        return playlist

    @contextmanager
    def _changing(self) -> Iterator[_State]:
        """Edit the state under the lock; the cached view is rebuilt on the next request."""
        with self._lock:
            try:
                yield self._state
            finally:
                self._view = None
