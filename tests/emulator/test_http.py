"""The emulator on the wire (plain httplib2): keys, 304s, Date, raw error bodies, admin routes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from emulator import EmulatorServer, World

from .conftest import API_KEY, FROZEN_AT, raw_get, raw_json


def _url(server: EmulatorServer, resource: str, query: str) -> str:
    return f"{server.url}/youtube/v3/{resource}?{query}"


def test_missing_key_body(shared_server: EmulatorServer) -> None:
    response, content = raw_get(_url(shared_server, "videos", "part=id&id=AAAAAAAAAAA"))
    assert response.status == 403
    assert response["content-type"] == "application/json; charset=UTF-8"
    assert json.loads(content) == {
        "error": {
            "code": 403,
            "message": "The request is missing a valid API key.",
            "errors": [
                {
                    "message": "The request is missing a valid API key.",
                    "domain": "global",
                    "reason": "forbidden",
                }
            ],
            "status": "PERMISSION_DENIED",
        }
    }


def test_invalid_key_body_matches_the_recorded_one(
    new_server: Callable[..., EmulatorServer],
) -> None:
    server = new_server(api_key="right")
    response, content = raw_get(_url(server, "i18nRegions", "part=snippet&key=wrong"))
    assert response.status == 400
    assert json.loads(content) == {
        "error": {
            "code": 400,
            "message": "API key not valid. Please pass a valid API key.",
            "errors": [
                {
                    "message": "API key not valid. Please pass a valid API key.",
                    "domain": "global",
                    "reason": "badRequest",
                }
            ],
            "status": "INVALID_ARGUMENT",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                    "metadata": {"service": "youtube.googleapis.com"},
                }
            ],
        }
    }
    assert server.quota()["total"] == 0


def test_if_none_match_gives_304_and_costs_a_unit(
    world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server()
    url = _url(server, "channels", f"part=statistics&id={world.tracked_channel_ids[0]}&key=k")
    response, content = raw_get(url)
    etag = json.loads(content)["etag"]
    assert response.status == 200 and len(etag) == 27
    not_modified, body = raw_get(url, {"If-None-Match": etag})
    assert not_modified.status == 304 and body == b""
    quoted, _ = raw_get(url, {"If-None-Match": f'"{etag}"'})
    assert quoted.status == 304
    other, _ = raw_get(url, {"If-None-Match": "something-else"})
    assert other.status == 200
    assert server.quota()["by_method"] == {"youtube.channels.list": 4}
    server.clock.advance(hours=1)  # the statistics moved, so the etag did too
    moved, _ = raw_get(url, {"If-None-Match": etag})
    assert moved.status == 200


def test_304_cost_is_configurable(world: World, new_server: Callable[..., EmulatorServer]) -> None:
    server = new_server(not_modified_cost=0)
    url = _url(server, "videoCategories", "part=snippet&regionCode=US&key=k")
    etag = json.loads(raw_get(url)[1])["etag"]
    assert raw_get(url, {"If-None-Match": etag})[0].status == 304
    assert server.quota()["total"] == 1


def test_date_header_is_the_clock_and_statistics_can_be_recomputed(
    world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server()
    server.clock.advance(minutes=17, seconds=3)
    video_id = world.uploads(world.tracked_channel_ids[1]).items[4].video_id
    response, content = raw_get(_url(server, "videos", f"part=statistics&id={video_id}&key=k"))
    served_at = parsedate_to_datetime(response["date"])
    assert served_at == FROZEN_AT + timedelta(minutes=17, seconds=3) == server.clock.now()
    served = json.loads(content)["items"][0]["statistics"]
    expected = world.video_statistics(video_id, served_at)
    assert served == {k: str(v) for k, v in expected.items() if v is not None}


def test_running_clock_date_header(world: World, new_server: Callable[..., EmulatorServer]) -> None:
    from emulator import Clock

    server = new_server(clock=Clock(not_before=world.as_of))
    response, _ = raw_get(_url(server, "i18nRegions", "part=snippet&key=k"))
    served_at = parsedate_to_datetime(response["date"])
    assert abs(served_at - max(datetime.now(UTC), world.as_of)) < timedelta(seconds=5)


def test_wire_details(shared_server: EmulatorServer) -> None:
    response, content = raw_get(_url(shared_server, "i18nRegions", f"part=snippet&key={API_KEY}"))
    assert response.status == 200
    assert content.startswith(b'{\n  "kind"')  # pretty-printed like the real API
    compact = raw_get(_url(shared_server, "i18nRegions", "part=snippet&key=k&prettyPrint=false"))
    assert compact[1].startswith(b'{"kind":"youtube#i18nRegionListResponse"')
    assert json.loads(compact[1]) == json.loads(content)


def test_request_validation_errors(world: World, shared_server: EmulatorServer) -> None:
    channel_id = world.tracked_channel_ids[0]
    cases = {
        f"part=id&channelId={channel_id}&maxResults=51&key=k": (400, "invalid"),
        f"part=id&channelId={channel_id}&maxResults=abc&key=k": (400, "invalid"),
        f"channelId={channel_id}&key=k": (400, "required"),
        f"part=id&channelId={channel_id}&maxResult=5&key=k": (400, "badRequest"),
        "part=id&key=k": (400, "missingRequiredParameter"),
    }
    for query, (status, reason) in cases.items():
        response, content = raw_get(_url(shared_server, "playlists", query))
        body = json.loads(content)
        assert response.status == status, query
        assert body["error"]["errors"][0]["reason"] == reason, query
        assert body["error"]["code"] == status
    zero = json.loads(
        raw_get(
            _url(shared_server, "playlists", f"part=id&channelId={channel_id}&maxResults=0&key=k")
        )[1]
    )
    assert zero["items"] == [] and "nextPageToken" not in zero
    assert zero["pageInfo"]["totalResults"] == len(world.playlists_of(channel_id))


def test_unknown_paths_are_404_with_a_google_body(shared_server: EmulatorServer) -> None:
    for path in ("/youtube/v3/search?part=snippet&key=k", "/youtube/v3/nope?key=k", "/other"):
        response, content = raw_get(shared_server.url + path)
        assert response.status == 404, path
        body = json.loads(content)
        assert body["error"]["code"] == 404
        assert body["error"]["errors"][0]["reason"] == "notFound"


def test_admin_endpoints(world: World, new_server: Callable[..., EmulatorServer]) -> None:
    server = new_server()
    response, summary = raw_json(server.url + "/emulator/world")
    assert response.status == 200
    assert summary["tracked_channel_ids"] == world.tracked_channel_ids
    assert summary["region_codes"] == world.region_codes
    raw_get(_url(server, "i18nRegions", "part=snippet&key=k"))
    assert raw_json(server.url + "/emulator/quota")[1] == {
        "total": 1,
        "by_method": {"youtube.i18nRegions.list": 1},
        "daily_limit": None,
        "pacific_day": "2026-11-02",
        "units_today": 1,
        "refused": 0,
        "buckets": {
            "default": {"units_today": 1, "daily_limit": None, "total": 1, "refused": 0},
            "search": {"units_today": 0, "daily_limit": None, "total": 0, "refused": 0},
            "stats": {"units_today": 0, "daily_limit": 10_000, "total": 0, "refused": 0},
        },
    }
    assert raw_json(server.url + "/emulator/quota/reset", "POST", {})[1]["total"] == 0
    assert server.quota()["total"] == 0
    assert raw_json(server.url + "/emulator/clock")[1] == {
        "now": "2026-11-02T12:00:00Z",
        "frozen": True,
    }
    moved = raw_json(server.url + "/emulator/clock", "POST", {"advance_hours": 2})[1]
    assert moved["now"] == "2026-11-02T14:00:00Z"
    assert server.clock.now() == FROZEN_AT + timedelta(hours=2)
    jumped = raw_json(server.url + "/emulator/clock", "POST", {"set": "2027-01-01T00:00:00Z"})[1]
    assert jumped["now"] == "2027-01-01T00:00:00Z"
    bad, error = raw_json(server.url + "/emulator/clock", "POST", {"rewind": 1})
    assert bad.status == 400 and "advance_hours" in error["error"]
    assert raw_json(server.url + "/emulator/nothing")[0].status == 404
    assert server.quota()["total"] == 0
