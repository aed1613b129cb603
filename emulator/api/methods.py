"""The method table: each list method's quota name, accepted parameters and parts, handler and
cost in quota units, and ``call_method``, which checks a query the way the API front end does
before running the handler.

Costs: 1 unit a call for the six list methods, errors included; ``search.list`` 100 (and served
only by a server started with ``search=True``: see ``OPTIONAL_METHODS``); ``videos.batchGetStats``
1 (served unless the server is started with ``batch_stats=False``). Each method charges one quota
bucket (``quota.py``): ``search.list`` the ``search`` bucket, ``videos.batchGetStats`` the
``stats`` bucket, every other method the ``default`` one. What the server charges for 304s,
faulted calls and calls without a key is the server's business (``server.py``).

The table is keyed by the URL path after ``/youtube/v3/``: ``videos``, ``videos:batchGetStats``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from emulator.api.batch_stats import batch_get_stats
from emulator.api.channels import list_channels
from emulator.api.errors import required, unauthorized, unknown_parameter, unknown_part
from emulator.api.playlists import list_playlist_items, list_playlists
from emulator.api.reference import list_i18n_regions, list_video_categories
from emulator.api.request import Call
from emulator.api.search import list_search
from emulator.api.videos import list_videos
from emulator.quota import DEFAULT_BUCKET, SEARCH_BUCKET, STATS_BUCKET
from emulator.world import World

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


@dataclass(frozen=True)
class Method:
    """One method: its quota name, accepted parameters and parts, its handler, the units a
    call costs (errors included) and the quota bucket it charges."""

    name: str
    params: frozenset[str]
    parts: frozenset[str]
    handler: Callable[[Call], dict[str, Any]]
    cost: int = 1
    bucket: str = DEFAULT_BUCKET


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
    bucket=SEARCH_BUCKET,
)  # fmt: skip

# videos.batchGetStats (revision 2026-06-03): statistics only, 1 unit from its own bucket.
# Served by default; EmulatorServer(..., batch_stats=False) emulates a project without it.
BATCH_STATS = Method(
    "youtube.videos.batchGetStats",
    frozenset({"part", "id", "onBehalfOfContentOwner"}),
    frozenset({"id", "snippet", "statistics", "contentDetails"}),
    batch_get_stats,
    bucket=STATS_BUCKET,
)
OPTIONAL_METHODS: dict[str, Method] = {"search": SEARCH, "videos:batchGetStats": BATCH_STATS}
# Every method a rule (fault, rewrite) may name: the list methods and videos.batchGetStats
# (search.list, which only the quota benchmark's naive connector calls, is not scriptable).
RULE_METHODS: dict[str, Method] = {**METHODS, "videos:batchGetStats": BATCH_STATS}


def call_method(method: Method, world: World, params: dict[str, str], now: datetime) -> dict:
    """Validate the query like the API front end does, then run the method. Raises ``ApiError``."""
    for name in params:
        if name not in method.params and name not in GLOBAL_PARAMS:
            raise unknown_parameter(name)
    for name in sorted(OAUTH_PARAMS & params.keys()):
        if params[name].lower() not in ("", "false"):
            raise unauthorized(name)
    raw_part = params.get("part", "")
    parts = [p.strip() for p in raw_part.split(",") if p.strip()]
    if not parts:
        raise required("part")
    for part in parts:
        if part not in method.parts:
            raise unknown_part(part)
    return method.handler(Call(world, params, set(parts), now))
