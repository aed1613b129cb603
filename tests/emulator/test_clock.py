"""The emulator clock: truncation to seconds, frozen mode, advance and set."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from emulator import Clock

START = datetime(2026, 11, 2, 12, 0, 0, 750_000, tzinfo=UTC)


def test_frozen_clock_only_moves_by_hand() -> None:
    clock = Clock(START, frozen=True)
    assert clock.now() == datetime(2026, 11, 2, 12, 0, 0, tzinfo=UTC)
    assert clock.now().microsecond == 0
    assert clock.advance(hours=1) == datetime(2026, 11, 2, 13, 0, 0, tzinfo=UTC)
    assert clock.advance(timedelta(minutes=30), seconds=5) == datetime(
        2026, 11, 2, 13, 30, 5, tzinfo=UTC
    )
    assert clock.set(datetime(2027, 1, 1)) == datetime(2027, 1, 1, tzinfo=UTC)


def test_running_clock_follows_real_time_from_start() -> None:
    clock = Clock(datetime(2026, 11, 2, 12, 0, 0, tzinfo=UTC))
    first = clock.now()
    assert first.tzinfo is not None and first.utcoffset() == timedelta(0)
    assert first.microsecond == 0
    assert (
        timedelta(0) <= first - datetime(2026, 11, 2, 12, 0, 0, tzinfo=UTC) < timedelta(seconds=5)
    )
    assert clock.advance(days=1) >= first + timedelta(days=1)


def test_default_start_is_never_before_not_before() -> None:
    future = datetime(2100, 1, 1, tzinfo=UTC)
    assert Clock(frozen=True, not_before=future).now() == future
    past = datetime(2000, 1, 1, tzinfo=UTC)
    assert Clock(frozen=True, not_before=past).now() > past


def test_naive_start_is_utc_and_clock_is_thread_safe() -> None:
    clock = Clock(datetime(2026, 1, 1), frozen=True)
    threads = [threading.Thread(target=lambda: clock.advance(seconds=1)) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.now() == datetime(2026, 1, 1, 0, 0, 50, tzinfo=UTC)
