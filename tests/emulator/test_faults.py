"""Fault injection and the daily quota: plain HTTP (urllib) and the real Google client."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest
from googleapiclient.errors import HttpError

from emulator import EmulatorServer, Fault, FaultPlan, World

from .conftest import admin, error_reason, fetch_all, make_client

QUOTA_MESSAGE = (
    'The request cannot be completed because you have exceeded your <a href="/youtube/v3/'
    'getting-started#quota">quota</a>.'
)


def _get(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """A plain urllib GET: (status, headers, body), error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _regions(server: EmulatorServer, extra: str = "") -> str:
    return f"{server.url}/youtube/v3/i18nRegions?part=snippet&key=k{extra}"


def _chart(server: EmulatorServer, region: str) -> str:
    return f"{server.url}/youtube/v3/videos?part=id&chart=mostPopular&regionCode={region}&key=k"


# ------------------------------------------------------------------------------- error bodies

# reason -> (status, domain, message, top-level "status", units charged)
ERROR_CASES: dict[str, tuple[int, str, str, str | None, int]] = {
    "backendError": (500, "global", "Backend Error", None, 1),
    "rateLimitExceeded": (403, "usageLimits", "Rate Limit Exceeded", None, 1),
    "userRateLimitExceeded": (403, "usageLimits", "User Rate Limit Exceeded", None, 1),
    "quotaExceeded": (403, "youtube.quota", QUOTA_MESSAGE, None, 0),
    "playlistNotFound": (
        404,
        "youtube.playlistItem",
        "The playlist identified with the request's <code>playlistId</code> parameter "
        "cannot be found.",
        None,
        1,
    ),
    "channelNotFound": (
        404,
        "youtube.playlist",
        "The channel specified in the <code>channelId</code> parameter cannot be found.",
        None,
        1,
    ),
    "videoChartNotFound": (
        400,
        "youtube.video",
        "The requested video chart is not supported or is not available.",
        None,
        1,
    ),
    "invalidPageToken": (
        400,
        "youtube.parameter",
        "The request specifies an invalid page token.",
        None,
        1,
    ),
    "keyInvalid": (400, "usageLimits", "Bad Request", None, 0),
}


@pytest.mark.parametrize("reason", sorted(ERROR_CASES))
def test_error_faults_answer_googles_body_over_plain_http(
    small_world: World, new_server: Callable[..., EmulatorServer], reason: str
) -> None:
    status, domain, message, top_status, cost = ERROR_CASES[reason]
    server = new_server(world=small_world, faults=[Fault(kind="error", reason=reason)])
    code, headers, body = _get(_regions(server))
    assert code == status
    assert headers["Content-Type"] == "application/json; charset=UTF-8"
    error = json.loads(body)["error"]
    assert (error["code"], error["message"]) == (status, message)
    assert {
        k: v for k, v in error["errors"][0].items() if k in ("message", "domain", "reason")
    } == {
        "message": message,
        "domain": domain,
        "reason": reason,
    }
    assert error.get("status") == top_status
    assert server.quota()["total"] == cost


def test_error_shapes_by_status(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world)
    cases = [
        ({"status": 503}, 503, "backendError", "UNAVAILABLE"),
        ({"status": 429}, 429, "rateLimitExceeded", "RESOURCE_EXHAUSTED"),
        ({"reason": "videoChartNotFound", "status": 404}, 404, "videoChartNotFound", None),
        ({"reason": "accessNotConfigured"}, 403, "accessNotConfigured", "PERMISSION_DENIED"),
        ({"reason": "API_KEY_INVALID"}, 400, "badRequest", "INVALID_ARGUMENT"),
        ({"reason": "teapot", "status": 418, "message": "short and stout"}, 418, "teapot", None),
    ]  # fmt: skip
    for fields, status, reason, top_status in cases:
        server.faults.clear()
        server.faults.add(Fault(kind="error", **fields))
        code, _, body = _get(_regions(server))
        error = json.loads(body)["error"]
        assert (code, error["code"], error["errors"][0]["reason"]) == (status, status, reason)
        assert error.get("status") == top_status
    assert error["message"] == "short and stout"
    assert json.loads(_get(_regions(server))[2])["error"]["errors"][0]["domain"] == "global"
    server.faults.clear()
    server.faults.add(Fault(kind="error", reason="accessNotConfigured"))
    body = json.loads(_get(_regions(server))[2])["error"]
    assert body["errors"][0]["extendedHelp"] == "https://console.developers.google.com"
    assert body["details"][1]["reason"] == "SERVICE_DISABLED"
    # 503, 429, chart, teapot and the last teapot cost 1; access/key errors cost nothing.
    assert server.quota()["total"] == 5


