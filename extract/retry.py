"""Retry policy for transient API faults: exponential backoff with full jitter, bounded.

Transient: HTTP 5xx, 429, 403 rateLimitExceeded/userRateLimitExceeded, timeouts, connection
resets and refusals, broken HTTP answers and 200s whose body is not JSON. Never retried:
quotaExceeded (spent for the day), bad keys, bad input (other 4xx).

A call is bounded twice: at most ``max_attempts`` attempts, and no new attempt once
``max_total`` seconds (attempts and sleeps together) would be exceeded.
"""

from __future__ import annotations

import errno
import http.client
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import httplib2
from googleapiclient.errors import HttpError

from extract.errors import MalformedResponse, error_reason

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRYABLE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "backendError"})
# OSErrors that mean "no route to the API" rather than a bug: retried, then the run stops.
UNREACHABLE_ERRNOS = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN})


def is_unreachable(exc: BaseException) -> bool:
    """The request never reached the API: refused, unknown host, no route."""
    if isinstance(exc, ConnectionRefusedError | httplib2.ServerNotFoundError):
        return True
    return isinstance(exc, OSError) and exc.errno in UNREACHABLE_ERRNOS


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_total: float = 120.0  # seconds from the first attempt to the start of the last one

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Full-jitter backoff for the given (1-based) failed attempt."""
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, HttpError):
        status = exc.resp.status
        if status >= 500 or status == 429:
            return True
        return status == 403 and error_reason(exc) in RETRYABLE_REASONS
    return isinstance(
        exc,
        TimeoutError  # socket.timeout is an alias
        | ConnectionError  # reset, refused, aborted, broken pipe
        | http.client.HTTPException  # RemoteDisconnected, IncompleteRead, BadStatusLine
        | httplib2.ServerNotFoundError  # DNS hiccups happen; a wrong host fails after retries
        | MalformedResponse,
    ) or is_unreachable(exc)


def retry_after(exc: BaseException) -> float | None:
    """Seconds a 429/503 asked us to wait (``Retry-After``), when it says so in seconds."""
    if not isinstance(exc, HttpError):
        return None
    value = exc.resp.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare for Google, and the backoff covers it


def call_with_retry(
    fn: Callable[[], T],
    what: str,
    policy: RetryPolicy,
    rng: random.Random | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Call ``fn`` until it succeeds, fails permanently, or the policy's budget is spent."""
    rng = rng or random.Random()
    started = clock()
    attempt = 1
    while True:
        try:
            return fn()
        except Exception as exc:
            if not is_transient(exc) or attempt >= policy.max_attempts:
                raise
            wait = policy.delay(attempt, rng)
            asked = retry_after(exc)
            if asked is not None:
                wait = max(wait, min(asked, policy.max_delay))
            if clock() - started + wait > policy.max_total:
                raise
            log.warning(
                "%s: transient error (%s), retry %d/%d in %.1fs",
                what,
                describe_transient(exc),
                attempt,
                policy.max_attempts - 1,
                wait,
            )
            sleep(wait)
            attempt += 1


def describe_transient(exc: BaseException) -> str:
    if isinstance(exc, HttpError):
        return f"HTTP {exc.resp.status} {error_reason(exc) or ''}".strip()
    if isinstance(exc, MalformedResponse):
        return "malformed JSON body"
    return type(exc).__name__
