"""The API's errors in Google's error-body format, one constructor per reason.

An ``ApiError`` carries the HTTP status and renders the JSON body (``{"error": {"code",
"message", "errors": [...], "status", "details"}}``) exactly as Google writes it for that reason:
the texts, domains and locations below are copied from real recorded responses. The list
methods raise the first group; the fault plan (``faults.py``) and the server serve the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ApiError(Exception):
    """An error the API answers with: HTTP status plus Google's JSON error body."""

    def __init__(
        self,
        code: int,
        message: str,
        reason: str,
        domain: str = "global",
        *,
        location: str | None = None,
        location_type: str = "parameter",
        status: str | None = None,
        details: list[dict[str, Any]] | None = None,
        extended_help: str | None = None,
    ) -> None:
        super().__init__(f"{code} {reason}: {message}")
        self.code = code
        self.message = message
        self.reason = reason
        self.domain = domain
        self.location = location
        self.location_type = location_type
        self.status = status
        self.details = details
        self.extended_help = extended_help

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "domain": self.domain}
        error["reason"] = self.reason
        if self.location is not None:
            error["location"] = self.location
            error["locationType"] = self.location_type
        if self.extended_help is not None:
            error["extendedHelp"] = self.extended_help
        body: dict[str, Any] = {"code": self.code, "message": self.message, "errors": [error]}
        if self.status:
            body["status"] = self.status
        if self.details:
            body["details"] = self.details
        return {"error": body}


def missing_key() -> ApiError:
    return ApiError(
        403,
        "The request is missing a valid API key.",
        "forbidden",
        status="PERMISSION_DENIED",
    )


def invalid_key() -> ApiError:
    # Shape of a real response recorded by mopidy-youtube (api_search__09__videos.json).
    return ApiError(
        400,
        "API key not valid. Please pass a valid API key.",
        "badRequest",
        status="INVALID_ARGUMENT",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "youtube.googleapis.com"},
            }
        ],
    )


def method_not_found() -> ApiError:
    return ApiError(404, "Method not found.", "notFound", status="NOT_FOUND")


def method_not_allowed() -> ApiError:
    return ApiError(405, "Method not allowed.", "methodNotAllowed")


def required(name: str) -> ApiError:
    return ApiError(400, f"Required parameter: {name}", "required", location=name)


def no_filter(expected: Sequence[str]) -> ApiError:
    return ApiError(
        400,
        f"No filter selected. Expected one of: {', '.join(expected)}",
        "missingRequiredParameter",
        "youtube.parameter",
        location="parameters.",
        location_type="other",
    )


def incompatible(names: Sequence[str]) -> ApiError:
    return ApiError(
        400,
        f"Incompatible parameters specified in the request: {', '.join(names)}",
        "incompatibleParameters",
        "youtube.parameter",
        location="parameters.",
        location_type="other",
    )


def invalid_value(name: str, value: str, low: int, high: int) -> ApiError:
    return ApiError(
        400,
        f"Invalid value '{value}'. Values must be within the range: [{low}, {high}]",
        "invalid",
        location=name,
        status="INVALID_ARGUMENT",
    )


def too_many_ids() -> ApiError:
    return ApiError(
        400,
        "The request specifies an invalid filter parameter.",
        "invalidFilters",
        "youtube.parameter",
        location="parameters.",
        location_type="other",
    )


def invalid_page_token(code: int = 400) -> ApiError:
    return ApiError(
        code,
        "The request specifies an invalid page token.",
        "invalidPageToken",
        "youtube.parameter",
        location="pageToken",
    )


def unauthorized(name: str) -> ApiError:
    return ApiError(
        401,
        f"The request uses the <code>{name}</code> parameter but is not properly authorized.",
        "authorizationRequired",
        "youtube.parameter",
        location=name,
    )


def unknown_parameter(name: str) -> ApiError:
    return ApiError(
        400,
        f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query parameter. '
        f"Field '{name}' could not be found in request message.",
        "badRequest",
        status="INVALID_ARGUMENT",
    )


def unknown_part(part: str) -> ApiError:
    return ApiError(400, f"'{part}'", "unknownPart", "youtube.part", location="part")


def invalid_chart(chart: str) -> ApiError:
    return ApiError(
        400,
        f"Invalid value '{chart}'. Expected one of: chartUnspecified, mostPopular",
        "invalid",
        location="chart",
        status="INVALID_ARGUMENT",
    )


def invalid_search_filter(name: str, value: str) -> ApiError:
    return ApiError(
        400,
        f"Invalid value '{value}' for {name}.",
        "invalidSearchFilter",
        "youtube.search",
        location=name,
    )


