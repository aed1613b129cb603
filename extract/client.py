"""A thin wrapper around google-api-python-client: endpoint, key, timeout, retry, ETags, and a
record of every request's quota cost.

The real client is used everywhere, pointed at Google or at the local emulator through
``YOUTUBE_API_URL``; its static discovery document means building it needs no network.
Every attempt (retries and failures included) is reported to ``on_request`` as a
:class:`RequestRecord`; the run writes them to the quota ledger.

Capture time: an answer's ``Date`` header says when its numbers were true, and becomes the
``captured_at`` of every item it carries (and the ledger's ``requested_at``). A header more
than ``MAX_DATE_AHEAD`` (15 minutes) ahead of this machine's clock cannot be true, and one such
answer would otherwise move every incremental model's cutoff into the future: it is not used
(a warning names the request) and the capture time is the API's clock as its earlier answers
in this run showed it, i.e. this machine's clock plus the offset the last believable header
gave (this machine's clock before any). A missing or unreadable header is treated the same
way. A header behind this machine's clock is believed: the emulator the tests and benchmarks
use serves a clock set in the past on purpose, and an old capture time cannot push a cutoff
forward (the dbt models also ignore captures more than an hour after the build's clock).
"""

from __future__ import annotations

import http.client
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from extract.errors import (
    FATAL_REASONS,
    ApiUnreachable,
    ExtractError,
    MalformedResponse,
    error_reason,
    protect_logs,
    redact,
    to_api_error,
)
from extract.resources import NOT_MODIFIED_COST, Resource
from extract.retry import RetryPolicy, call_with_retry, is_unreachable
from extract.settings import Settings

log = logging.getLogger(__name__)

