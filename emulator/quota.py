"""The quota ledger: units charged per API method, and the daily limit by Pacific-time day.

Each call to a list method costs its method's units (1; ``search.list`` 100), errors included;
what the server charges for a 304, a faulted call or a call without a key is decided in
``server.py`` and ``faults.py``. With a daily limit, once the units charged in the current
Pacific-time day (by the emulator clock) reach it, ``spent`` says so (and counts the call as
refused) until the clock passes midnight in America/Los_Angeles. The check and the charge are not
one atomic step: concurrent calls can overshoot the limit by a few units, as Google's own
(eventually consistent) accounting can.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")  # where YouTube's daily quota resets at midnight


def pacific_day(at: datetime) -> date:
    """The quota day ``at`` falls in (days start at midnight America/Los_Angeles)."""
    return at.astimezone(PACIFIC).date()


def check_limit(value: Any) -> int | None:
    """A daily limit as given (None = unlimited); ``ValueError`` unless a whole number >= 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"daily quota must be a whole number >= 0 or null, got {value!r}")
    return value


class QuotaLedger:
    """Units spent since start (or the last reset), per method and today; thread-safe."""

    def __init__(self, daily_limit: int | None = None) -> None:
        self._by_method: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._daily_limit = check_limit(daily_limit)
        self._day: date | None = None  # the Pacific day _units_today belongs to
        self._units_today = 0
        self._refused = 0

    def snapshot(self, now: datetime) -> dict[str, Any]:
        """``EmulatorServer.quota()``: totals, per method, the limit and today's units."""
        day = pacific_day(now)
        with self._lock:
            return {
                "total": sum(self._by_method.values()),
                "by_method": dict(sorted(self._by_method.items())),
                "daily_limit": self._daily_limit,
                "pacific_day": day.isoformat(),
                "units_today": self._units_today if self._day == day else 0,
                "refused": self._refused,
            }

    def reset(self) -> None:
        """Forget every unit spent (the daily limit itself stays)."""
        with self._lock:
            self._by_method.clear()
            self._day = None
            self._units_today = 0
            self._refused = 0

    def set_daily_limit(self, units: int | None) -> None:
        limit = check_limit(units)
        with self._lock:
            self._daily_limit = limit

    def allow(self, units: int, now: datetime) -> int:
        """Set the limit to what today spent plus ``units``; the new limit."""
        if isinstance(units, bool) or not isinstance(units, int) or units < 0:
            raise ValueError(f"quota_after needs a whole number of units >= 0, got {units!r}")
        day = pacific_day(now)
        with self._lock:
            spent = self._units_today if self._day == day else 0
            self._daily_limit = spent + units
            return self._daily_limit

    def charge(self, method: str, units: int, now: datetime) -> None:
        if units <= 0:
            return
        day = pacific_day(now)
        with self._lock:
            self._by_method[method] += units
            if self._day != day:
                self._day, self._units_today = day, 0
            self._units_today += units

    def spent(self, now: datetime) -> bool:
        """True (and counted as refused) when today's units reached the daily limit."""
        day = pacific_day(now)
        with self._lock:
            if self._daily_limit is None:
                return False
            spent = self._units_today if self._day == day else 0
            if spent < self._daily_limit:
                return False
            self._refused += 1
            return True
