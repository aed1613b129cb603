"""What the refresh planner knows of each video, folded from the items the API returned.

One :class:`VideoState` per video (``raw_youtube.video_refresh_state``): its publish time,
whether it was available when last asked for, its last two statistics captures, when it was
last in a chart, when its metadata was last read. Every raw row is an event applied with
:func:`apply_item` or :func:`apply_missing`; applying is idempotent and does not depend on the
order of the events (the latest two capture times, the latest availability check, the
latest chart, the earliest publish time), so the state kept up to date run by run equals the
state rebuilt from every raw row at once (``refresh_store.rebuild``).

Which items are what:

- ``videos`` (videos.list): a statistics capture (when it has ``statistics``), the metadata
  (when it has ``snippet``), available;
- ``video_batch_stats`` (videos.batchGetStats): a statistics capture, available;
- ``most_popular_videos`` (the charts): charted then, the metadata, available; not a
  capture for the planner (chart captures come at chart times, not the planner's);
- an id asked for (videos.list, batchGetStats) and not returned: unavailable then.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields
from datetime import datetime
from typing import Any

from extract.resources import MOST_POPULAR, VIDEO_BATCH_STATS, VIDEOS, api_count

# The raw tables whose rows say something about a video's state.
STATE_RESOURCES = (VIDEOS, VIDEO_BATCH_STATS, MOST_POPULAR)
_KINDS = (None, "youtube#video", "youtube#videoStats")


@dataclass(slots=True)
class VideoState:
    """A row of ``raw_youtube.video_refresh_state`` (``updated_at`` is the database's)."""

    video_id: str
    published_at: datetime | None = None
    is_available: bool | None = None
    availability_checked_at: datetime | None = None
    last_captured_at: datetime | None = None
    last_view_count: int | None = None
    previous_captured_at: datetime | None = None
    previous_view_count: int | None = None
    last_charted_at: datetime | None = None
    metadata_captured_at: datetime | None = None

    def as_tuple(self) -> tuple[Any, ...]:
        return astuple(self)


COLUMNS = tuple(f.name for f in fields(VideoState))


def parse_time(value: Any) -> datetime | None:
    """An RFC 3339 time from an item (``2026-03-11T20:23:04Z``), None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None or (b is not None and b > a) else a


def _capture(state: VideoState, at: datetime, views: int | None) -> None:
    """Keep the two latest distinct capture times (at one time, the larger count)."""
    captures = {at: views}
    for time, count in (
        (state.last_captured_at, state.last_view_count),
        (state.previous_captured_at, state.previous_view_count),
    ):
        if time is not None:
            captures[time] = _max_count(captures.get(time), count) if time in captures else count
    latest = sorted(captures, reverse=True)[:2]
    state.last_captured_at, state.last_view_count = latest[0], captures[latest[0]]
    if len(latest) > 1:
        state.previous_captured_at, state.previous_view_count = latest[1], captures[latest[1]]


def _max_count(a: int | None, b: int | None) -> int | None:
    return b if a is None or (b is not None and b > a) else a


def _checked(state: VideoState, at: datetime, available: bool) -> None:
    """The latest availability check wins (at one time, available wins)."""
    current = state.availability_checked_at
    if current is None or at > current:
        state.availability_checked_at, state.is_available = at, available
    elif at == current and available:
        state.is_available = True


def state_of(states: dict[str, VideoState], video_id: str) -> VideoState:
    state = states.get(video_id)
    if state is None:
        state = states[video_id] = VideoState(video_id)
    return state


def apply_item(states: dict[str, VideoState], resource: str, item: Any, at: datetime) -> None:
    """One raw row of ``resource`` (captured at ``at``) applied to the states."""
    if not isinstance(item, dict) or item.get("kind") not in _KINDS:
        return
    video_id = item.get("id")
    if not isinstance(video_id, str) or not video_id:
        return
    state = state_of(states, video_id)
    _checked(state, at, True)
    snippet = item.get("snippet")
    if isinstance(snippet, dict):
        published = parse_time(snippet.get("publishedAt") or snippet.get("publishTime"))
        if published is not None:
            current = state.published_at
            state.published_at = published if current is None or published < current else current
        if resource != VIDEO_BATCH_STATS.name:
            state.metadata_captured_at = _later(state.metadata_captured_at, at)
    if resource == MOST_POPULAR.name:
        state.last_charted_at = _later(state.last_charted_at, at)
        return
    statistics = item.get("statistics")
    if isinstance(statistics, dict):
        _capture(state, at, api_count(statistics.get("viewCount")))


def apply_missing(states: dict[str, VideoState], video_id: str, at: datetime) -> None:
    """An id asked for at ``at`` that the answer left out: unavailable then."""
    _checked(state_of(states, video_id), at, False)
