"""The YouTube Data API v3 list methods over a ``World``: parameters, paging, parts and JSON shapes.

Pure functions of (world, query parameters, instant): no HTTP here (``server.py`` does that), so
the wire format can be read and tested on its own. Field names, key order and value types follow
real recorded responses (see ``shared/youtube-api-samples``): counts are JSON strings, keys the
API leaves out (hidden likes, disabled comments, parts not asked for) are absent, never null.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from emulator.corpus import YOUTUBE_CATEGORY_CHANNEL_ID
from emulator.world import (
    VIDEO_KIND,
    Category,
    Channel,
    ChartNotFound,
    Playlist,
    PlaylistItem,
    Video,
    World,
)

T = TypeVar("T")

MAX_IDS = 50
DEFAULT_MAX_RESULTS = 5

# Standard Google API query parameters every method accepts.
GLOBAL_PARAMS = frozenset(
    {
        "key", "alt", "fields", "prettyPrint", "quotaUser", "userIp", "callback", "$.xgafv",
        "access_token", "oauth_token", "uploadType", "upload_protocol",
    }
)  # fmt: skip

# Parameters that only make sense with OAuth; an API key alone is refused, as by the real API.
OAUTH_PARAMS = frozenset(
    {"mine", "myRating", "managedByMe", "mySubscribers", "onBehalfOfContentOwner",
     "onBehalfOfContentOwnerChannel"}
)  # fmt: skip


# --------------------------------------------------------------------------------------- errors


class ApiError(Exception):
    """An error the API answers with: HTTP status plus Google's JSON error body."""

    def __init__(
        self,
        code: int,
        message: str,
        reason: str,
        domain: str = "global",
        *,
        location: str | None = None,
        location_type: str = "parameter",
        status: str | None = None,
        details: list[dict[str, Any]] | None = None,
        extended_help: str | None = None,
    ) -> None:
        super().__init__(f"{code} {reason}: {message}")
        self.code = code
        self.message = message
        self.reason = reason
        self.domain = domain
        self.location = location
        self.location_type = location_type
        self.status = status
        self.details = details
        self.extended_help = extended_help

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "domain": self.domain}
        error["reason"] = self.reason
        if self.location is not None:
            error["location"] = self.location
            error["locationType"] = self.location_type
        if self.extended_help is not None:
            error["extendedHelp"] = self.extended_help
        body: dict[str, Any] = {"code": self.code, "message": self.message, "errors": [error]}
        if self.status:
            body["status"] = self.status
        if self.details:
            body["details"] = self.details
        return {"error": body}


def missing_key() -> ApiError:
    return ApiError(
        403,
        "The request is missing a valid API key.",
        "forbidden",
        status="PERMISSION_DENIED",
    )


def invalid_key() -> ApiError:
    # Shape of a real response recorded by mopidy-youtube (api_search__09__videos.json).
    return ApiError(
        400,
        "API key not valid. Please pass a valid API key.",
        "badRequest",
        status="INVALID_ARGUMENT",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "youtube.googleapis.com"},
            }
        ],
    )


def method_not_found() -> ApiError:
    return ApiError(404, "Method not found.", "notFound", status="NOT_FOUND")


def _required(name: str) -> ApiError:
    return ApiError(400, f"Required parameter: {name}", "required", location=name)


def _no_filter(expected: Sequence[str]) -> ApiError:
    return ApiError(
        400,
        f"No filter selected. Expected one of: {', '.join(expected)}",
        "missingRequiredParameter",
        "youtube.parameter",
        location="parameters.",
        location_type="other",
    )


def _incompatible(names: Sequence[str]) -> ApiError:
    return ApiError(
        400,
        f"Incompatible parameters specified in the request: {', '.join(names)}",
        "incompatibleParameters",
        "youtube.parameter",
        location="parameters.",
        location_type="other",
    )


