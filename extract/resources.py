"""One declarative spec per API endpoint: method, parts, paging, raw table, unit cost.

The raw table names are the contract between ``extract`` (which writes them) and dbt's
sources (which read them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extract.quota import bucket_of

MAX_PAGE_SIZE = 50  # the API's ceiling for maxResults and for ids per videos.list call
# Units a 304 Not Modified costs. Google does not document it (sources disagree); like the
# emulator's default (``not_modified_cost=1``) we assume it costs what the call costs, so
# ETags save transfer and storage for sure, and quota only if Google does not charge 304s.
NOT_MODIFIED_COST = 1


@dataclass(frozen=True)
class Resource:
    name: str  # what we call it in logs and in raw_youtube.pages.resource
    method: str  # the API collection: service.<method>().list(...)
    table: str  # raw_youtube.<table>
    parts: tuple[str, ...]
    paged: bool
    cost: int = 1  # quota units per call (every page costs again)
    # Request parameters kept on every raw row: the ones that say what was asked for.
    key_params: tuple[str, ...] = ()
    # Conditional requests (If-None-Match with the page's last ETag) are worth sending: the
    # content rarely changes between hourly runs. Not for anything with statistics or ranks.
    conditional: bool = False
    # The collection's method called: service.<method>().<call>(...).
    call: str = "list"

    @property
    def quota_method(self) -> str:
        return f"youtube.{self.api_method}"

    @property
    def api_method(self) -> str:
        """The method as the quota ledger names it: ``videos.list``, ``videos.batchGetStats``."""
        return f"{self.method}.{self.call}"

    @property
    def bucket(self) -> str:
        """The quota bucket this method charges (``quota.METHOD_BUCKETS``)."""
        return bucket_of(self.api_method)


CHANNELS = Resource(
    name="channels",
    method="channels",
    table="channels",
    parts=("snippet", "contentDetails", "statistics", "status"),
    paged=False,
)
PLAYLISTS = Resource(
    name="playlists",
    method="playlists",
    table="playlists",
    parts=("snippet", "contentDetails", "status"),
    paged=True,
    key_params=("channelId",),
    conditional=True,
)
PLAYLIST_ITEMS = Resource(
    name="playlist_items",
    method="playlistItems",
    table="playlist_items",
    parts=("snippet", "contentDetails", "status"),
    paged=True,
    key_params=("playlistId",),
    conditional=True,
)
VIDEOS = Resource(
    name="videos",
    method="videos",
    table="videos",
    parts=("snippet", "statistics", "contentDetails", "status"),
    paged=False,
)
MOST_POPULAR = Resource(
    name="most_popular_videos",
    method="videos",
    table="most_popular_videos",
    parts=("snippet", "statistics", "contentDetails", "status"),
    paged=True,
    key_params=("chart", "regionCode", "videoCategoryId"),
)
# Statistics of up to 50 videos a call, from the stats quota bucket (revision 2026-06-03).
VIDEO_BATCH_STATS = Resource(
    name="video_batch_stats",
    method="videos",
    table="video_batch_stats",
    parts=("id", "snippet", "statistics", "contentDetails"),
    paged=False,
    call="batchGetStats",
)
VIDEO_CATEGORIES = Resource(
    name="video_categories",
    method="videoCategories",
    table="video_categories",
    parts=("snippet",),
    paged=False,
    key_params=("regionCode",),
)
I18N_REGIONS = Resource(
    name="i18n_regions",
    method="i18nRegions",
    table="i18n_regions",
    parts=("snippet",),
    paged=False,
)

ALL: tuple[Resource, ...] = (
    CHANNELS,
    PLAYLISTS,
    PLAYLIST_ITEMS,
    VIDEOS,
    MOST_POPULAR,
    VIDEO_CATEGORIES,
    I18N_REGIONS,
    VIDEO_BATCH_STATS,
)

BY_NAME: dict[str, Resource] = {resource.name: resource for resource in ALL}


BIGINT_MAX = 2**63 - 1


def api_count(value: Any) -> int | None:
    """A count the API sends as a uint64 string (``"3000000000"``), as an int that fits a
    bigint column; None when absent or not a count: never a crash, never a made-up 0."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= BIGINT_MAX else None
