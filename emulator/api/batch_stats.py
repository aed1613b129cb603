"""``videos.batchGetStats`` (revision 2026-06-03): statistics of up to 50 videos for 1 unit,
charged to its own quota bucket (``quota.STATS_BUCKET``).

The shape is the discovery document's (``BatchGetStatsResponse``, ``VideoStat``,
``VideoStatsSnippet``, ``VideoStatsStatistics``, ``VideoStatsContentDetails``)::

    {"kind": "youtube#batchGetStatsResponse", "etag": ...,
     "items": [{"kind": "youtube#videoStats", "etag": ..., "id": ...,
                "snippet": {"publishTime": "2026-10-30T14:02:11Z"},
                "statistics": {"viewCount": "123", "likeCount": "4", "commentCount": "1"},
                "contentDetails": {"duration": "253s"}}]}

``id`` and ``part`` are repeated parameters (the Google client sends ``id=a&id=b``); comma
lists work too. Parts: ``id``, ``snippet``, ``statistics``, ``contentDetails`` (``id``, ``kind``
and ``etag`` are always there). Unknown, deleted and private ids are silently left out, in
the order asked; more than 50 distinct ids is videos.list's 400 ``invalidFilters``. No paging,
no ``pageInfo``. The counts are exactly what ``videos.list`` serves at the same second (the
world's ``video_statistics``, mutations included): int64 as strings, a key absent when the
count is hidden (likes) or disabled (comments). ``publishTime`` is a ``google-datetime`` and
``duration`` a ``google-duration`` (protobuf JSON: whole seconds and ``s``), as the discovery
document types them (``videos.list`` says ``PT4M13S``; this method ``253s``).
"""

from __future__ import annotations

from typing import Any

from emulator.api.errors import required
from emulator.api.render import stats_counts, video_stat_time, with_etag
from emulator.api.request import Call, ids
from emulator.entities import Video


def duration_seconds(iso: str) -> int:
    """``P1DT2H3M4S`` -> 93784: the seconds of a YouTube ISO-8601 duration."""
    total, number = 0, ""
    units = {"D": 86400, "H": 3600, "M": 60, "S": 1}
    for char in iso:
        if char.isdigit():
            number += char
        elif char in units and number:
            total += int(number) * units[char]
            number = ""
    return total


def render_video_stat(call: Call, video: Video) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": "youtube#videoStats", "etag": "", "id": video.video_id}
    parts = call.parts - call.world.dropped_parts(video.video_id)
    if "snippet" in parts:
        item["snippet"] = {"publishTime": video_stat_time(video.published_at)}
    if "statistics" in parts:
        counts = stats_counts(call.world.video_statistics(video.video_id, call.now))
        item["statistics"] = {
            key: counts[key] for key in ("viewCount", "likeCount", "commentCount") if key in counts
        }
    if "contentDetails" in parts:
        item["contentDetails"] = {"duration": f"{duration_seconds(video.duration)}s"}
    return with_etag(item)


def batch_get_stats(call: Call) -> dict[str, Any]:
    world = call.world
    raw = call.params.get("id", "")
    if not raw.strip():
        raise required("id")
    found = [world.videos[i] for i in ids(raw) if i in world.videos and world.videos[i].is_public]
    body: dict[str, Any] = {"kind": "youtube#batchGetStatsResponse", "etag": ""}
    body["items"] = [render_video_stat(call, video) for video in found]
    return with_etag(body)
