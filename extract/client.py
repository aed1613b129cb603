"""A thin wrapper around google-api-python-client: endpoint, key, timeout, retry, unit count.

The real client is used everywhere, pointed at Google or at the local emulator through
``YOUTUBE_API_URL``; its static discovery document means building it needs no network.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from extract.errors import ExtractError, redact, to_api_error
from extract.resources import Resource
from extract.retry import RetryPolicy, call_with_retry
from extract.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Response:
    body: dict[str, Any]
    captured_at: datetime  # the server's Date header: when these numbers were true
    cost: int


class YouTubeClient:
    """Executes list calls with retries and counts the quota units they spend."""

    def __init__(
        self,
        settings: Settings,
        policy: RetryPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.policy = policy or RetryPolicy()
        self.rng = rng or random.Random()
        self.units: Counter[str] = Counter()  # quota units spent, by API method
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

    def list(self, resource: Resource, params: dict[str, Any], what: str) -> Response:
        """One ``<resource>.list`` call (one page), retried on transient faults."""
        request_params = {"part": ",".join(resource.parts), **params}

        def attempt() -> Response:
            request = getattr(self._service, resource.method)().list(**request_params)
            seen: dict[str, Any] = {}
            original_postproc = request.postproc

            def postproc(resp: httplib2.Response, content: bytes) -> Any:
                seen["resp"] = resp
                return original_postproc(resp, content)

            request.postproc = postproc
            # Every attempt that reaches the API costs units, errors included.
            try:
                body = request.execute(num_retries=0)
            finally:
                if "resp" in seen:
                    self.units[resource.quota_method] += resource.cost
            return Response(body=body, captured_at=_server_time(seen["resp"]), cost=resource.cost)

        try:
            return call_with_retry(attempt, what, self.policy, self.rng)
        except HttpError as exc:
            raise to_api_error(exc, what, self.settings.api_key) from None
        except TimeoutError as exc:
            raise ExtractError(
                f"{what}: no answer from {self.settings.api_url} within "
                f"{self.settings.timeout_seconds:g}s ({type(exc).__name__}); the API may be "
                "slow or unreachable: try again later or raise YOUTUBE_TIMEOUT_SECONDS"
            ) from None
        except (OSError, httplib2.HttpLib2Error) as exc:
            raise ExtractError(
                f"{what}: cannot reach the YouTube API at {self.settings.api_url} "
                f"({redact(str(exc), self.settings.api_key) or type(exc).__name__}): check "
                "YOUTUBE_API_URL and the network"
            ) from None


def _server_time(resp: httplib2.Response) -> datetime:
    """The response's Date header; our own clock if the header is missing or unreadable."""
    header = resp.get("date")
    if header:
        try:
            return parsedate_to_datetime(header).astimezone(UTC)
        except (TypeError, ValueError):
            log.debug("unreadable Date header %r", header)
    return datetime.now(UTC).replace(microsecond=0)
