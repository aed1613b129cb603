"""The naive extraction some connectors do, for the quota benchmark to measure against.

Against the same emulator and for the same channels, regions and data as ``extract/``:

- videos are discovered with ``search.list`` (``channelId``, ``type=video``, ``order=date``,
  50 per page, 100 units a page) instead of the channel's uploads playlist;
- ``videos.list`` is called with one id at a time (1 unit per video, instead of 50 ids a
  call); ``channels.list`` too;
- nothing is conditional (no ETags) and nothing is skipped because it is fresh.

Like ``extract/``, a ``full`` run also crawls every playlist of the channels (their videos
are asked about too) and the reference data, and a ``stats`` run (the hourly refresh) asks
about the videos it knew from its last run plus what discovery finds. Charts are fetched the
same way as ``extract/`` (there is no cheaper or dearer way). It writes nothing: the units
are what the emulator charged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httplib2
from googleapiclient.discovery import build

PAGE = 50
VIDEO_PARTS = "snippet,contentDetails,statistics,status"


@dataclass
class NaiveConnector:
    """One naive connector's state: the video ids its last run asked about."""

    api_url: str
    api_key: str
    channel_ids: list[str]
    regions: list[str]
    known_ids: set[str] = field(default_factory=set)
    calls: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.youtube = build(
            "youtube",
            "v3",
            developerKey=self.api_key,
            static_discovery=True,
            client_options={"api_endpoint": self.api_url},
            http=httplib2.Http(timeout=60),
        )

    def _call(self, method: str, **params: Any) -> dict[str, Any]:
        self.calls[method] = self.calls.get(method, 0) + 1
        return getattr(self.youtube, method)().list(**params).execute()

    def _paged(self, method: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        token = None
        while True:
            body = self._call(method, maxResults=PAGE, pageToken=token, **params)
            items.extend(body.get("items", []))
            token = body.get("nextPageToken")
            if not token:
                return items

    def run(self, mode: str = "full") -> dict[str, int]:
        """One run; returns the calls made per method."""
        self.calls = {}
        ids: set[str] = set()
        for channel_id in self.channel_ids:
            self._call("channels", part="snippet,contentDetails,statistics", id=channel_id)
            found = self._paged(
                "search", part="id", channelId=channel_id, type="video", order="date"
            )
            ids.update(item["id"]["videoId"] for item in found)
        if mode == "full":
            self._call("i18nRegions", part="snippet")
            for region in self.regions:
                self._call("videoCategories", part="snippet", regionCode=region)
            for channel_id in self.channel_ids:
                playlists = self._paged("playlists", part="snippet", channelId=channel_id)
                for playlist in playlists:
                    entries = self._paged(
                        "playlistItems", part="snippet,contentDetails", playlistId=playlist["id"]
                    )
                    ids.update(
                        entry["contentDetails"]["videoId"]
                        for entry in entries
                        if entry.get("contentDetails", {}).get("videoPublishedAt")
                    )
        else:
            ids |= self.known_ids
        returned = set()
        for video_id in sorted(ids):
            body = self._call("videos", part=VIDEO_PARTS, id=video_id)
            returned.update(item["id"] for item in body.get("items", []))
        for region in self.regions:
            self._paged(
                "videos", part=VIDEO_PARTS, chart="mostPopular", regionCode=region
            )  # the chart, like extract/
        self.known_ids = ids
        return dict(self.calls)