def test_bad_rules_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="needs a reason"):
        Fault(kind="error", status=404)
    with pytest.raises(ValueError, match="needs a status"):
        Fault(kind="error", reason="somethingNew")
    with pytest.raises(ValueError, match="unknown method"):
        Fault(kind="reset", method="search.list")
    with pytest.raises(ValueError, match="delay_seconds"):
        Fault(kind="slow")
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault(kind="explode")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown field"):
        Fault.from_dict({"kind": "reset", "tims": 2})
    assert Fault(kind="reset", method="videos").method == "youtube.videos.list"


def test_errors_through_the_google_client(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world)
    youtube = make_client(server.url)
    for fault, status, reason in [
        (Fault(kind="error", status=503, method="i18nRegions.list"), 503, "backendError"),
        (Fault(kind="error", reason="quotaExceeded"), 403, "quotaExceeded"),
        (Fault(kind="error", reason="rateLimitExceeded", status=429), 429, "rateLimitExceeded"),
        (Fault(kind="error", reason="playlistNotFound"), 404, "playlistNotFound"),
    ]:
        server.faults.clear()
        server.faults.add(fault)
        with pytest.raises(HttpError) as caught:
            youtube.i18nRegions().list(part="snippet").execute()
        assert (caught.value.status_code, error_reason(caught.value)) == (status, reason)
    server.faults.clear()
    server.faults.add(Fault(kind="error", reason="API_KEY_INVALID"))
    with pytest.raises(HttpError) as caught:
        youtube.i18nRegions().list(part="snippet").execute()
    assert caught.value.error_details[0]["reason"] == "API_KEY_INVALID"  # from details[]


