"""Errors the extractor raises, and helpers to read Google's error bodies safely.

The Google client puts ``key=<API key>`` in request URLs, and so in ``HttpError`` text and in
its own debug logs ("URL being requested: ..."): everything user-visible goes through
:func:`redact`, and :func:`protect_logs` redacts every log record of the process.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from typing import Any

from googleapiclient.errors import HttpError

_KEY_IN_URL = re.compile(r"([?&]key=)[^&#\s'\"]+")
_SECRETS: set[str] = set()  # keys protect_logs() was given, redacted from every log record
_SECRETS_LOCK = threading.Lock()


# Shorter "keys" (a demo's "k") would redact every "k" of a message; real keys are 39
# characters, and key= in URLs is redacted whatever its length.
MIN_LITERAL_SECRET = 16


def redact(text: str, secret: str | None = None) -> str:
    """Remove API keys from URLs (and the literal key, when known) in ``text``."""
    text = _KEY_IN_URL.sub(r"\1REDACTED", text)
    for known in (secret, *_SECRETS):
        if known and len(known) >= MIN_LITERAL_SECRET:
            text = text.replace(known, "REDACTED")
    return text


def protect_logs(secret: str) -> None:
    """Redact ``secret`` (and any ``key=`` in a URL) from every log record made from now on.

    Installed as the log record factory, so it covers every logger and every handler: ours,
    the Google client's debug logs, Prefect's API log handler, and formatted tracebacks.
    Idempotent; each new secret is added to the set.
    """
    with _SECRETS_LOCK:
        if secret and len(secret) >= MIN_LITERAL_SECRET:
            _SECRETS.add(secret)
        factory = logging.getLogRecordFactory()
        if getattr(factory, "_redacting", False):
            return
        logging.setLogRecordFactory(_redacting_factory(factory))


def _redacting_factory(inner: Any) -> Any:
    formatter = logging.Formatter()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = inner(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to logging's own error handling
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and record.exc_info[1] is not None:
            text = formatter.formatException(record.exc_info)
            clean = redact(text)
            if clean != text:
                record.exc_text = clean  # formatters use exc_text when it is set
        return record

    factory._redacting = True  # type: ignore[attr-defined]
    return factory


def _error_body(exc: HttpError) -> dict:
    try:
        body = json.loads(exc.content.decode("utf-8", "replace"))
    except (ValueError, AttributeError):
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def error_reason(exc: HttpError) -> str | None:
    """The API reason (``quotaExceeded``, ``videoChartNotFound``...) wherever the body has it."""
    error = _error_body(exc)
    for entry in error.get("errors") or []:
        if isinstance(entry, dict) and entry.get("reason"):
            reason = entry["reason"]
            # Bad keys say "badRequest" here and the precise reason in details[].
            if reason not in ("badRequest", "forbidden"):
                return reason
    for detail in error.get("details") or []:
        if isinstance(detail, dict) and detail.get("reason"):
            return detail["reason"]
    for entry in error.get("errors") or []:
        if isinstance(entry, dict) and entry.get("reason"):
            return entry["reason"]
    return None


def error_message(exc: HttpError) -> str:
    error = _error_body(exc)
    message = error.get("message") or exc.reason or ""
    return re.sub(r"<[^>]+>", "", str(message))  # quota messages embed an HTML link


class ExtractError(RuntimeError):
    """A failure the user can act on. ``str()`` is one readable line with no secret in it."""


class ApiUnreachable(ExtractError):
    """No connection to the API at all (refused, unknown host), even after retries: no other
    request of this run would get through either, so the run stops."""


class RunawayListing(ExtractError):
    """A listing kept handing out page tokens past what its own counts allow, or handed out
    one it had already given: it is stopped there (every further page would cost quota)."""


class QuotaRefused(ExtractError):
    """The rest of the run cannot be paid for with what is left of today's quota."""


class MalformedResponse(Exception):
    """A 200 whose body is not a JSON object (the Google client returns such a body as a
    ``str`` instead of raising): treated as transient and retried."""


class ApiError(ExtractError):
    """The API refused a request."""

    def __init__(
        self, what: str, status: int, reason: str | None, message: str, attempts: int = 1
    ) -> None:
        self.what = what
        self.status = status
        self.reason = reason
        text = f"{what}: HTTP {status} {reason or ''}: {message}".replace("  ", " ")
        if attempts > 1:  # a transient error that outlived its retries
            text = f"{text.rstrip('.')} (tried {attempts} times)"
        super().__init__(text)


_BAD_KEY = (
    "the API key is invalid: check YOUTUBE_API_KEY (Google Cloud console > APIs & Services > "
    "Credentials: copy the key of a project with the YouTube Data API v3 enabled)"
)
_NOT_ENABLED = (
    "the YouTube Data API v3 is not enabled for this key's project: enable it in the Google "
    "Cloud console (APIs & Services > Library > YouTube Data API v3 > Enable), wait a few "
    "minutes, then run again"
)
_RESTRICTED = (
    "the API key's restrictions refuse this request: in the Google Cloud console (APIs & "
    "Services > Credentials > the key) allow the YouTube Data API v3 and this machine's IP, "
    "or use an unrestricted key in YOUTUBE_API_KEY"
)
_QUOTA = (
    "the daily quota is spent; it resets at midnight Pacific time. What was fetched is kept; "
    "the next run after the reset continues"
)
# Reasons no later request of the run can get past: the run stops at the first one.
FATAL_REASONS = {
    "API_KEY_INVALID": _BAD_KEY,
    "keyInvalid": _BAD_KEY,
    "keyExpired": "the API key has expired: create a new one and set YOUTUBE_API_KEY",
    "API_KEY_SERVICE_BLOCKED": _RESTRICTED,
    "API_KEY_HTTP_REFERRER_BLOCKED": _RESTRICTED,
    "API_KEY_IP_ADDRESS_BLOCKED": _RESTRICTED,
    "ipRefererBlocked": _RESTRICTED,
    "accessNotConfigured": _NOT_ENABLED,
    "SERVICE_DISABLED": _NOT_ENABLED,
    "quotaExceeded": _QUOTA,
    "dailyLimitExceeded": _QUOTA,
    "forbidden": "the API refused the key: check YOUTUBE_API_KEY and its restrictions",
}
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
# What to do about errors that fail one item (a channel, a playlist, a region), not the run.
HINTS = {
    "channelNotFound": "the channel does not exist (any more): check YOUTUBE_CHANNEL_IDS",
    "playlistNotFound": "the playlist was deleted or made private; it is skipped",
    "invalidRegionCode": "YouTube does not support this region code: check YOUTUBE_REGIONS "
    "(ISO 3166-1 alpha-2 codes listed by i18nRegions, e.g. US, GB, DE)",
    "invalidPageToken": "the page token expired mid-listing; the next run lists it again",
}


class FatalApiError(ApiError):
    """An error no other request of this run can get past (bad key, quota spent)."""


def to_api_error(
    exc: HttpError, what: str, secret: str | None = None, attempts: int = 1
) -> ApiError:
    reason = error_reason(exc)
    message = redact(error_message(exc), secret)
    if reason in FATAL_REASONS:
        return FatalApiError(what, exc.resp.status, reason, FATAL_REASONS[reason])
    if reason in HINTS:
        message = f"{message.rstrip('.')}; {HINTS[reason]}" if message else HINTS[reason]
    return ApiError(what, exc.resp.status, reason, message, attempts)
