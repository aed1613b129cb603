"""Errors the extractor raises, and helpers to read Google's error bodies safely.

The Google client puts ``key=<API key>`` in request URLs, and so in ``HttpError`` text:
everything user-visible goes through :func:`redact`.
"""

from __future__ import annotations

import json
import re

from googleapiclient.errors import HttpError

_KEY_IN_URL = re.compile(r"([?&]key=)[^&#\s'\"]+")


def redact(text: str, secret: str | None = None) -> str:
    """Remove API keys from URLs (and the literal key, when known) in ``text``."""
    text = _KEY_IN_URL.sub(r"\1REDACTED", text)
    if secret:
        text = text.replace(secret, "REDACTED")
    return text


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


class ApiError(ExtractError):
    """The API refused a request."""

    def __init__(self, what: str, status: int, reason: str | None, message: str) -> None:
        self.what = what
        self.status = status
        self.reason = reason
        super().__init__(f"{what}: HTTP {status} {reason or ''}: {message}".replace("  ", " "))


FATAL_REASONS = {
    "API_KEY_INVALID": "the API key is invalid: check YOUTUBE_API_KEY (Google Cloud console > "
    "APIs & Services > Credentials)",
    "keyInvalid": "the API key is invalid: check YOUTUBE_API_KEY",
    "accessNotConfigured": "the YouTube Data API v3 is not enabled for this key's project: "
    "enable it in the Google Cloud console (APIs & Services > Library)",
    "SERVICE_DISABLED": "the YouTube Data API v3 is not enabled for this key's project: "
    "enable it in the Google Cloud console (APIs & Services > Library)",
    "quotaExceeded": "the daily quota is spent; it resets at midnight Pacific time. What was "
    "fetched is kept; the next run after the reset continues",
    "forbidden": "the API refused the key: check YOUTUBE_API_KEY and its restrictions",
}


class FatalApiError(ApiError):
    """An error no other request of this run can get past (bad key, quota spent)."""


def to_api_error(exc: HttpError, what: str, secret: str | None = None) -> ApiError:
    reason = error_reason(exc)
    message = redact(error_message(exc), secret)
    if reason in FATAL_REASONS:
        return FatalApiError(what, exc.resp.status, reason, FATAL_REASONS[reason])
    return ApiError(what, exc.resp.status, reason, message)
