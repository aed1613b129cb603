"""The quota ledger: units charged per API method, and the daily limits by Pacific-time day,
one per quota bucket.

Since the API's granular quota (revision 2026-06-01) a method charges one **bucket**: most
methods the ``default`` bucket (the project's 10,000 units), ``search.list`` its own ``search``
bucket and ``videos.batchGetStats`` (2026-06-03) its own ``stats`` bucket. Each bucket has its
own daily limit (None = unlimited) and its own count of today's units; every bucket's day starts
at midnight America/Los_Angeles. Once the units charged to a bucket in the current Pacific day
(by the emulator clock) reach its limit, ``spent(bucket, ...)`` says so (and counts the call as
refused) for that bucket's methods only, until the clock passes midnight.

Each call costs its method's units (1; ``search.list`` 100), errors included; what the server
charges for a 304, a faulted call or a call without a key is decided in ``server.py`` and
``faults.py``. The check and the charge are not one atomic step: concurrent calls can overshoot
a limit by a few units, as Google's own (eventually consistent) accounting can.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")  # where YouTube's daily quota resets at midnight

DEFAULT_BUCKET = "default"
SEARCH_BUCKET = "search"
STATS_BUCKET = "stats"
BUCKETS: tuple[str, ...] = (DEFAULT_BUCKET, SEARCH_BUCKET, STATS_BUCKET)
# What a fresh server allows per Pacific day, per bucket (None = unlimited). The stats bucket
# has Google's documented 10,000 units; the others are unlimited unless a test sets them.
DEFAULT_LIMITS: dict[str, int | None] = {
    DEFAULT_BUCKET: None,
    SEARCH_BUCKET: None,
    STATS_BUCKET: 10_000,
}


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


def check_bucket(name: Any) -> str:
    if name not in BUCKETS:
        raise ValueError(f"unknown quota bucket {name!r}; expected one of {list(BUCKETS)}")
    return name


class _Bucket:
    """One bucket's daily limit and today's units (the ledger's lock guards it)."""

    def __init__(self, limit: int | None) -> None:
        self.limit = check_limit(limit)
        self.day: date | None = None  # the Pacific day ``units_today`` belongs to
        self.units_today = 0
        self.total = 0
        self.refused = 0

    def today(self, day: date) -> int:
        return self.units_today if self.day == day else 0

    def state(self, day: date) -> dict[str, Any]:
        return {
            "units_today": self.today(day),
            "daily_limit": self.limit,
            "total": self.total,
            "refused": self.refused,
        }


class QuotaLedger:
    """Units spent since start (or the last reset), per method and per bucket; thread-safe."""

    def __init__(self, limits: dict[str, int | None] | None = None) -> None:
        wanted = {**DEFAULT_LIMITS, **(limits or {})}
        for name in wanted:
            check_bucket(name)
        self._by_method: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._buckets = {name: _Bucket(wanted[name]) for name in BUCKETS}

    def snapshot(self, now: datetime) -> dict[str, Any]:
        """``EmulatorServer.quota()``: totals and per method (every bucket), the default
        bucket's limit, today's units and refusals (the keys callers have always read), and
        ``buckets``: each bucket's ``units_today``, ``daily_limit``, ``total`` and ``refused``."""
        day = pacific_day(now)
        with self._lock:
            default = self._buckets[DEFAULT_BUCKET]
            return {
                "total": sum(self._by_method.values()),
                "by_method": dict(sorted(self._by_method.items())),
                "daily_limit": default.limit,
                "pacific_day": day.isoformat(),
                "units_today": default.today(day),
                "refused": default.refused,
                "buckets": {name: b.state(day) for name, b in self._buckets.items()},
            }

    def reset(self) -> None:
        """Forget every unit spent (the daily limits themselves stay)."""
        with self._lock:
            self._by_method.clear()
            for bucket in self._buckets.values():
                bucket.day, bucket.units_today, bucket.total, bucket.refused = None, 0, 0, 0

    def set_daily_limit(self, units: int | None, bucket: str = DEFAULT_BUCKET) -> None:
        limit = check_limit(units)
        with self._lock:
            self._buckets[check_bucket(bucket)].limit = limit

    def allow(self, units: int, now: datetime, bucket: str = DEFAULT_BUCKET) -> int:
        """Set the bucket's limit to what today spent plus ``units``; the new limit."""
        if isinstance(units, bool) or not isinstance(units, int) or units < 0:
            raise ValueError(f"quota_after needs a whole number of units >= 0, got {units!r}")
        day = pacific_day(now)
        with self._lock:
            state = self._buckets[check_bucket(bucket)]
            state.limit = state.today(day) + units
            return state.limit

    def charge(self, method: str, units: int, now: datetime, bucket: str = DEFAULT_BUCKET) -> None:
        if units <= 0:
            return
        day = pacific_day(now)
        with self._lock:
            self._by_method[method] += units
            state = self._buckets[bucket]
            if state.day != day:
                state.day, state.units_today = day, 0
            state.units_today += units
            state.total += units

    def spent(self, now: datetime, bucket: str = DEFAULT_BUCKET) -> bool:
        """True (and counted as refused) when the bucket's units today reached its limit."""
        day = pacific_day(now)
        with self._lock:
            state = self._buckets[bucket]
            if state.limit is None or state.today(day) < state.limit:
                return False
            state.refused += 1
            return True
