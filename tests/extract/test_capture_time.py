"""Capture time from the API's Date header, and what happens when the header cannot be true:
one answer dated in 2100 (a proxy rewrote it), or no date at all, must not become the capture
time of its items, the page ledger or the quota ledger."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from emulator import EmulatorServer, Rewrite, World
from extract.client import MAX_DATE_AHEAD
from extract.run import run_extract
from tests.conftest import EMULATOR_START, query
from tests.extract.faultkit import fast

FUTURE = "Fri, 01 Jan 2100 00:00:00 GMT"


def captures(conn, table: str) -> set[datetime]:
    return {r[0] for r in query(conn, f"select distinct captured_at from raw_youtube.{table}")}


def near(at: datetime, expected: datetime) -> bool:
    """The API's clock as estimated from its earlier answers: the frozen emulator's time,
    plus the moments the run took since (whole seconds)."""
    return expected <= at <= expected + timedelta(seconds=5)


def latest_ledger(conn) -> datetime:
    return query(conn, "select max(requested_at) from raw_youtube.quota_ledger")[0][0]


def test_a_date_in_2100_is_not_a_capture_time(
    paged: EmulatorServer, warehouse, caplog: pytest.LogCaptureFixture
) -> None:
    """Not the first answer of the run: the earlier answers said what the API's clock is."""
    caplog.set_level(logging.WARNING, logger="extract.client")
    (bad,) = paged.rewrites.add(Rewrite("date", value=FUTURE, method="videos.list", times=1))

    result = run_extract(fast(paged), warehouse, run_id="r1")

    assert result.status == "succeeded", result.failures
    assert bad.applied == 1
    for table in ("videos", "pages", "channels", "most_popular_videos"):
        assert all(near(at, EMULATOR_START) for at in captures(warehouse, table)), table
    assert near(latest_ledger(warehouse), EMULATOR_START)
    (warning,) = [r.getMessage() for r in caplog.records if "Date header" in r.getMessage()]
    assert warning.startswith("videos.list") and "2100-01-01T00:00:00Z" in warning
    assert "ahead of this machine's clock" in warning and str(EMULATOR_START.year) in warning


def test_on_the_first_answer_the_local_clock_is_used(
    paged: EmulatorServer, warehouse, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="extract.client")
    paged.rewrites.add(Rewrite("date", value=FUTURE, method="channels.list", times=1))
    before = datetime.now(UTC).replace(microsecond=0)

    result = run_extract(fast(paged), warehouse, run_id="r1")

    (channels_at,) = captures(warehouse, "channels")
    assert before <= channels_at <= datetime.now(UTC)
    assert result.status == "succeeded", result.failures
    assert captures(warehouse, "videos") == {EMULATOR_START}  # believable again after it
    assert "channels.list" in caplog.text and "2100" in caplog.text


def test_a_304_dated_in_2100_does_not_date_the_page(paged: EmulatorServer, warehouse) -> None:
    """A 304's Date is the capture time of the page it keeps: the same rule applies."""
    assert run_extract(fast(paged), warehouse, run_id="r1").ok
    paged.clock.advance(hours=1)
    paged.rewrites.add(Rewrite("date", value=FUTURE, method="playlistItems.list"))

    second = run_extract(fast(paged), warehouse, run_id="r2")

    assert second.ok and second.pages_not_modified > 0
    ((latest, any_304),) = query(
        warehouse,
        "select max(captured_at), bool_or(not_modified) from raw_youtube.pages where run_id = 'r2'",
    )
    assert any_304 and near(latest, EMULATOR_START + timedelta(hours=1))


@pytest.mark.parametrize("header", ["not a date", "Mon, 99 Foo 2026 25:61:00 GMT"])
def test_an_unreadable_date_falls_back_the_same_way(
    paged: EmulatorServer, warehouse, header: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="extract.client")
    paged.rewrites.add(Rewrite("date", value=header, method="videos.list", times=1))

    assert run_extract(fast(paged), warehouse, run_id="r1").ok

    assert all(near(at, EMULATOR_START) for at in captures(warehouse, "videos"))
    assert "unreadable Date header" in caplog.text


def test_a_date_within_the_bound_is_believed(paged: EmulatorServer, warehouse) -> None:
    """Clocks differ a little: a header a few minutes ahead is still the capture time."""
    world: World = paged.world
    ahead = datetime.now(UTC).replace(microsecond=0) + MAX_DATE_AHEAD - timedelta(minutes=2)
    paged.clock.set(ahead)
    assert ahead > world.as_of

    assert run_extract(fast(paged), warehouse, run_id="r1").ok

    assert captures(warehouse, "videos") == {ahead}
