"""Retry policy for transient API faults: exponential backoff with full jitter, bounded.

Transient: HTTP 5xx, 429, 403 rateLimitExceeded/userRateLimitExceeded, timeouts and
connection resets. Never retried: quotaExceeded (spent for the day), bad keys, bad input.
"""

from __future__ import annotations

import logging
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from googleapiclient.errors import HttpError

from extract.errors import error_reason

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRYABLE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "backendError"})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_total: float = 120.0  # seconds spent sleeping across all attempts of one call

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Full-jitter backoff for the given (1-based) failed attempt."""
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, HttpError):
        status = exc.resp.status
        if status >= 500 or status == 429:
            return True
        return status == 403 and error_reason(exc) in RETRYABLE_REASONS
    return isinstance(exc, TimeoutError | socket.timeout | ConnectionResetError | BrokenPipeError)


def call_with_retry(
    fn: Callable[[], T],
    what: str,
    policy: RetryPolicy,
    rng: random.Random | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``fn`` until it succeeds, fails permanently, or the policy's budget is spent."""
    rng = rng or random.Random()
    slept = 0.0
    attempt = 1
    while True:
        try:
            return fn()
        except Exception as exc:
            if not is_transient(exc) or attempt >= policy.max_attempts:
                raise
            wait = policy.delay(attempt, rng)
            if slept + wait > policy.max_total:
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
            slept += wait
            attempt += 1


def describe_transient(exc: BaseException) -> str:
    if isinstance(exc, HttpError):
        return f"HTTP {exc.resp.status} {error_reason(exc) or ''}".strip()
    return type(exc).__name__
