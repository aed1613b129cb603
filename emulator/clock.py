"""The emulator's notion of "now": real time from a chosen start, or frozen and moved by hand.

Statistics and chart rankings are computed from this clock, and the HTTP ``Date`` header shows it,
so tests can freeze time, advance it an hour and see the numbers move, deterministically.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


def utc_second(at: datetime) -> datetime:
    """Aware UTC (naive input is taken as UTC), truncated to whole seconds."""
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return at.astimezone(UTC).replace(microsecond=0)


class Clock:
    """``now()`` = start + time elapsed since creation (or since ``set``) + manual advances.

    ``frozen=True`` stops the real-time part: ``now()`` only moves with ``advance``/``set``.
    Without ``start`` the clock starts at the real current time, or at ``not_before`` if that is
    later (the server passes the world's ``as_of`` so the clock never predates the catalogue).
    Thread-safe.
    """

    def __init__(
        self,
        start: datetime | None = None,
        frozen: bool = False,
        *,
        not_before: datetime | None = None,
    ) -> None:
        begin = utc_second(start) if start is not None else utc_second(datetime.now(UTC))
        if start is None and not_before is not None:
            begin = max(begin, utc_second(not_before))
        self._lock = threading.Lock()
        self._frozen = frozen
        self._start = begin
        self._offset = timedelta(0)
        self._since = time.monotonic()

    @property
    def frozen(self) -> bool:
        return self._frozen

    def now(self) -> datetime:
        """The current emulated instant: aware UTC, whole seconds."""
        with self._lock:
            current = self._start + self._offset
            if not self._frozen:
                current += timedelta(seconds=time.monotonic() - self._since)
        return current.replace(microsecond=0)

    def advance(
        self,
        delta: timedelta | None = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> datetime:
        """Move forward (``advance(timedelta(hours=1))`` or ``advance(hours=1)``); returns now()."""
        step = (delta or timedelta(0)) + timedelta(
            days=days, hours=hours, minutes=minutes, seconds=seconds
        )
        with self._lock:
            self._offset += step
        return self.now()

    def set(self, at: datetime) -> datetime:
        """Jump to ``at`` (naive means UTC); a running clock keeps running from there."""
        with self._lock:
            self._start = utc_second(at)
            self._offset = timedelta(0)
            self._since = time.monotonic()
        return self.now()

    def __repr__(self) -> str:
        state = "frozen" if self._frozen else "running"
        return f"Clock({self.now().isoformat()}, {state})"
