"""The JSON shape of every resource: key order, value types, thumbnails, embeds and etags.

Field names, key order and value types follow real recorded responses (see
``shared/youtube-api-samples``): counts are JSON strings, keys the API leaves out (hidden likes,
disabled comments, parts not asked for) are absent, never null. Each ``render_*`` builds one
resource of a listing from the world at an instant; the list methods decide which ones.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from typing import Any

from emulator.corpus import YOUTUBE_CATEGORY_CHANNEL_ID
from emulator.entities import VIDEO_KIND, Category, Channel, Playlist, PlaylistItem, Region, Video
from emulator.world import World


def etag_of(value: Any) -> str:
    """A 27-character etag (like the real ones) that changes whenever the content does."""
    canonical = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha1(canonical.encode("utf-8"), usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def with_etag(resource: dict[str, Any]) -> dict[str, Any]:
    resource["etag"] = etag_of({k: v for k, v in resource.items() if k != "etag"})
    return resource


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def video_thumbnails(video: Video) -> dict[str, Any]:
    base = f"https://i.ytimg.com/vi/{video.video_id}/"
    sizes = [
        ("default", "default.jpg", 120, 90),
        ("medium", "mqdefault.jpg", 320, 180),
        ("high", "hqdefault.jpg", 480, 360),
    ]
    if video.has_maxres:
        sizes += [
            ("standard", "sddefault.jpg", 640, 480),
            ("maxres", "maxresdefault.jpg", 1280, 720),
        ]
    return {name: {"url": base + file, "width": w, "height": h} for name, file, w, h in sizes}


def _no_thumbnail() -> dict[str, Any]:
    url = "https://i.ytimg.com/img/no_thumbnail.jpg"
    return {
        "default": {"url": url, "width": 120, "height": 90},
        "medium": {"url": url, "width": 320, "height": 180},
        "high": {"url": url, "width": 480, "height": 360},
    }


def _channel_thumbnails(channel: Channel) -> dict[str, Any]:
    base = f"https://yt3.ggpht.com/emulator/{channel.channel_id}"
    return {
        name: {"url": f"{base}=s{size}-c-k-c0x00ffffff-no-rj", "width": size, "height": size}
        for name, size in (("default", 88), ("medium", 240), ("high", 800))
    }


def _embed(path: str) -> dict[str, str]:
    return {
        "embedHtml": f'<iframe width="480" height="270" src="//www.youtube.com/embed/{path}" '
        'frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; '
        'gyroscope; picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin"'
        " allowfullscreen></iframe>"
    }


def _counts(stats: dict[str, Any]) -> dict[str, Any]:
    """uint64 counts as strings, booleans kept, ``None`` (hidden/disabled) left out."""
    return {
        key: value if isinstance(value, bool) else str(value)
        for key, value in stats.items()
        if value is not None
    }


stats_counts = _counts  # also videos.batchGetStats' statistics
video_stat_time = _iso  # a google-datetime: RFC 3339 in UTC, whole seconds


def render_channel(world: World, channel: Channel, parts: set[str], now: datetime) -> dict:
    item: dict[str, Any] = {"kind": "youtube#channel", "etag": "", "id": channel.channel_id}
    if "snippet" in parts:
        snippet: dict[str, Any] = {
            "title": channel.title,
            "description": channel.description,
            "customUrl": channel.handle,
            "publishedAt": _iso(channel.published_at),
            "thumbnails": _channel_thumbnails(channel),
            "localized": {"title": channel.title, "description": channel.description},
        }
        if channel.country:
            snippet["country"] = channel.country
        item["snippet"] = snippet
    if "contentDetails" in parts:
        item["contentDetails"] = {
            "relatedPlaylists": {"likes": "", "uploads": channel.uploads_playlist_id}
        }
    if "statistics" in parts:
        item["statistics"] = _counts(world.channel_statistics(channel.channel_id, now))
    if "status" in parts:
        item["status"] = {
            "privacyStatus": "public",
            "isLinked": True,
            "longUploadsStatus": "longUploadsUnspecified",
            "madeForKids": False,
        }
    if "brandingSettings" in parts:
        branding: dict[str, Any] = {
            "title": channel.title,
            "description": channel.description,
            "keywords": " ".join(f'"{k}"' if " " in k else k for k in channel.keywords),
        }
        if channel.country:
            branding["country"] = channel.country
        item["brandingSettings"] = {
            "channel": branding,
            "image": {
                "bannerExternalUrl": f"https://yt3.googleusercontent.com/emulator/"
                f"{channel.channel_id}-banner"
            },
        }
    return with_etag(item)


def render_video(world: World, video: Video, parts: set[str], now: datetime) -> dict:
    item: dict[str, Any] = {"kind": "youtube#video", "etag": "", "id": video.video_id}
    # A mutated world can withhold a part even when it is asked for (bad-data tests).
    parts = parts - world.dropped_parts(video.video_id)
    if "snippet" in parts:
        channel = world.channels[video.channel_id]
        snippet: dict[str, Any] = {
            "publishedAt": _iso(video.published_at),
            "channelId": video.channel_id,
            "title": video.title,
            "description": video.description,
            "thumbnails": video_thumbnails(video),
            "channelTitle": channel.title,
        }
        if video.tags:
            snippet["tags"] = list(video.tags)
        snippet["categoryId"] = video.category_id
        snippet["liveBroadcastContent"] = "none"
        if video.default_language:
            snippet["defaultLanguage"] = video.default_language
        snippet["localized"] = {"title": video.title, "description": video.description}
        snippet["defaultAudioLanguage"] = video.audio_language
        item["snippet"] = snippet
    if "contentDetails" in parts:
        item["contentDetails"] = {
            "duration": video.duration,
            "dimension": "2d",
            "definition": video.definition,
            "caption": "true" if video.caption else "false",
            "licensedContent": video.licensed_content,
            "contentRating": {},
            "projection": "rectangular",
        }
    if "status" in parts:
        item["status"] = {
            "uploadStatus": "processed",
            "privacyStatus": "public",
            "license": "youtube",
            "embeddable": True,
            "publicStatsViewable": True,
            "madeForKids": video.made_for_kids,
        }
    if "statistics" in parts:
        item["statistics"] = _counts(world.video_statistics(video.video_id, now))
    if "player" in parts:
        item["player"] = _embed(video.video_id)
    return with_etag(item)


def render_playlist(world: World, playlist: Playlist, parts: set[str]) -> dict:
    item: dict[str, Any] = {"kind": "youtube#playlist", "etag": "", "id": playlist.playlist_id}
    if "snippet" in parts:
        first = next(
            (
                world.videos[i.video_id]
                for i in playlist.items
                if i.resource_kind == VIDEO_KIND and world.videos[i.video_id].is_public
            ),
            None,
        )
        item["snippet"] = {
            "publishedAt": _iso(playlist.published_at),
            "channelId": playlist.channel_id,
            "title": playlist.title,
            "description": playlist.description,
            "thumbnails": video_thumbnails(first) if first else _no_thumbnail(),
            "channelTitle": world.channels[playlist.channel_id].title,
            "localized": {"title": playlist.title, "description": playlist.description},
        }
    if "status" in parts:
        item["status"] = {"privacyStatus": "public"}
    if "contentDetails" in parts:
        item["contentDetails"] = {"itemCount": len(playlist.items)}
    if "player" in parts:
        item["player"] = _embed(f"videoseries?list={playlist.playlist_id}")
    return with_etag(item)


_UNAVAILABLE = {
    "private": ("Private video", "This video is private.", "private"),
    "deleted": ("Deleted video", "This video is unavailable.", "privacyStatusUnspecified"),
}


def render_playlist_item(
    world: World, playlist: Playlist, entry: PlaylistItem, parts: set[str]
) -> dict:
    if entry.resource_kind != VIDEO_KIND:
        return _render_foreign_item(world, playlist, entry, parts)
    video = world.videos[entry.video_id]
    owner = world.channels[playlist.channel_id]
    item: dict[str, Any] = {
        "kind": "youtube#playlistItem",
        "etag": "",
        "id": entry.playlist_item_id,
    }
    unavailable = _UNAVAILABLE.get(video.availability)
    if "snippet" in parts:
        snippet: dict[str, Any] = {
            "publishedAt": _iso(entry.added_at),
            "channelId": owner.channel_id,
            "title": unavailable[0] if unavailable else video.title,
            "description": unavailable[1] if unavailable else video.description,
            "thumbnails": {} if unavailable else video_thumbnails(video),
            "channelTitle": owner.title,
            "playlistId": playlist.playlist_id,
            "position": entry.position,
            "resourceId": {"kind": "youtube#video", "videoId": video.video_id},
        }
        if not unavailable:
            snippet["videoOwnerChannelTitle"] = world.channels[video.channel_id].title
            snippet["videoOwnerChannelId"] = video.channel_id
        item["snippet"] = snippet
    if "contentDetails" in parts:
        details: dict[str, Any] = {"videoId": video.video_id}
        if not unavailable:
            details["videoPublishedAt"] = _iso(video.published_at)
        item["contentDetails"] = details
    if "status" in parts:
        item["status"] = {"privacyStatus": unavailable[2] if unavailable else "public"}
    return with_etag(item)


def _render_foreign_item(
    world: World, playlist: Playlist, entry: PlaylistItem, parts: set[str]
) -> dict:
    """An entry that points at a channel, not a video (``resourceId`` has no ``videoId``).

    Playlists could once hold channels and playlists; only mutated worlds contain one, to test
    that extractors skip what is not a video instead of failing on a missing ``videoId``.
    """
    channel = world.channels[entry.video_id]
    owner = world.channels[playlist.channel_id]
    item: dict[str, Any] = {
        "kind": "youtube#playlistItem",
        "etag": "",
        "id": entry.playlist_item_id,
    }
    if "snippet" in parts:
        item["snippet"] = {
            "publishedAt": _iso(entry.added_at),
            "channelId": owner.channel_id,
            "title": channel.title,
            "description": channel.description,
            "thumbnails": _channel_thumbnails(channel),
            "channelTitle": owner.title,
            "playlistId": playlist.playlist_id,
            "position": entry.position,
            "resourceId": {"kind": entry.resource_kind, "channelId": channel.channel_id},
        }
    if "contentDetails" in parts:
        item["contentDetails"] = {}
    if "status" in parts:
        item["status"] = {"privacyStatus": "public"}
    return with_etag(item)


def render_category(category: Category) -> dict:
    return with_etag(
        {
            "kind": "youtube#videoCategory",
            "etag": "",
            "id": category.category_id,
            "snippet": {
                "channelId": YOUTUBE_CATEGORY_CHANNEL_ID,
                "title": category.title,
                "assignable": category.assignable,
            },
        }
    )


def render_region(region: Region) -> dict:
    return with_etag(
        {
            "kind": "youtube#i18nRegion",
            "etag": "",
            "id": region.region_code,
            "snippet": {"gl": region.region_code, "name": region.name},
        }
    )


def render_search_result(world: World, video: Video, parts: set[str]) -> dict:
    """A ``youtube#searchResult`` for a video: an id object and a short snippet."""
    item: dict[str, Any] = {
        "kind": "youtube#searchResult",
        "etag": "",
        "id": {"kind": VIDEO_KIND, "videoId": video.video_id},
    }
    if "snippet" in parts:
        channel = world.channels[video.channel_id]
        thumbnails = video_thumbnails(video)
        item["snippet"] = {
            "publishedAt": _iso(video.published_at),
            "channelId": video.channel_id,
            "title": video.title,
            "description": video.description[:160],
            "thumbnails": {k: thumbnails[k] for k in ("default", "medium", "high")},
            "channelTitle": channel.title,
            "liveBroadcastContent": "none",
            "publishTime": _iso(video.published_at),
        }
    return with_etag(item)