def test_the_client_retries_5xx_through_a_burst(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    burst = Fault(kind="error", status=503, reason="backendError", method="videos.list", times=2)
    server = new_server(world=small_world, faults=[burst])
    request = make_client(server.url).videos().list(part="id", chart="mostPopular", regionCode="US")
    request._sleep = lambda seconds: None  # the client's backoff, not needed here
    assert request.execute(num_retries=2)["items"]
    assert (burst.matched, burst.applied) == (3, 2)
    assert server.quota()["total"] == 3


# ---------------------------------------------------------------------------- matching/counting


def test_after_and_times_count_matching_calls(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    rule = Fault(kind="error", status=500, method="videos.list", after=2, times=2)
    server = new_server(world=small_world, faults=[rule])
    statuses = []
    for _ in range(6):
        statuses.append(_get(_chart(server, "US"))[0])
        assert _get(_regions(server))[0] == 200  # another method: neither counted nor faulted
    assert statuses == [200, 200, 500, 500, 200, 200]
    assert (rule.matched, rule.applied) == (6, 2)


def test_every_matching_rule_counts_the_first_due_applies(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    first = Fault(kind="error", status=500, times=1)
    second = Fault(kind="error", status=503, after=1, times=1)
    server = new_server(world=small_world, faults=[first, second])
    assert [_get(_regions(server))[0] for _ in range(3)] == [500, 503, 200]
    assert (first.matched, first.applied, second.matched, second.applied) == (3, 1, 3, 1)


def test_params_must_match_exactly(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world)
    server.faults.add(Fault(kind="error", reason="videoChartNotFound", params={"regionCode": "JP"}))
    assert _get(_chart(server, "US"))[0] == 200
    assert _get(_chart(server, "JP"))[0] == 400
    assert _get(_chart(server, "jp"))[0] == 200  # exact values: the API uppercases, rules do not
    playlist = small_world.playlists_of(small_world.tracked_channel_ids[0])[0].playlist_id
    server.faults.clear()
    server.faults.add(
        Fault(kind="error", reason="playlistNotFound", params={"playlistId": playlist})
    )
    youtube = make_client(server.url)
    with pytest.raises(HttpError) as caught:
        youtube.playlistItems().list(part="id", playlistId=playlist).execute()
    assert error_reason(caught.value) == "playlistNotFound"
    other = small_world.playlists_of(small_world.tracked_channel_ids[1])[0].playlist_id
    assert youtube.playlistItems().list(part="id", playlistId=other).execute()["items"]


def test_an_expiring_page_token(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    uploads = small_world.uploads(small_world.tracked_channel_ids[0])
    expired = Fault(
        kind="error",
        reason="invalidPageToken",
        method="playlistItems.list",
        page_token_only=True,
        times=1,
    )
    server = new_server(world=small_world, faults=[expired])
    youtube = make_client(server.url)
    collection = youtube.playlistItems()
    first = collection.list(part="id", playlistId=uploads.playlist_id, maxResults=5)
    page = first.execute()
    second = collection.list_next(first, page)
    with pytest.raises(HttpError) as caught:
        second.execute()
    assert (caught.value.status_code, error_reason(caught.value)) == (400, "invalidPageToken")
    assert expired.matched == 1  # the first page had no token: not even counted
    items, _ = fetch_all(collection, part="id", playlistId=uploads.playlist_id, maxResults=5)
    assert len(items) == len(uploads.items)  # starting over works


def test_runaway_pages_hand_out_a_fresh_token_per_item(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    """Each answer holds one item and a new nextPageToken while totalResults counts them all:
    a listing of N items takes N calls instead of N/50."""
    uploads = small_world.uploads(small_world.tracked_channel_ids[0])
    total = len(uploads.items)
    rule = Fault(kind="runaway_pages", params={"playlistId": uploads.playlist_id})
    server = new_server(world=small_world, faults=[rule])
    youtube = make_client(server.url)
    items, pages = fetch_all(
        youtube.playlistItems(), part="id", playlistId=uploads.playlist_id, maxResults=50
    )
    assert total > 1 and len(pages) == total and rule.applied == total
    assert {len(page["items"]) for page in pages} == {1}
    assert {page["pageInfo"]["totalResults"] for page in pages} == {total}
    tokens = [page["nextPageToken"] for page in pages[:-1]]
    assert len(set(tokens)) == len(tokens) and "nextPageToken" not in pages[-1]
    assert [i["id"] for i in items] == [i.playlist_item_id for i in uploads.items]
    assert server.quota()["total"] == total  # one unit per page
    other = small_world.uploads(small_world.tracked_channel_ids[1]).playlist_id
    _, untouched = fetch_all(youtube.playlistItems(), part="id", playlistId=other, maxResults=50)
    assert len(untouched) == 1  # the rule's params keep it to one playlist


def test_repeated_token_answers_the_first_page_again(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    uploads = small_world.uploads(small_world.tracked_channel_ids[0])
    rule = Fault(kind="repeated_token", method="playlistItems.list", page_token_only=True)
    server = new_server(world=small_world, faults=[rule])
    collection = make_client(server.url).playlistItems()
    first = collection.list(part="id", playlistId=uploads.playlist_id, maxResults=5)
    page = first.execute()
    request = first
    for _ in range(3):  # a client that trusts nextPageToken never gets past page 1
        request = collection.list_next(request, page)
        again = request.execute()
        assert again["items"] == page["items"]
        assert again["nextPageToken"] == page["nextPageToken"]
    assert (rule.matched, rule.applied) == (3, 3)
    assert server.quota()["total"] == 4


# ------------------------------------------------------------------------------ wire faults


def test_slow_answers_after_the_delay_and_trips_a_client_timeout(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world, faults=[Fault(kind="slow", delay_seconds=0.5)])
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        make_client(server.url, timeout=0.2).i18nRegions().list(part="snippet").execute()
    assert time.monotonic() - started < 0.45
    started = time.monotonic()
    status, headers, body = _get(_regions(server), timeout=5)
    assert time.monotonic() - started >= 0.5
    assert status == 200 and json.loads(body)["items"]
    assert headers["Connection"] == "close"
    with pytest.raises(TimeoutError):
        _get(_regions(server), timeout=0.2)
    assert server.quota()["total"] == 3  # the API did the work each time


def test_reset_drops_the_connection_without_an_answer(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    rule = Fault(kind="reset", method="i18nRegions", times=2)
    server = new_server(world=small_world, faults=[rule])
    with pytest.raises(ConnectionResetError):
        _get(_regions(server))
    with pytest.raises(ConnectionResetError):
        make_client(server.url).i18nRegions().list(part="snippet").execute()
    assert make_client(server.url).i18nRegions().list(part="snippet").execute()["items"]
    assert (rule.applied, server.quota()["total"]) == (2, 3)


def test_malformed_is_a_200_that_is_not_json(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world, faults=[Fault(kind="malformed", times=2)])
    status, headers, body = _get(_regions(server))
    assert status == 200
    assert headers["Content-Type"] == "application/json; charset=UTF-8"
    assert int(headers["Content-Length"]) == len(body) > 0
    assert body.startswith(b'{\n  "kind": "youtube#i18nRegionListResponse"')
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    # The Google client does not raise here: execute() hands back the undecodable text.
    page = make_client(server.url).i18nRegions().list(part="snippet").execute()
    assert isinstance(page, str)
    with pytest.raises(json.JSONDecodeError):
        json.loads(page)
    assert server.quota()["total"] == 2


def test_faults_only_reach_calls_with_a_valid_key(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    rule = Fault(kind="error", status=500)
    server = new_server(world=small_world, api_key="right", faults=[rule])
    assert _get(_regions(server).replace("key=k", "key=wrong"))[0] == 400
    assert _get(f"{server.url}/emulator/quota")[0] == 200
    assert rule.matched == 0 and server.quota()["total"] == 0


# ------------------------------------------------------------------------------ daily quota


def test_daily_quota_then_quota_exceeded_until_pacific_midnight(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world, daily_quota=3)  # clock: 2026-11-02 04:00 PST
    assert [_get(_regions(server))[0] for _ in range(3)] == [200, 200, 200]
    status, _, body = _get(_regions(server))
    assert status == 403
    assert json.loads(body) == {
        "error": {
            "code": 403,
            "message": QUOTA_MESSAGE,
            "errors": [
                {"message": QUOTA_MESSAGE, "domain": "youtube.quota", "reason": "quotaExceeded"}
            ],
        }
    }
    with pytest.raises(HttpError) as caught:
        make_client(server.url).videos().list(part="id", chart="mostPopular").execute()
    assert (caught.value.status_code, error_reason(caught.value)) == (403, "quotaExceeded")
    quota = server.quota()
    assert (quota["total"], quota["units_today"], quota["refused"]) == (3, 3, 2)
    assert (quota["daily_limit"], quota["pacific_day"]) == (3, "2026-11-02")
    server.clock.advance(hours=19, minutes=59)  # 23:59 PST, 07:59 UTC the next day
    assert _get(_regions(server))[0] == 403
    server.clock.advance(minutes=1)  # midnight in Los Angeles: a new quota day
    assert server.quota()["units_today"] == 0
    assert _get(_regions(server))[0] == 200
    quota = server.quota()
    assert (quota["pacific_day"], quota["units_today"], quota["total"]) == ("2026-11-03", 1, 4)


def test_quota_limits_set_at_runtime(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world)
    for _ in range(4):
        _get(_regions(server))
    assert server.quota_after(2) == 6
    assert [_get(_regions(server))[0] for _ in range(3)] == [200, 200, 403]
    server.set_daily_quota(None)
    assert _get(_regions(server))[0] == 200
    server.set_daily_quota(7)
    assert _get(_regions(server))[0] == 403
    status, quota = admin(server, "/emulator/quota/limit", "POST", {"after_units": 1})
    assert (status, quota["daily_limit"], quota["units_today"]) == (200, 8, 7)
    assert [_get(_regions(server))[0] for _ in range(2)] == [200, 403]
    status, quota = admin(server, "/emulator/quota/limit", "POST", {"daily_quota": None})
    assert (status, quota["daily_limit"]) == (200, None)
    assert admin(server, "/emulator/quota/limit", "POST", {"daily_quota": -1})[0] == 400
    assert admin(server, "/emulator/quota/limit", "POST", {"limit": 5})[0] == 400
    with pytest.raises(ValueError):
        server.set_daily_quota(-5)


def test_quota_is_checked_before_faults(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    rule = Fault(kind="error", status=500)
    server = new_server(world=small_world, daily_quota=0, faults=[rule])
    assert _get(_regions(server))[0] == 403
    assert rule.matched == 0 and server.quota()["total"] == 0


# ------------------------------------------------------------------------------ admin and CLI


def test_fault_admin_routes_round_trip(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world)
    assert admin(server, "/emulator/faults") == (200, {"faults": []})
    rule = {"kind": "error", "status": 503, "method": "i18nRegions.list", "times": 1}
    status, listed = admin(server, "/emulator/faults", "POST", rule)
    assert status == 200
    assert listed["faults"] == [
        {
            "kind": "error", "status": 503, "reason": "backendError", "message": None,
            "domain": None, "delay_seconds": 0.0, "method": "youtube.i18nRegions.list",
            "params": {}, "page_token_only": False, "after": 0, "times": 1, "cost": None,
            "matched": 0, "applied": 0,
        }
    ]  # fmt: skip
    more = [{"kind": "slow", "delay_seconds": 0.1}, {"kind": "reset", "params": {"id": "x"}}]
    assert len(admin(server, "/emulator/faults", "POST", more)[1]["faults"]) == 3
    assert _get(_regions(server))[0] == 503
    counted = admin(server, "/emulator/faults")[1]["faults"]
    assert [(f["matched"], f["applied"]) for f in counted] == [(1, 1), (1, 0), (0, 0)]
    status, error = admin(server, "/emulator/faults", "POST", [{"kind": "reset"}, {"kind": "?"}])
    assert status == 400 and "unknown fault kind" in error["error"]
    assert len(server.faults) == 3  # a bad batch adds nothing
    assert admin(server, "/emulator/faults", "DELETE") == (200, {"faults": []})
    assert len(server.faults) == 0 and _get(_regions(server))[0] == 200
    assert server.quota()["total"] == 2


def test_fault_plan_accepts_dicts_and_the_faults_wrapper() -> None:
    plan = FaultPlan([{"kind": "reset", "times": 1}])
    plan.add(Fault(kind="malformed"))
    assert [rule.kind for rule in plan.rules()] == ["reset", "malformed"]
    assert plan.decide("youtube.videos.list", {}) is plan.rules()[0]
    assert plan.decide("youtube.videos.list", {}) is plan.rules()[1]


def test_stop_cuts_a_slow_answer_short(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world, faults=[Fault(kind="slow", delay_seconds=30)])
    with pytest.raises(TimeoutError):
        _get(_regions(server), timeout=0.2)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 5
