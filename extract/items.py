"""Reading API items defensively: an item may lack any part, hold the wrong kind or not be an
object at all (it is stored raw as sent either way); ids are read through dicts only, never
paired by position.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_VIDEO_KIND = "youtube#video"


def objects(items: Iterable[Any]) -> list[dict[str, Any]]:
    """Items that are JSON objects; anything else is kept raw but never looked into."""
    return [item for item in items if isinstance(item, dict)]


def value_at(value: Any, *path: str) -> Any:
    """``value[path[0]][path[1]]...`` through dicts only; None when any step is missing."""
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def video_id_to_ask(item: dict[str, Any]) -> str | None:
    """The video a playlist item points at, if videos.list can return it.

    Items of another kind (a channel), deleted and private placeholders (no
    ``videoPublishedAt``, privacy private/unspecified) and items without a video id are
    skipped: asking for them would only fill batches.
    """
    kind = value_at(item, "snippet", "resourceId", "kind")
    if kind is not None and kind != _VIDEO_KIND:
        return None
    details = item.get("contentDetails")
    video_id = value_at(details, "videoId") or value_at(item, "snippet", "resourceId", "videoId")
    if not isinstance(video_id, str) or not video_id:
        return None
    if isinstance(details, dict) and not details.get("videoPublishedAt"):
        return None
    if value_at(item, "status", "privacyStatus") in ("private", "privacyStatusUnspecified"):
        return None
    return video_id