# Refusals that consult no quota (bad key, API not enabled, nothing left): the emulator and,
# as far as anyone has measured, Google charge nothing for them. "forbidden" is charged.
UNCHARGED_REASONS = frozenset(FATAL_REASONS) - {"forbidden"}
# A Date header further ahead of this machine's clock than this is not a capture time.
MAX_DATE_AHEAD = timedelta(minutes=15)


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP attempt, for the quota ledger."""

    method: str  # "videos.list"
    resource: str  # extract.resources name: "videos", "most_popular_videos"...
    units: int
    requested_at: datetime  # the API's clock (its Date header, else our estimate of it)
    http_status: int | None  # None: no HTTP answer (timeout, reset, refused)
    reason: str | None  # the API's reason, or what went wrong on the wire
    request: dict[str, Any] | None = None  # the parameters asked (as pages.request has them)


@dataclass(frozen=True)
class Response:
    body: dict[str, Any]
    captured_at: datetime  # the server's Date header: when these numbers were true
    cost: int
    not_modified: bool = False  # a 304 to our If-None-Match: body is empty


def entity_tag(etag: str) -> str:
    """An ETag as an If-None-Match value: quoted, as RFC 9110 wants (older YouTube ETags
    carry their quotes already; newer ones come bare in the JSON)."""
    etag = etag.strip()
    return etag if etag.startswith(('"', 'W/"')) else f'"{etag}"'


class YouTubeClient:
    """Executes list calls with retries and counts the quota units they spend."""

    def __init__(
        self,
        settings: Settings,
        policy: RetryPolicy | None = None,
        rng: random.Random | None = None,
        on_request: Callable[[RequestRecord], None] | None = None,
    ) -> None:
        self.settings = settings
        self.policy = policy or RetryPolicy(
            max_attempts=settings.retry_attempts,
            base_delay=settings.retry_backoff_seconds,
            max_delay=min(30.0, settings.retry_max_seconds),
            max_total=settings.retry_max_seconds,
        )
        self.rng = rng or random.Random()
        self.on_request = on_request
        self.units: Counter[str] = Counter()  # quota units spent, by API method
        self.requests = 0
        self.seconds = 0.0  # wall time spent in list calls (waiting on the API, retries included)
        # the API's clock minus ours, from the last believable Date header
        self._skew = timedelta(0)
        protect_logs(settings.api_key)  # the client's own debug logs carry key= in URLs
        options = None if settings.uses_google else {"api_endpoint": settings.api_url}
        self._service = build(
            "youtube",
            "v3",
            developerKey=settings.api_key,
            static_discovery=True,
            client_options=options,
            http=httplib2.Http(timeout=settings.timeout_seconds),
            cache_discovery=False,
        )

    @property
    def units_spent(self) -> int:
        return sum(self.units.values())

    def server_now(self) -> datetime:
        """The API's clock, as far as its last Date header tells (ours before any answer)."""
        return datetime.now(UTC) + self._skew

    def _record(
        self,
        resource: Resource,
        units: int,
        at: datetime | None,
        status: int | None,
        reason: str | None,
        request: dict[str, Any] | None = None,
    ) -> None:
        self.requests += 1
        if units:
            self.units[resource.quota_method] += units
        if self.on_request is not None:
            record = RequestRecord(
                resource.api_method,
                resource.name,
                units,
                at or self.server_now(),
                status,
                reason,
                request,
            )
            self.on_request(record)

    def _seen(self, resp: httplib2.Response, what: str) -> datetime:
        """When the API answered ``what``: its Date header, when it is believable (see the
        module docstring), else the API's clock as the earlier answers showed it."""
        header = resp.get("date")
        at = _server_time(header)
        now = datetime.now(UTC)
        estimate = (now + self._skew).replace(microsecond=0)  # whole seconds, as headers
        if at is None:
            if header:
                log.warning(
                    "%s: unreadable Date header %r; capture time taken from this machine's "
                    "clock (%s)",
                    what,
                    header,
                    _iso(estimate),
                )
            return estimate
        if at - now > MAX_DATE_AHEAD:
            log.warning(
                "%s: the API's Date header says %s, %s ahead of this machine's clock (more "
                "than %d minutes cannot be true): not used; capture time %s instead. Check "
                "this machine's clock (NTP) and any proxy between it and the API.",
                what,
                _iso(at),
                _duration(at - now),
                MAX_DATE_AHEAD.total_seconds() // 60,
                _iso(estimate),
            )
            return estimate
        self._skew = at - now
        return at

    def list(
        self,
        resource: Resource,
        params: dict[str, Any],
        what: str,
        etag: str | None = None,
    ) -> Response:
        """One ``<resource>.list`` (or ``resource.call``) call, one page, retried on transient
        faults.

        With ``etag`` the request is conditional (If-None-Match): an unchanged page answers
        304, returned as ``Response(not_modified=True)`` with an empty body.
        """
        request_params = {"part": ",".join(resource.parts), **params}
        if resource.call != "list":  # batchGetStats: id and part are repeated parameters
            request_params["part"] = list(resource.parts)
            if isinstance(params.get("id"), str):
                request_params["id"] = [i for i in params["id"].split(",") if i]
        attempts = 0

        def attempt() -> Response:
            nonlocal attempts
            attempts += 1
            collection = getattr(self._service, resource.method)()
            request = getattr(collection, resource.call)(**request_params)
            if etag:
                request.headers["if-none-match"] = entity_tag(etag)
            seen: dict[str, Any] = {}
            original_postproc = request.postproc

            def postproc(resp: httplib2.Response, content: bytes) -> Any:
                seen["resp"] = resp
                return original_postproc(resp, content)

            request.postproc = postproc
            try:
                body = request.execute(num_retries=0)
            except HttpError as exc:
                at = self._seen(exc.resp, what)
                if exc.resp.status == 304:
                    self._record(resource, NOT_MODIFIED_COST, at, 304, None, params)
                    return Response({}, at, NOT_MODIFIED_COST, not_modified=True)
                reason = error_reason(exc)
                # A method the project does not have (404) consults no quota either.
                free = reason in UNCHARGED_REASONS or (
                    exc.resp.status == 404 and resource.call != "list"
                )
                units = 0 if free else resource.cost
                self._record(resource, units, at, exc.resp.status, reason, params)
                raise
            except (OSError, http.client.HTTPException, httplib2.HttpLib2Error) as exc:
                # A request that left this machine was most likely processed (and charged)
                # even if the answer never came back: count it, to err on the safe side.
                units = 0 if is_unreachable(exc) else resource.cost
                self._record(resource, units, None, None, _wire_reason(exc), params)
                raise
            at = self._seen(seen["resp"], what) if "resp" in seen else self.server_now()
            if not isinstance(body, dict):
                # The Google client hands back an undecodable body as a str instead of raising.
                self._record(resource, resource.cost, at, 200, "malformedResponse", params)
                raise MalformedResponse(f"{what}: body is not a JSON object")
            self._record(resource, resource.cost, at, 200, None, params)
            return Response(body=body, captured_at=at, cost=resource.cost)

        url = self.settings.api_url
        started = time.monotonic()
        try:
            return call_with_retry(attempt, what, self.policy, self.rng)
        except HttpError as exc:
            raise to_api_error(exc, what, self.settings.api_key, attempts) from None
        except MalformedResponse:
            raise ExtractError(
                f"{what}: the API answered with a body that is not valid JSON "
                f"({_times(attempts)}); skipped, the next run asks again"
            ) from None
        except TimeoutError:
            raise ExtractError(
                f"{what}: no answer from {url} within {self.settings.timeout_seconds:g}s "
                f"({_times(attempts)}); the API may be slow or unreachable: try again later or "
                "raise YOUTUBE_TIMEOUT_SECONDS"
            ) from None
        except (OSError, http.client.HTTPException, httplib2.HttpLib2Error) as exc:
            if is_unreachable(exc):
                raise ApiUnreachable(
                    f"cannot reach the YouTube API at {url} ({_wire_reason(exc)}, "
                    f"{_times(attempts)}): check YOUTUBE_API_URL and the network"
                ) from None
            detail = redact(str(exc), self.settings.api_key) or type(exc).__name__
            raise ExtractError(
                f"{what}: the connection to {url} failed ({_wire_reason(exc)}: {detail}; "
                f"{_times(attempts)}); skipped, the next run asks again"
            ) from None
        finally:
            self.seconds += time.monotonic() - started


def _times(attempts: int) -> str:
    return "once" if attempts == 1 else f"tried {attempts} times"


def _wire_reason(exc: BaseException) -> str:
    """A short name for a transport failure, for the ledger and messages."""
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connectionRefused"
    if isinstance(exc, httplib2.ServerNotFoundError):
        return "serverNotFound"
    if isinstance(exc, OSError) and exc.errno is not None and is_unreachable(exc):
        return "hostUnreachable"
    if isinstance(exc, ConnectionResetError | http.client.RemoteDisconnected):
        return "connectionReset"
    return type(exc).__name__


def _server_time(header: str | None) -> datetime | None:
    """A Date header's time, if it is a readable one."""
    if header:
        try:
            at = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return None
        if at is not None and at.tzinfo is not None:  # "-0000" parses as naive: no zone
            return at.astimezone(UTC)
    return None


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _duration(delta: timedelta) -> str:
    """A rough, readable length of time: "3 days", "2 h 5 min", "17 min"."""
    if delta >= timedelta(days=2):
        return f"{delta.days:,} days"
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
