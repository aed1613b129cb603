"""``search.list``, served only by a server started with ``search=True`` (100 units a call).

The warehouse never calls it; the quota benchmark's naive connector does, to measure what
searching instead of listing costs. Videos only (``type`` without ``video`` finds nothing):
public videos, filtered by ``channelId``, ``q`` (every word in the title, description or tags),
``publishedAfter``/``publishedBefore`` and ``videoCategoryId``, in ``order`` (``date`` newest
first; ``viewCount``/``rating`` most viewed first; ``title``; ``relevance``, the default, is
emulated as ``date``). At most ``SEARCH_RESULT_LIMIT`` results are reachable by paging, whatever
``totalResults`` says.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from emulator.api.errors import invalid_order, invalid_search_filter
from emulator.api.paging import paged
from emulator.api.render import render_search_result, with_etag
from emulator.api.request import Call
from emulator.entities import Video

# search.list never returns more than this many results for one query, whatever totalResults
# says (the real API's documented behaviour: page tokens stop after about 500 results).
SEARCH_RESULT_LIMIT = 500
SEARCH_ORDERS = ("date", "rating", "relevance", "title", "videoCount", "viewCount")
# The parameters that define a search (a page token is only valid for the same ones).
SEARCH_SCOPE = frozenset(
    {"channelId", "q", "type", "order", "publishedAfter", "publishedBefore", "videoCategoryId"}
)


def _search_time(params: dict[str, str], name: str) -> datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise invalid_search_filter(name, raw) from None


def list_search(call: Call) -> dict[str, Any]:
    world, params = call.world, call.params
    order = params.get("order") or "relevance"
    if order not in SEARCH_ORDERS:
        raise invalid_order(order)
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
    rows, page = paged(call, reachable, scope, 0)
    body: dict[str, Any] = {"kind": "youtube#searchListResponse", "etag": ""}
    if page.next_token:
        body["nextPageToken"] = page.next_token
    if page.prev_token:
        body["prevPageToken"] = page.prev_token
    body["regionCode"] = (params.get("regionCode") or "US").upper()
    body["pageInfo"] = {"totalResults": len(found), "resultsPerPage": page.size}
    body["items"] = [render_search_result(world, v, call.parts) for v in rows]
    return with_etag(body)
