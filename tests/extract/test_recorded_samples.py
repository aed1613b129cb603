"""The extractor on real recorded API responses (tests/fixtures/youtube_api_samples).

A stub endpoint serves the recorded bodies to the real Google client, and the run's own
paging loop (``extract.pagination.Pager``: ETag reuse, the page guard, landing) reads them,
so paging, landing and error handling run exactly as against the live API.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from extract import resources
from extract.client import YouTubeClient
from extract.errors import ApiError, FatalApiError, RunawayListing
from extract.load import RawStore
from extract.pagination import Pager
from extract.settings import Settings
from tests.conftest import SAMPLES, query

SNS = SAMPLES / "sns-sdks__python-youtube" / "testdata" / "apidata"
HA = SAMPLES / "home-assistant__core" / "tests" / "components" / "youtube" / "fixtures"
JOOSTLEK = SAMPLES / "joostlek__python-youtube" / "tests" / "fixtures"
MOPIDY = SAMPLES / "natumbri__mopidy-youtube" / "_extracted"


class StubApi:
    """Serves recorded bodies: routes map (resource, pageToken) to (status, file). A request
    whose If-None-Match is the body's own ETag is answered 304, as YouTube does."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], tuple[int, Path]] = {}
        self.requests: list[str] = []
        self.not_modified = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                url = urlparse(self.path)
                resource = url.path.rsplit("/", 1)[-1]
                token = parse_qs(url.query).get("pageToken", [""])[0]
                stub.requests.append(self.path)
                status, path = stub.routes[(resource, token)]
                body = path.read_bytes()
                etag = json.loads(body).get("etag")
                if etag and self.headers.get("If-None-Match", "").strip('"') == etag.strip('"'):
                    status, body = 304, b""
                    stub.not_modified += 1
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Date", "Tue, 14 Jun 2022 10:00:00 GMT")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def stub() -> Iterator[StubApi]:
    api = StubApi()
    yield api
    api.server.shutdown()


def client_for(stub: StubApi) -> YouTubeClient:
    settings = Settings(api_key="AIzaSecretTestKey", api_url=stub.url, channel_ids=[], regions=[])
    return YouTubeClient(settings)


def land(stub: StubApi, warehouse, resource, params, run_id: str = "recorded") -> int:
    """Read one listing through the run's paging loop; the number of items it holds."""
    return len(read(stub, warehouse, resource, params, run_id)[0])


def read(stub: StubApi, warehouse, resource, params, run_id: str) -> tuple[list, Pager]:
    store = RawStore(warehouse)
    store.ensure_schema()
    store.start_run(run_id, datetime.now(UTC), {})
    try:
        pager = Pager(client_for(stub), store, run_id)
        return pager.listing(resource, params, "recorded"), pager
    finally:
        store.close()


def items_of(*paths: Path) -> list[dict]:
    return [item for p in paths for item in json.loads(p.read_text()).get("items", [])]


def test_paged_playlists_2019_format_land_complete_and_unmodified(stub, warehouse) -> None:
    page1, page2 = (
        SNS / "playlists" / "playlists_paged_1.json",
        SNS / "playlists" / "playlists_paged_2.json",
    )
    stub.routes[("playlists", "")] = (200, page1)
    stub.routes[("playlists", json.loads(page1.read_text())["nextPageToken"])] = (200, page2)

    landed = land(stub, warehouse, resources.PLAYLISTS, {"channelId": "UCx"})

    expected = items_of(page1, page2)
    assert landed == len(expected) == 20
    rows = query(warehouse, "select item from raw_youtube.playlists order by item_index")
    assert [r[0] for r in rows] == expected
    assert "pageToken=CAoQAA" in stub.requests[1]