def _invalid_value(name: str, value: str, low: int, high: int) -> ApiError:
    return ApiError(
        400,
        f"Invalid value '{value}'. Values must be within the range: [{low}, {high}]",
        "invalid",
        location=name,
        status="INVALID_ARGUMENT",
    )


def _too_many_ids() -> ApiError:
    return ApiError(
        400,
        "The request specifies an invalid filter parameter.",
        "invalidFilters",
        "youtube.parameter",
        location="parameters.",
        location_type="other",
    )


def invalid_page_token(code: int = 400) -> ApiError:
    return ApiError(
        code,
        "The request specifies an invalid page token.",
        "invalidPageToken",
        "youtube.parameter",
        location="pageToken",
    )


def _unauthorized(name: str) -> ApiError:
    return ApiError(
        401,
        f"The request uses the <code>{name}</code> parameter but is not properly authorized.",
        "authorizationRequired",
        "youtube.parameter",
        location=name,
    )


def _unknown_parameter(name: str) -> ApiError:
    return ApiError(
        400,
        f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query parameter. '
        f"Field '{name}' could not be found in request message.",
        "badRequest",
        status="INVALID_ARGUMENT",
    )


def chart_not_found(code: int = 400) -> ApiError:
    # Google's videos.list reference documents videoChartNotFound as 400 (badRequest); some
    # services have been seen answering 404. Clients must key on the reason, not the status.
    return ApiError(
        code,
        "The requested video chart is not supported or is not available.",
        "videoChartNotFound",
        "youtube.video",
        location="chart",
    )


def invalid_region_code(code: int = 400) -> ApiError:
    # What Google answers for a well-formed code it does not support (e.g. "VE" once, "XX"):
    # videoCategories.list and the mostPopular chart take only regions i18nRegions lists.
    return ApiError(
        code,
        "The <code>regionCode</code> parameter specifies an invalid region code.",
        "invalidRegionCode",
        "youtube.parameter",
        location="regionCode",
    )


def playlist_not_found(code: int = 404) -> ApiError:
    return ApiError(
        code,
        "The playlist identified with the request's <code>playlistId</code> parameter "
        "cannot be found.",
        "playlistNotFound",
        "youtube.playlistItem",
        location="playlistId",
    )


def channel_not_found(code: int = 404) -> ApiError:
    return ApiError(
        code,
        "The channel specified in the <code>channelId</code> parameter cannot be found.",
        "channelNotFound",
        "youtube.playlist",
        location="channelId",
    )


# Errors the list methods never produce on their own; the fault plan (faults.py) serves them.


def quota_exceeded(code: int = 403) -> ApiError:
    # As recorded from the real API (ShareX/ShareX#4477): HTML link in the message, no "status".
    return ApiError(
        code,
        'The request cannot be completed because you have exceeded your <a href="/youtube/v3/'
        'getting-started#quota">quota</a>.',
        "quotaExceeded",
        "youtube.quota",
    )


def daily_limit_exceeded(code: int = 403) -> ApiError:
    # The pre-2020 wording of a spent daily quota; still seen in older client code paths.
    return ApiError(
        code,
        "Daily Limit Exceeded. The quota will be reset at midnight Pacific Time (PT). You may "
        "monitor your quota usage and adjust limits in the API Console: "
        "https://console.developers.google.com/apis/api/youtube.googleapis.com/quotas",
        "dailyLimitExceeded",
        "usageLimits",
    )


def backend_error(code: int = 500) -> ApiError:
    # 503s come in the newer shape (with "status"); 500s in the long-standing short one.
    if code == 503:
        return ApiError(
            503, "The service is currently unavailable.", "backendError", status="UNAVAILABLE"
        )
    return ApiError(code, "Backend Error", "backendError")


def rate_limit_exceeded(code: int = 403, *, user: bool = False) -> ApiError:
    reason = "userRateLimitExceeded" if user else "rateLimitExceeded"
    if code == 429:
        return ApiError(
            429,
            "Too many requests have been sent within a given time span.",
            reason,
            "youtube.quota",
            status="RESOURCE_EXHAUSTED",
        )
    return ApiError(
        code, "User Rate Limit Exceeded" if user else "Rate Limit Exceeded", reason, "usageLimits"
    )


