"""Transient faults are retried (backoff, bounded) and lose nothing; a fault that persists fails
only its own item. Every fault is injected by the emulator and goes through the real Google
client; every test also checks the quota ledger and that the API key leaked nowhere."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from emulator import EmulatorServer, Fault, World
from extract.retry import RetryPolicy, call_with_retry
from extract.run import run_extract
from tests.conftest import query
from tests.extract.faultkit import (
    KEY,
    assert_complete,
    assert_no_duplicates,
    assert_pages_whole,
    expected,
    fast,
    ids,
    ledger,
    run_row,
    tables_containing,
)

pytestmark = pytest.mark.usefixtures("key_never_logged")


def biggest_playlist(world: World) -> str:
    playlists = [p for c in world.tracked_channel_ids for p in world.playlists_of(c)]
    return max(playlists, key=lambda p: len(p.items)).playlist_id


# (fault, what the ledger shows for each faulted attempt: (http_status, reason))
TRANSIENT: dict[str, tuple[Callable[[World], Fault], tuple[int | None, str]]] = {
    "503-backendError": (
        lambda w: Fault(kind="error", status=503, method="videos.list", times=2),
        (503, "backendError"),
    ),
    "500-on-a-later-page": (
        lambda w: Fault(
            kind="error", status=500, method="playlistItems.list", page_token_only=True, times=2
        ),
        (500, "backendError"),
    ),
    "429": (
        lambda w: Fault(kind="error", status=429, method="playlists.list", times=1),
        (429, "rateLimitExceeded"),
    ),
    "403-rateLimitExceeded": (
        lambda w: Fault(kind="error", reason="rateLimitExceeded", method="channels.list", times=2),
        (403, "rateLimitExceeded"),
    ),
    "403-userRateLimitExceeded": (
        lambda w: Fault(
            kind="error", reason="userRateLimitExceeded", params={"chart": "mostPopular"}, times=1
        ),
        (403, "userRateLimitExceeded"),
    ),
    "connection-reset": (
        lambda w: Fault(kind="reset", method="playlistItems.list", times=2),
        (None, "connectionReset"),
    ),
    "timeout": (
        lambda w: Fault(kind="slow", delay_seconds=1.5, method="videos.list", times=1),
        (None, "timeout"),
    ),
    "malformed-json": (
        lambda w: Fault(kind="malformed", params={"playlistId": biggest_playlist(w)}, times=2),
        (200, "malformedResponse"),
    ),
}


@pytest.mark.parametrize("case", sorted(TRANSIENT))
def test_transient_fault_is_retried_and_nothing_is_lost(
    case: str, paged: EmulatorServer, warehouse
) -> None:
    make_fault, marker = TRANSIENT[case]
    (fault,) = paged.faults.add(make_fault(paged.world))
    want = expected(paged.world, paged.clock.now())

    result = run_extract(fast(paged, timeout_seconds=0.5), warehouse, run_id="r1")

    assert result.status == "succeeded", result.failures
    assert fault.applied == (fault.times or 0) > 0
    assert_complete(warehouse, paged.world, paged.clock.now(), "r1")
    rows = ledger(warehouse, "r1")
    assert sum(1 for row in rows if (row[3], row[4]) == marker) == fault.applied
    # every faulted attempt reached the API and was charged, by the emulator and in the ledger
    spent = sum(row[2] for row in rows)
    assert spent == paged.quota()["total"] == want["units"] + fault.applied
    assert result.units_spent == spent == run_row(warehouse, "r1")[2]
    assert tables_containing(warehouse, KEY) == []


# (fault, the item named in the one failure line, what the line says about the cause)
PERSISTENT: dict[str, tuple[Callable[[World], Fault], Callable[[World], str], str]] = {
    "503-on-one-playlist": (
        lambda w: Fault(kind="error", status=503, params={"playlistId": biggest_playlist(w)}),
        lambda w: f"playlistItems.list {biggest_playlist(w)}",
        "HTTP 503 backendError",
    ),
    "reset-on-one-chart": (
        lambda w: Fault(kind="reset", params={"chart": "mostPopular", "regionCode": "GB"}),
        lambda w: "mostPopular GB/0",
        "connection",
    ),
    "malformed-on-one-channel": (
        lambda w: Fault(
            kind="malformed",
            params={"channelId": w.tracked_channel_ids[0]},
            method="playlists.list",
        ),
        lambda w: f"playlists.list {w.tracked_channel_ids[0]}",
        "not valid JSON",
    ),
    "timeout-on-one-chart": (
        lambda w: Fault(
            kind="slow", delay_seconds=1.0, params={"chart": "mostPopular", "regionCode": "JP"}
        ),
        lambda w: "mostPopular JP/0",
        "no answer",
    ),
}


@pytest.mark.parametrize("case", sorted(PERSISTENT))
def test_persistent_fault_fails_only_its_item(case: str, paged: EmulatorServer, warehouse) -> None:
    make_fault, item, cause = PERSISTENT[case]
    world = paged.world
    (fault,) = paged.faults.add(make_fault(world))
    settings = fast(paged, timeout_seconds=0.4, retry_attempts=3)

    result = run_extract(settings, warehouse, run_id="r1")

    assert result.status == "failed"
    (failure,) = result.failures
    assert failure.startswith(item(world)) and cause in failure, failure
    assert "tried 3 times" in failure  # bounded: the configured attempts, then that item fails
    status, message, _ = run_row(warehouse, "r1")
    assert status == "failed" and message == failure
    # the others landed in full
    want = expected(world, paged.clock.now())
    assert ids(warehouse, "channels") == set(world.tracked_channel_ids)
    uploads = {i.video_id for c in world.tracked_channel_ids for i in world.uploads(c).items}
    assert uploads <= ids(warehouse, "videos") <= want["videos"]
    if case != "malformed-on-one-channel":  # the uploads playlists hold all the others
        assert ids(warehouse, "videos") == want["videos"]
    if case == "503-on-one-playlist":
        crawled = query_playlists(warehouse)
        assert crawled == want_playlists(world) - {biggest_playlist(world)}
    if case == "malformed-on-one-channel":
        # that channel's own playlists are unknown this run; the other channel's all landed
        other = world.tracked_channel_ids[1]
        assert {p.playlist_id for p in world.playlists_of(other)} <= ids(warehouse, "playlists")
    failed_region = {"reset-on-one-chart": "GB", "timeout-on-one-chart": "JP"}.get(case)
    charts = {r[0] for r in query_charts(warehouse)}
    assert charts == set(world.region_codes) - {failed_region}
    assert_no_duplicates(warehouse)
    assert_pages_whole(warehouse)
    spent = sum(row[2] for row in ledger(warehouse, "r1"))
    assert spent == paged.quota()["total"]
    assert fault.applied == 3
    assert tables_containing(warehouse, KEY) == []


def query_playlists(conn) -> set[str]:
    sql = "select distinct request->>'playlistId' from raw_youtube.playlist_items"
    return {r[0] for r in query(conn, sql)}


def want_playlists(world: World) -> set[str]:
    channels = world.tracked_channel_ids
    return {p.playlist_id for c in channels for p in [*world.playlists_of(c), world.uploads(c)]}


def query_charts(conn) -> list[tuple[str]]:
    sql = "select distinct request->>'regionCode' from raw_youtube.most_popular_videos"
    return query(conn, sql)


def test_retries_are_bounded_in_total_time(paged: EmulatorServer, warehouse) -> None:
    """Many attempts allowed, but only one second: the run gives up on time, not on count."""
    (fault,) = paged.faults.add(Fault(kind="error", status=503, method="channels.list"))
    settings = fast(paged, retry_attempts=100, retry_backoff_seconds=0.2, retry_max_seconds=1.0)

    started = time.monotonic()
    result = run_extract(settings, warehouse, run_id="r1")

    assert time.monotonic() - started < 8
    assert 2 <= fault.applied < 100
    assert result.status == "failed"
    assert any(f.startswith("channels.list: HTTP 503") for f in result.failures)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _http_error(status: int, headers: dict[str, str] | None = None) -> HttpError:
    import httplib2

    resp = httplib2.Response({"status": status, **(headers or {})})
    return HttpError(resp, b'{"error": {"code": %d, "errors": [{"reason": "x"}]}}' % status)


def test_backoff_is_exponential_jittered_and_honours_retry_after() -> None:
    clock = _Clock()
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise _http_error(429, {"retry-after": "3"})
        if len(calls) < 5:
            raise _http_error(503)
        return "ok"

    policy = RetryPolicy(max_attempts=5, base_delay=1.0, max_delay=10.0, max_total=60.0)
    result = call_with_retry(
        flaky, "x", policy, random.Random(1), sleep=clock.sleep, clock=lambda: clock.now
    )

    assert result == "ok" and len(calls) == 5
    assert clock.sleeps[0] >= 3.0  # Retry-After: 3
    for attempt, slept in enumerate(clock.sleeps[1:], 2):
        assert 0 <= slept <= min(10.0, 2 ** (attempt - 1))  # full jitter under the cap


@pytest.mark.parametrize(
    ("policy", "attempts"),
    [
        (RetryPolicy(max_attempts=3, base_delay=1.0, max_delay=1.0, max_total=100.0), 3),
        (RetryPolicy(max_attempts=100, base_delay=4.0, max_delay=4.0, max_total=10.0), None),
    ],
)
def test_retry_budget_is_bounded_in_count_and_time(policy: RetryPolicy, attempts: Any) -> None:
    clock = _Clock()
    calls: list[int] = []

    def always() -> None:
        calls.append(1)
        clock.now += 0.5  # each attempt takes time too
        raise ConnectionResetError("reset")

    with pytest.raises(ConnectionResetError):
        call_with_retry(
            always, "x", policy, random.Random(2), sleep=clock.sleep, clock=lambda: clock.now
        )
    if attempts is not None:
        assert len(calls) == attempts
    else:
        assert clock.now <= policy.max_total + 0.5 and len(calls) < 100


def test_non_transient_errors_are_not_retried() -> None:
    calls: list[int] = []

    def bad_request() -> None:
        calls.append(1)
        raise _http_error(400)

    with pytest.raises(HttpError):
        call_with_retry(bad_request, "x", RetryPolicy(), sleep=lambda s: None)
    assert len(calls) == 1