def invalid_order(order: str) -> ApiError:
    return ApiError(
        400,
        f"Invalid value '{order}'.",
        "invalidParameter",
        "youtube.parameter",
        location="order",
    )


def chart_not_found(code: int = 400) -> ApiError:
    # Google's videos.list reference documents videoChartNotFound as 400 (badRequest); some
    # services have been seen answering 404. Clients must key on the reason, not the status.
    return ApiError(
        code,
        "The requested video chart is not supported or is not available.",
        "videoChartNotFound",
        "youtube.video",
        location="chart",
    )


def invalid_region_code(code: int = 400) -> ApiError:
    # What Google answers for a well-formed code it does not support (e.g. "VE" once, "XX"):
    # videoCategories.list and the mostPopular chart take only regions i18nRegions lists.
    return ApiError(
        code,
        "The <code>regionCode</code> parameter specifies an invalid region code.",
        "invalidRegionCode",
        "youtube.parameter",
        location="regionCode",
    )


def playlist_not_found(code: int = 404) -> ApiError:
    return ApiError(
        code,
        "The playlist identified with the request's <code>playlistId</code> parameter "
        "cannot be found.",
        "playlistNotFound",
        "youtube.playlistItem",
        location="playlistId",
    )


def channel_not_found(code: int = 404) -> ApiError:
    return ApiError(
        code,
        "The channel specified in the <code>channelId</code> parameter cannot be found.",
        "channelNotFound",
        "youtube.playlist",
        location="channelId",
    )


# Errors the list methods never produce on their own; the fault plan (faults.py) serves them.


def quota_exceeded(code: int = 403) -> ApiError:
    # As recorded from the real API (ShareX/ShareX#4477): HTML link in the message, no "status".
    return ApiError(
        code,
        'The request cannot be completed because you have exceeded your <a href="/youtube/v3/'
        'getting-started#quota">quota</a>.',
        "quotaExceeded",
        "youtube.quota",
    )


def daily_limit_exceeded(code: int = 403) -> ApiError:
    # The pre-2020 wording of a spent daily quota; still seen in older client code paths.
    return ApiError(
        code,
        "Daily Limit Exceeded. The quota will be reset at midnight Pacific Time (PT). You may "
        "monitor your quota usage and adjust limits in the API Console: "
        "https://console.developers.google.com/apis/api/youtube.googleapis.com/quotas",
        "dailyLimitExceeded",
        "usageLimits",
    )


def backend_error(code: int = 500) -> ApiError:
    # 503s come in the newer shape (with "status"); 500s in the long-standing short one.
    if code == 503:
        return ApiError(
            503, "The service is currently unavailable.", "backendError", status="UNAVAILABLE"
        )
    return ApiError(code, "Backend Error", "backendError")


def rate_limit_exceeded(code: int = 403, *, user: bool = False) -> ApiError:
    reason = "userRateLimitExceeded" if user else "rateLimitExceeded"
    if code == 429:
        return ApiError(
            429,
            "Too many requests have been sent within a given time span.",
            reason,
            "youtube.quota",
            status="RESOURCE_EXHAUSTED",
        )
    return ApiError(
        code, "User Rate Limit Exceeded" if user else "Rate Limit Exceeded", reason, "usageLimits"
    )


def access_not_configured(code: int = 403, project: str = "123456789012") -> ApiError:
    # Shape of the real body recorded by joostlek/python-youtube (youtube_not_activated.json).
    console = (
        "https://console.developers.google.com/apis/api/youtube.googleapis.com/overview"
        f"?project={project}"
    )
    message = (
        f"YouTube Data API v3 has not been used in project {project} before or it is disabled. "
        f"Enable it by visiting {console} then retry. If you enabled this API recently, wait a "
        "few minutes for the action to propagate to our systems and retry."
    )
    return ApiError(
        code,
        message,
        "accessNotConfigured",
        "usageLimits",
        status="PERMISSION_DENIED",
        extended_help="https://console.developers.google.com",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [
                    {"description": "Google developers console API activation", "url": console}
                ],
            },
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "SERVICE_DISABLED",
                "domain": "googleapis.com",
                "metadata": {
                    "service": "youtube.googleapis.com",
                    "consumer": f"projects/{project}",
                },
            },
        ],
    )


def key_invalid_legacy(code: int = 400) -> ApiError:
    # The older bad-key body (sns-sdks/python-youtube testdata/error_response.json).
    return ApiError(code, "Bad Request", "keyInvalid", "usageLimits")