def access_not_configured(code: int = 403, project: str = "123456789012") -> ApiError:
    # Shape of the real body recorded by joostlek/python-youtube (youtube_not_activated.json).
    console = (
        "https://console.developers.google.com/apis/api/youtube.googleapis.com/overview"
        f"?project={project}"
    )
    message = (
        f"YouTube Data API v3 has not been used in project {project} before or it is disabled. "
        f"Enable it by visiting {console} then retry. If you enabled this API recently, wait a "
        "few minutes for the action to propagate to our systems and retry."
    )
    return ApiError(
        code,
        message,
        "accessNotConfigured",
        "usageLimits",
        status="PERMISSION_DENIED",
        extended_help="https://console.developers.google.com",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [
                    {"description": "Google developers console API activation", "url": console}
                ],
            },
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "SERVICE_DISABLED",
                "domain": "googleapis.com",
                "metadata": {
                    "service": "youtube.googleapis.com",
                    "consumer": f"projects/{project}",
                },
            },
        ],
    )


def key_invalid_legacy(code: int = 400) -> ApiError:
    # The older bad-key body (sns-sdks/python-youtube testdata/error_response.json).
    return ApiError(code, "Bad Request", "keyInvalid", "usageLimits")


# ----------------------------------------------------------------------------------- paging


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(raw: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(raw) or shift > 63:
            raise ValueError("truncated varint")
        byte = raw[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _token_check(scope: str, offset: int, backwards: bool) -> int:
    return zlib.crc32(f"{scope}|{offset}|{int(backwards)}".encode()) & 0x0FFFFFFF


def encode_page_token(offset: int, scope: str, *, backwards: bool = False) -> str:
    """An opaque token shaped like YouTube's (base64 of protobuf fields: offset, direction)

    plus a checksum binding it to the query it came from, so tampering or reuse with another
    query is refused with ``invalidPageToken``.
    """
    raw = (
        b"\x08" + _varint(offset)
        + b"\x10" + _varint(int(backwards))
        + b"\x18" + _varint(_token_check(scope, offset, backwards))
    )  # fmt: skip
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_page_token(token: str, scope: str) -> tuple[int, bool]:
    """(offset, backwards) of a token issued for ``scope``; ``ValueError`` if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc
    fields: dict[int, int] = {}
    pos = 0
    while pos < len(raw):
        tag = raw[pos]
        if tag not in (0x08, 0x10, 0x18):
            raise ValueError("unexpected field")
        fields[tag >> 3], pos = _read_varint(raw, pos + 1)
    if set(fields) != {1, 2, 3} or fields[2] not in (0, 1):
        raise ValueError("missing fields")
    offset, backwards = fields[1], bool(fields[2])
    if fields[3] != _token_check(scope, offset, backwards):
        raise ValueError("token belongs to another query")
    return offset, backwards


@dataclass(frozen=True)
class Page:
    start: int
    size: int
    next_token: str | None
    prev_token: str | None


def _max_results(params: dict[str, str], low: int, high: int = 50) -> int:
    raw = params.get("maxResults")
    if raw is None or raw == "":
        return DEFAULT_MAX_RESULTS
    try:
        value = int(raw)
    except ValueError:
        raise _invalid_value("maxResults", raw, low, high) from None
    if not low <= value <= high:
        raise _invalid_value("maxResults", raw, low, high)
    return value


def _page(params: dict[str, str], total: int, scope: str, max_results: int) -> Page:
    start = 0
    token = params.get("pageToken")
    if token:
        try:
            offset, backwards = decode_page_token(token, scope)
        except ValueError:
            raise invalid_page_token() from None
        start = max(0, offset - max_results) if backwards else offset
    end = min(total, start + max_results)
    next_token = encode_page_token(end, scope) if max_results and end < total else None
    prev_token = encode_page_token(start, scope, backwards=True) if start > 0 else None
    return Page(start, max_results, next_token, prev_token)


# ----------------------------------------------------------------------------------- rendering


def etag_of(value: Any) -> str:
    """A 27-character etag (like the real ones) that changes whenever the content does."""
    canonical = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha1(canonical.encode("utf-8"), usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _with_etag(resource: dict[str, Any]) -> dict[str, Any]:
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
    return _with_etag(item)


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
    return _with_etag(item)


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
    return _with_etag(item)


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
    return _with_etag(item)


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
    return _with_etag(item)


def render_category(category: Category) -> dict:
    return _with_etag(
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


# ------------------------------------------------------------------------------------ methods


@dataclass(frozen=True)
class Call:
    """One API call: the world, the query (repeated parameters joined by commas), the instant."""

    world: World
    params: dict[str, str]
    parts: set[str]
    now: datetime


def _filters(call: Call, names: Sequence[str]) -> list[str]:
    # OAuth-only flags set to "false" are not filters (true ones were refused already).
    present = [name for name in names if call.params.get(name, "") not in ("", "false", "False")]
    if not present:
        raise _no_filter(names)
    if len(present) > 1:
        raise _incompatible(present)
    return present


def _ids(raw: str) -> list[str]:
    ids = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if len(ids) > MAX_IDS:
        raise _too_many_ids()
    return ids


def _listing(
    kind: str,
    items: list[dict],
    *,
    page: Page | None,
    total: int,
    per_page: int | None,
    items_first: bool = False,
    omit_empty_items: bool = False,
) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind, "etag": ""}
    if page and page.next_token:
        body["nextPageToken"] = page.next_token
    if page and page.prev_token:
        body["prevPageToken"] = page.prev_token
    page_info = {"totalResults": total, "resultsPerPage": per_page}
    show_items = bool(items) or not omit_empty_items
    if items_first and show_items:
        body["items"] = items
    body["pageInfo"] = page_info
    if not items_first and show_items:
        body["items"] = items
    return _with_etag(body)


def _paged(call: Call, rows: Sequence[T], scope: str, low: int) -> tuple[list[T], Page]:
    max_results = _max_results(call.params, low)
    page = _page(call.params, len(rows), scope, max_results)
    return list(rows[page.start : page.start + page.size]), page


def list_channels(call: Call) -> dict[str, Any]:
    world = call.world
    (name,) = _filters(
        call,
        ["forUsername", "mine", "managedByMe", "forHandle", "id", "categoryId", "mySubscribers"],
    )
    max_results = _max_results(call.params, 0)
    found: list[Channel] = []
    if name == "id":
        found = [world.channels[i] for i in _ids(call.params["id"]) if i in world.channels]
    elif name == "forHandle":
        channel = world.channel_by_handle(call.params["forHandle"])
        found = [channel] if channel else []
    items = [render_channel(world, c, call.parts, call.now) for c in found]
    # Like the real API, a lookup that finds nothing has pageInfo but no "items" key at all.
    return _listing(
        "youtube#channelListResponse",
        items,
        page=None,
        total=len(items),
        per_page=max_results,
        omit_empty_items=True,
    )


def list_playlists(call: Call) -> dict[str, Any]:
    world = call.world
    (name,) = _filters(call, ["channelId", "id", "mine"])
    if name == "id":
        max_results = _max_results(call.params, 0)
        found = [p for i in _ids(call.params["id"]) if (p := world.playlist(i))]
        items = [render_playlist(world, p, call.parts) for p in found]
        return _listing(
            "youtube#playlistListResponse", items, page=None, total=len(items), per_page=max_results
        )
    channel_id = call.params["channelId"]
    if channel_id not in world.channels:
        raise channel_not_found()
    playlists = world.playlists_of(channel_id)
    rows, page = _paged(call, playlists, f"playlists|{channel_id}", 0)
    return _listing(
        "youtube#playlistListResponse",
        [render_playlist(world, p, call.parts) for p in rows],
        page=page,
        total=len(playlists),
        per_page=page.size,
    )


def list_playlist_items(call: Call) -> dict[str, Any]:
    world = call.world
    (name,) = _filters(call, ["id", "playlistId"])
    if name == "id":
        max_results = _max_results(call.params, 0)
        found = [pair for i in _ids(call.params["id"]) if (pair := world.playlist_item(i))]
        items = [render_playlist_item(world, p, e, call.parts) for p, e in found]
        return _listing(
            "youtube#playlistItemListResponse",
            items,
            page=None,
            total=len(items),
            per_page=max_results,
            items_first=True,
        )
    playlist_id = call.params["playlistId"]
    playlist = world.playlist(playlist_id)
    if playlist is None:
        raise playlist_not_found()
    entries: Sequence[PlaylistItem] = playlist.items
    video_id = call.params.get("videoId")
    if video_id:
        entries = [e for e in entries if e.video_id == video_id and e.resource_kind == VIDEO_KIND]
    scope = f"playlistItems|{playlist_id}|{video_id or ''}"
    rows, page = _paged(call, entries, scope, 0)
    return _listing(
        "youtube#playlistItemListResponse",
        [render_playlist_item(world, playlist, e, call.parts) for e in rows],
        page=page,
        total=len(entries),
        per_page=page.size,
        items_first=True,
    )


def list_videos(call: Call) -> dict[str, Any]:
    world = call.world
    (name,) = _filters(call, ["myRating", "id", "chart"])
    if name == "id":
        # Deleted, private and unknown ids are silently left out: never pair by position.
        found = [
            world.videos[i]
            for i in _ids(call.params["id"])
            if i in world.videos and world.videos[i].is_public
        ]
        items = [render_video(world, v, call.parts, call.now) for v in found]
        return _listing(
            "youtube#videoListResponse",
            items,
            page=None,
            total=len(items),
            per_page=len(items),
            items_first=True,
        )
    chart = call.params["chart"]
    if chart != "mostPopular":
        raise ApiError(
            400,
            f"Invalid value '{chart}'. Expected one of: chartUnspecified, mostPopular",
            "invalid",
            location="chart",
            status="INVALID_ARGUMENT",
        )
    region = (call.params.get("regionCode") or "US").upper()
    if region not in world.regions:
        raise invalid_region_code()
    category_id = call.params.get("videoCategoryId") or "0"
    try:
        ranked = world.chart(region, category_id, call.now)
    except ChartNotFound:
        raise chart_not_found() from None
    rows, page = _paged(call, ranked, f"videos|chart|{region}|{category_id}", 1)
    return _listing(
        "youtube#videoListResponse",
        [render_video(world, world.videos[v], call.parts, call.now) for v in rows],
        page=page,
        total=len(ranked),
        per_page=page.size,
        items_first=True,
    )


def list_video_categories(call: Call) -> dict[str, Any]:
    world = call.world
    (name,) = _filters(call, ["id", "regionCode"])
    if name == "id":
        wanted = _ids(call.params["id"])
        by_id = {c.category_id: c for c in world.all_categories()}
        found = [by_id[i] for i in wanted if i in by_id]
    else:
        region = call.params["regionCode"].upper()
        if region not in world.regions:
            raise invalid_region_code()
        found = list(world.categories.get(region, ()))
    return _with_etag(
        {
            "kind": "youtube#videoCategoryListResponse",
            "etag": "",
            "items": [render_category(c) for c in found],
        }
    )


def list_i18n_regions(call: Call) -> dict[str, Any]:
    items = [
        _with_etag(
            {
                "kind": "youtube#i18nRegion",
                "etag": "",
                "id": region.region_code,
                "snippet": {"gl": region.region_code, "name": region.name},
            }
        )
        for region in call.world.regions.values()
    ]
    return _with_etag({"kind": "youtube#i18nRegionListResponse", "etag": "", "items": items})


# search.list never returns more than this many results for one query, whatever totalResults
# says (the real API's documented behaviour: page tokens stop after about 500 results).
SEARCH_RESULT_LIMIT = 500
SEARCH_ORDERS = ("date", "rating", "relevance", "title", "videoCount", "viewCount")


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
    return _with_etag(item)


def _search_time(params: dict[str, str], name: str) -> datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(
            400,
            f"Invalid value '{raw}' for {name}.",
            "invalidSearchFilter",
            "youtube.search",
            location=name,
        ) from None


def list_search(call: Call) -> dict[str, Any]:
    """Videos only (``type`` without ``video`` finds nothing here): public videos, filtered
    by ``channelId``, ``q`` (every word in the title, description or tags),
    ``publishedAfter``/``publishedBefore`` and ``videoCategoryId``, in ``order`` (``date``
    newest first; ``viewCount``/``rating`` most viewed first; ``title``; ``relevance``, the
    default, is emulated as ``date``). At most ``SEARCH_RESULT_LIMIT`` results are reachable."""
    world, params = call.world, call.params
    order = params.get("order") or "relevance"
    if order not in SEARCH_ORDERS:
        raise ApiError(
            400,
            f"Invalid value '{order}'.",
            "invalidParameter",
            "youtube.parameter",
            location="order",
        )
    types = {t.strip() for t in (params.get("type") or "video").split(",") if t.strip()}
    after, before = _search_time(params, "publishedAfter"), _search_time(params, "publishedBefore")
    channel_id = params.get("channelId")
    category_id = params.get("videoCategoryId")
    words = (params.get("q") or "").lower().split()
    found: list[Video] = []
    if "video" in types:
        candidates = world.videos_of(channel_id) if channel_id else list(world.videos.values())
        for video in candidates:
            if not video.is_public or (category_id and video.category_id != category_id):
                continue
            if (after and video.published_at < after) or (before and video.published_at >= before):
                continue
            if words:
                text = " ".join((video.title, video.description, *video.tags)).lower()
                if not all(word in text for word in words):
                    continue
            found.append(video)
    if order in ("date", "relevance"):
        found.sort(key=lambda v: (v.published_at, v.video_id), reverse=True)
    elif order == "title":
        found.sort(key=lambda v: (v.title.lower(), v.video_id))
    else:
        found.sort(key=lambda v: (-world.video_views(v, call.now), v.video_id))
    reachable = found[:SEARCH_RESULT_LIMIT]
    scope = "search|" + "|".join(f"{k}={params[k]}" for k in sorted(params) if k in SEARCH_SCOPE)
    rows, page = _paged(call, reachable, scope, 0)
    body: dict[str, Any] = {"kind": "youtube#searchListResponse", "etag": ""}
    if page.next_token:
        body["nextPageToken"] = page.next_token
    if page.prev_token:
        body["prevPageToken"] = page.prev_token
    body["regionCode"] = (params.get("regionCode") or "US").upper()
    body["pageInfo"] = {"totalResults": len(found), "resultsPerPage": page.size}
    body["items"] = [render_search_result(world, v, call.parts) for v in rows]
    return _with_etag(body)


# The parameters that define a search (a page token is only valid for the same ones).
SEARCH_SCOPE = frozenset(
    {"channelId", "q", "type", "order", "publishedAfter", "publishedBefore", "videoCategoryId"}
)


@dataclass(frozen=True)
class Method:
    """One list method: its quota name, accepted parameters and parts, its handler, and the
    units a call costs (errors included)."""

    name: str
    params: frozenset[str]
    parts: frozenset[str]
    handler: Callable[[Call], dict[str, Any]]
    cost: int = 1


METHODS: dict[str, Method] = {
    "channels": Method(
        "youtube.channels.list",
        frozenset(
            {"part", "id", "forHandle", "forUsername", "categoryId", "mine", "managedByMe",
             "mySubscribers", "hl", "maxResults", "pageToken", "onBehalfOfContentOwner"}
        ),
        frozenset(
            {"id", "snippet", "contentDetails", "statistics", "status", "brandingSettings",
             "topicDetails", "localizations", "auditDetails", "contentOwnerDetails"}
        ),
        list_channels,
    ),
    "playlists": Method(
        "youtube.playlists.list",
        frozenset(
            {"part", "channelId", "id", "mine", "hl", "maxResults", "pageToken",
             "onBehalfOfContentOwner", "onBehalfOfContentOwnerChannel"}
        ),
        frozenset({"id", "snippet", "status", "contentDetails", "player", "localizations"}),
        list_playlists,
    ),
    "playlistItems": Method(
        "youtube.playlistItems.list",
        frozenset(
            {"part", "id", "playlistId", "videoId", "maxResults", "pageToken",
             "onBehalfOfContentOwner"}
        ),
        frozenset({"id", "snippet", "contentDetails", "status"}),
        list_playlist_items,
    ),
    "videos": Method(
        "youtube.videos.list",
        frozenset(
            {"part", "id", "chart", "myRating", "regionCode", "videoCategoryId", "hl", "locale",
             "maxResults", "maxHeight", "maxWidth", "pageToken", "onBehalfOfContentOwner"}
        ),
        frozenset(
            {"id", "snippet", "contentDetails", "status", "statistics", "player", "topicDetails",
             "recordingDetails", "liveStreamingDetails", "localizations", "fileDetails",
             "processingDetails", "suggestions", "paidProductPlacementDetails"}
        ),
        list_videos,
    ),
    "videoCategories": Method(
        "youtube.videoCategories.list",
        frozenset({"part", "id", "regionCode", "hl"}),
        frozenset({"id", "snippet"}),
        list_video_categories,
    ),
    "i18nRegions": Method(
        "youtube.i18nRegions.list",
        frozenset({"part", "hl"}),
        frozenset({"id", "snippet"}),
        list_i18n_regions,
    ),
}  # fmt: skip

# Served only by a server started with ``search=True``: the warehouse never calls search.list
# (it costs 100 units a call); the quota benchmark's naive connector does, to measure it.
SEARCH = Method(
    "youtube.search.list",
    frozenset(
        {"part", "channelId", "channelType", "eventType", "forContentOwner", "forDeveloper",
         "forMine", "location", "locationRadius", "maxResults", "onBehalfOfContentOwner",
         "order", "pageToken", "publishedAfter", "publishedBefore", "q", "regionCode",
         "relevanceLanguage", "safeSearch", "topicId", "type", "videoCaption",
         "videoCategoryId", "videoDefinition", "videoDimension", "videoDuration",
         "videoEmbeddable", "videoLicense", "videoPaidProductPlacement", "videoSyndicated",
         "videoType"}
    ),
    frozenset({"id", "snippet"}),
    list_search,
    cost=100,
)  # fmt: skip
OPTIONAL_METHODS: dict[str, Method] = {"search": SEARCH}


def call_method(method: Method, world: World, params: dict[str, str], now: datetime) -> dict:
    """Validate the query like the API front end does, then run the method. Raises ``ApiError``."""
    for name in params:
        if name not in method.params and name not in GLOBAL_PARAMS:
            raise _unknown_parameter(name)
    for name in sorted(OAUTH_PARAMS & params.keys()):
        if params[name].lower() not in ("", "false"):
            raise _unauthorized(name)
    raw_part = params.get("part", "")
    parts = [p.strip() for p in raw_part.split(",") if p.strip()]
    if not parts:
        raise _required("part")
    for part in parts:
        if part not in method.parts:
            raise ApiError(400, f"'{part}'", "unknownPart", "youtube.part", location="part")
    return method.handler(Call(world, params, set(parts), now))