def test_recorded_pages_not_modified_reuse_the_items_landed_with_their_etag(
    stub, warehouse
) -> None:
    page1, page2 = (
        SNS / "playlists" / "playlists_paged_1.json",
        SNS / "playlists" / "playlists_paged_2.json",
    )
    stub.routes[("playlists", "")] = (200, page1)
    stub.routes[("playlists", json.loads(page1.read_text())["nextPageToken"])] = (200, page2)
    first, _ = read(stub, warehouse, resources.PLAYLISTS, {"channelId": "UCx"}, "r1")

    again, pager = read(stub, warehouse, resources.PLAYLISTS, {"channelId": "UCx"}, "r2")

    assert again == first == items_of(page1, page2)  # read back from r1's landing
    assert stub.not_modified == pager.pages_not_modified == 2
    assert query(
        warehouse,
        """select run_id, page_token, not_modified, item_count from raw_youtube.pages
           order by run_id, page_token""",
    ) == [
        ("r1", "", False, 10),
        ("r1", "CAoQAA", False, 10),
        ("r2", "", True, 0),
        ("r2", "CAoQAA", True, 0),
    ]
    assert query(warehouse, "select count(*) from raw_youtube.playlists") == [(20,)]


def test_recorded_listing_that_repeats_its_page_token_is_stopped(stub, warehouse) -> None:
    page1 = SNS / "playlists" / "playlists_paged_1.json"
    stub.routes[("playlists", "")] = (200, page1)
    stub.routes[("playlists", json.loads(page1.read_text())["nextPageToken"])] = (200, page1)

    with pytest.raises(RunawayListing, match="already given after 2 pages"):
        land(stub, warehouse, resources.PLAYLISTS, {"channelId": "UCx"})

    assert len(stub.requests) == 2  # the repeated token is never asked for
    assert query(warehouse, "select count(*) from raw_youtube.pages") == [(2,)]


def test_new_format_playlist_items_and_channel(stub, warehouse) -> None:
    stub.routes[("playlistItems", "")] = (200, HA / "get_no_playlist_items.json")
    stub.routes[("channels", "")] = (200, HA / "get_channel.json")
    assert land(stub, warehouse, resources.PLAYLIST_ITEMS, {"playlistId": "UUx"}) == 0
    assert land(stub, warehouse, resources.CHANNELS, {"id": "UC_x5XG1OV2P6uZZ5FSM9Ttw"}) == 1
    (item,) = query(warehouse, "select item from raw_youtube.channels")[0]
    assert item["contentDetails"]["relatedPlaylists"]["uploads"] == "UU_x5XG1OV2P6uZZ5FSM9Ttw"
    # the empty page is still recorded: we know the playlist was crawled and was empty
    assert query(
        warehouse, "select item_count from raw_youtube.pages where resource = 'playlist_items'"
    ) == [(0,)]


def test_recorded_videos_keep_string_counts(stub, warehouse) -> None:
    stub.routes[("videos", "")] = (200, JOOSTLEK / "video_response_1.json")
    landed = land(stub, warehouse, resources.VIDEOS, {"id": "a,b"})
    assert landed == len(items_of(JOOSTLEK / "video_response_1.json"))
    counts = query(warehouse, "select item->'statistics'->'viewCount' from raw_youtube.videos")
    assert all(isinstance(c[0], str) for c in counts)


@pytest.mark.parametrize(
    ("path", "reason", "advice"),
    [
        (MOPIDY / "api_search__09__videos.json", "API_KEY_INVALID", "YOUTUBE_API_KEY"),
        (JOOSTLEK / "youtube_not_activated.json", "accessNotConfigured", "enable it"),
    ],
)
def test_recorded_key_errors_are_fatal_actionable_and_redacted(stub, path, reason, advice) -> None:
    status = json.loads(path.read_text())["error"]["code"]
    stub.routes[("videos", "")] = (status, path)
    client = client_for(stub)

    with pytest.raises(FatalApiError) as caught:
        client.list(resources.VIDEOS, {"id": "x"}, "videos.list")

    assert caught.value.reason == reason
    assert advice in str(caught.value)
    assert "AIzaSecretTestKey" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_recorded_non_fatal_error_keeps_reason(stub) -> None:
    path = SNS / "error_permission_resp.json"
    status = json.loads(path.read_text())["error"]["code"]
    stub.routes[("channels", "")] = (status, path)
    with pytest.raises(ApiError) as caught:
        client_for(stub).list(resources.CHANNELS, {"id": "x"}, "channels.list")
    assert caught.value.status == status
    assert "AIzaSecretTestKey" not in str(caught.value)
