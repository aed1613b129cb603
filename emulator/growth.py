"""The growth model: a video's views, likes and comments and a channel's totals at an instant.

Pure functions of (video or channel, instant truncated to the second): a test can recompute
exactly what the server answered at a captured ``Date``. Views follow a saturating curve plus a
steady trickle, ``views(h) = ceiling * (1 - exp(-h / growth_hours)) + views_per_hour * h`` for
``h`` hours since upload (zero before it); likes and comments are fixed ratios of views;
subscribers grow with the channel's views and are rounded down to three significant figures, as
the real API shows them. The parameters' distributions are drawn at generation
(``generation._Generator._growth``, by ``WorldSpec.growth``: ``classic`` or ``fast``, the
large worlds' most-views-in-the-first-days model). ``video_statistics`` is the ground truth a
benchmark compares against (``World.true_statistics``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from emulator.clock import utc_second
from emulator.entities import Channel, Video


def round_down_3sf(value: int) -> int:
    """Subscriber counts are rounded down to three significant figures, like the real API."""
    if value < 1000:
        return value
    scale = 10 ** (len(str(value)) - 3)
    return value // scale * scale


def video_views(video: Video, at: datetime) -> int:
    seconds = int((utc_second(at) - video.published_at).total_seconds())
    if seconds <= 0:
        return 0
    hours = seconds / 3600
    saturating = video.views_ceiling * (1.0 - math.exp(-hours / video.growth_hours))
    return int(saturating + video.views_per_hour * hours)


def video_statistics(video: Video, at: datetime) -> dict[str, int | None]:
    """Counts at ``at`` (truncated to the second); ``None`` where the API omits the key."""
    views = video_views(video, at)
    return {
        "viewCount": views,
        "likeCount": None if video.likes_hidden else int(views * video.like_ratio),
        "favoriteCount": 0,
        "commentCount": None if video.comments_disabled else int(views * video.comment_ratio),
    }


def channel_statistics(channel: Channel, public: Iterable[Video], at: datetime) -> dict[str, Any]:
    """Totals over the channel's ``public`` videos at ``at``; ``subscriberCount`` is ``None``
    when the channel hides it."""
    public = list(public)
    views = sum(video_views(v, at) for v in public)
    subscribers = round_down_3sf(
        channel.base_subscribers + int(views * channel.subscribers_per_view)
    )
    return {
        "viewCount": views,
        "subscriberCount": None if channel.hidden_subscriber_count else subscribers,
        "hiddenSubscriberCount": channel.hidden_subscriber_count,
        "videoCount": len(public),
    }
