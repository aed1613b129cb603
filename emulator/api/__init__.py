"""The YouTube Data API v3 list methods over a ``World``: parameters, paging, parts, JSON shapes.

Pure functions of (world, query parameters, instant): no HTTP here (``server.py`` does that), so
the wire format can be read and tested on its own. ``call_method(METHODS[name], world, query,
now)`` answers one call with the response body, or raises ``ApiError``.

    methods.py       the method table (quota name, parameters, parts, handler, cost), call_method
    request.py       Call; the shared checks: exactly one filter, id lists, maxResults
    paging.py        page tokens, the page a query asks for, the ...ListResponse envelope
    render.py        every resource's JSON shape: key order, thumbnails, embeds, etags
    errors.py        ApiError and one constructor per reason, in Google's error-body format
    channels.py      channels.list
    playlists.py     playlists.list, playlistItems.list
    videos.py        videos.list by id
    most_popular.py  videos.list with chart=mostPopular
    reference.py     videoCategories.list, i18nRegions.list
    search.py        search.list (only with EmulatorServer(..., search=True))
    batch_stats.py   videos.batchGetStats (unless EmulatorServer(..., batch_stats=False))
"""

from __future__ import annotations

from emulator.api.errors import (
    ApiError,
    access_not_configured,
    backend_error,
    channel_not_found,
    chart_not_found,
    daily_limit_exceeded,
    invalid_key,
    invalid_page_token,
    invalid_region_code,
    key_invalid_legacy,
    method_not_allowed,
    method_not_found,
    missing_key,
    playlist_not_found,
    quota_exceeded,
    rate_limit_exceeded,
)
from emulator.api.methods import (
    BATCH_STATS,
    METHODS,
    OPTIONAL_METHODS,
    SEARCH,
    Method,
    call_method,
)
from emulator.api.paging import decode_page_token, encode_page_token
from emulator.api.render import (
    etag_of,
    render_category,
    render_channel,
    render_playlist,
    render_playlist_item,
    render_region,
    render_search_result,
    render_video,
    video_thumbnails,
)
from emulator.api.request import Call

__all__ = [
    "BATCH_STATS",
    "METHODS",
    "OPTIONAL_METHODS",
    "SEARCH",
    "ApiError",
    "Call",
    "Method",
    "access_not_configured",
    "backend_error",
    "call_method",
    "channel_not_found",
    "chart_not_found",
    "daily_limit_exceeded",
    "decode_page_token",
    "encode_page_token",
    "etag_of",
    "invalid_key",
    "invalid_page_token",
    "invalid_region_code",
    "key_invalid_legacy",
    "method_not_allowed",
    "method_not_found",
    "missing_key",
    "playlist_not_found",
    "quota_exceeded",
    "rate_limit_exceeded",
    "render_category",
    "render_channel",
    "render_playlist",
    "render_playlist_item",
    "render_region",
    "render_search_result",
    "render_video",
    "video_thumbnails",
]
