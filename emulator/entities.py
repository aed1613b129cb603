"""The catalogue's records: channels, videos, playlists and their entries, regions, categories.

Frozen dataclasses, built once by ``generation.py`` (and rebuilt by ``mutations.py``), read by
everything else. Field names are the warehouse's, not the API's (``published_at``, not
``publishedAt``): ``api/render.py`` turns them into the wire format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Availability = Literal["public", "private", "deleted"]

VIDEO_KIND = "youtube#video"


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
