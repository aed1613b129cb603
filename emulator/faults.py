"""Scriptable faults: API errors, slow answers, connection resets, malformed JSON and paging
that runs away or loops.

A ``FaultPlan`` is an ordered list of ``Fault`` rules. For every API call that got past the key
and daily-quota checks, the server asks the plan (``FaultPlan.decide``); each rule whose filter
matches counts the call, and the first rule that is due applies:

    Fault(kind="error", status=503, reason="backendError", method="videos.list", times=2)
    Fault(kind="error", reason="invalidPageToken", method="playlistItems.list",
          page_token_only=True, times=1)          # a page token that expired
    Fault(kind="slow", delay_seconds=5, params={"regionCode": "JP"})
    Fault(kind="reset", method="playlistItems.list", after=3)
    Fault(kind="malformed", params={"chart": "mostPopular"}, times=1)
    Fault(kind="runaway_pages", method="playlistItems.list", params={"playlistId": "UU..."})
    Fault(kind="repeated_token", method="playlistItems.list", page_token_only=True)

Kinds:

- ``error``: the API answers ``status`` with Google's JSON error body for ``reason`` (bodies
  live in ``api/errors.py``; ``REASONS`` lists the known ones with their default status). An
  unknown reason needs a ``status`` and gets a generic body (``message``/``domain`` override
  the text).
- ``slow``: the call is answered normally, but only after ``delay_seconds`` (a client timeout
  shorter than that fires first).
- ``reset``: the call is processed, then the connection is closed with a TCP reset (RST) and
  no response at all: the client gets ``ConnectionResetError``. (A plain close would show as
  ``RemoteDisconnected``, which httplib2 silently retries once on a fresh connection; a reset
  it does not retry, so one rule application is one error the extractor sees.)
- ``malformed``: status 200, ``application/json``, and the first half of the real body (never
  valid JSON: a strict prefix of a JSON object cannot be). Note: google-api-python-client does
  not raise on it; ``execute()`` returns the undecodable body as a ``str`` instead of a dict.
- ``runaway_pages``: the call is served one item per page, whatever ``maxResults`` asked:
  every answer carries a fresh ``nextPageToken`` until the listing's last item, while
  ``pageInfo.totalResults`` still counts them all. A listing of N items then takes N calls
  (N units) instead of N/50: a ``nextPageToken`` that does not stop where the listing's own
  counts say it should. For paged listings (playlistItems, playlists, the mostPopular chart).
- ``repeated_token``: a call carrying a ``pageToken`` is answered with the listing's first
  page, as if the token were ignored: its ``nextPageToken`` is the one the client already
  followed, so a client that trusts it loops for ever (calls without a token are served as
  usual; ``page_token_only`` keeps them from counting).

``runaway_pages`` and ``repeated_token`` act on the request, not on the wire:
``FaultPlan.decide`` rewrites the query it is handed (``maxResults``, ``pageToken``) and the
server serves that query.

Matching (``method``, ``params``, ``page_token_only``) and counting (``after``, ``times``,
``matched``, ``applied``) are those of every scripted rule: see ``rules.py``.

Quota cost of a faulted call (an assumption: Google documents none of this):

- ``error``: 1 unit, like any invalid request, except reasons that mean no quota was consulted
  or none is left: ``quotaExceeded``, ``dailyLimitExceeded``, ``keyInvalid``,
  ``API_KEY_INVALID``, ``accessNotConfigured`` (0 units).
- ``slow``, ``reset``, ``malformed``, ``runaway_pages``, ``repeated_token``: the call is
  processed, so it costs what it would have cost (1 unit; ``not_modified_cost`` for a 304),
  whether or not the client saw the answer.
- ``cost`` on a rule overrides all of this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from emulator.api import errors
from emulator.rules import CallRule, RuleBook

FaultKind = Literal["error", "slow", "reset", "malformed", "runaway_pages", "repeated_token"]
KINDS: tuple[str, ...] = (
    "error",
    "slow",
    "reset",
    "malformed",
    "runaway_pages",
    "repeated_token",
)

# reason -> (default HTTP status, body builder taking the status).
REASONS: dict[str, tuple[int, Callable[[int], errors.ApiError]]] = {
    "backendError": (500, errors.backend_error),
    "rateLimitExceeded": (403, errors.rate_limit_exceeded),
    "userRateLimitExceeded": (403, lambda code: errors.rate_limit_exceeded(code, user=True)),
    "quotaExceeded": (403, errors.quota_exceeded),
    "dailyLimitExceeded": (403, errors.daily_limit_exceeded),
    "playlistNotFound": (404, errors.playlist_not_found),
    "channelNotFound": (404, errors.channel_not_found),
    "videoChartNotFound": (400, errors.chart_not_found),
    "invalidPageToken": (400, errors.invalid_page_token),
    "invalidRegionCode": (400, errors.invalid_region_code),
    "accessNotConfigured": (403, errors.access_not_configured),
    "keyInvalid": (400, errors.key_invalid_legacy),
    "API_KEY_INVALID": (400, lambda code: errors.invalid_key()),  # Fault.api_error sets the code
}
# Reasons a status alone implies, so Fault(kind="error", status=503) is enough.
DEFAULT_REASONS = {500: "backendError", 502: "backendError", 503: "backendError",
                   504: "backendError", 429: "rateLimitExceeded"}  # fmt: skip
FREE_REASONS = frozenset(
    {"quotaExceeded", "dailyLimitExceeded", "keyInvalid", "API_KEY_INVALID", "accessNotConfigured"}
)


@dataclass
class Fault(CallRule):
    """One rule of a fault plan; see the module docstring for the fields' meaning (and
    ``rules.py`` for the matching and counting fields)."""

    WHAT: ClassVar[str] = "fault"
    TYPE_FIELD: ClassVar[str] = "kind"

    kind: FaultKind
    status: int | None = None
    reason: str | None = None
    message: str | None = None
    domain: str | None = None
    delay_seconds: float = 0.0
    cost: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {list(KINDS)}")
        self._check_call_filter()
        if self.cost is not None and self.cost < 0:
            raise ValueError(f"cost must be >= 0, got {self.cost}")
        if self.kind == "error":
            if self.reason is None and self.status is not None:
                self.reason = DEFAULT_REASONS.get(self.status)
            if self.reason is None:
                implied = f"status {self.status} implies none" if self.status else "no status"
                raise ValueError(
                    f"an error fault needs a reason ({implied}; 5xx and 429 imply one); "
                    f"known reasons: {sorted(REASONS)}"
                )
            if self.status is None:
                if self.reason not in REASONS:
                    raise ValueError(
                        f"error fault with unknown reason {self.reason!r} needs a status"
                    )
                self.status = REASONS[self.reason][0]
            if not 400 <= self.status <= 599:
                raise ValueError(f"an error fault's status must be 4xx or 5xx, got {self.status}")
        elif self.kind == "slow" and not self.delay_seconds > 0:
            raise ValueError(f"a slow fault needs delay_seconds > 0, got {self.delay_seconds}")

    # ----------------------------------------------------------------- effect

    def rewrite(self, query: dict[str, str]) -> None:
        """Act out the kinds that change what is served, on the call's query (in place)."""
        if self.kind == "runaway_pages":
            query["maxResults"] = "1"
        elif self.kind == "repeated_token":
            query.pop("pageToken", None)

    def api_error(self) -> errors.ApiError:
        """The error this rule answers with (kind "error" only)."""
        assert self.kind == "error" and self.reason is not None and self.status is not None
        if self.reason in REASONS:
            error = REASONS[self.reason][1](self.status)
            error.code = self.status
        else:
            error = errors.ApiError(self.status, self.message or self.reason, self.reason)
        if self.message is not None:
            error.message = self.message
        if self.domain is not None:
            error.domain = self.domain
        return error

    def error_cost(self) -> int:
        """Units an error answer costs (see the module docstring)."""
        if self.cost is not None:
            return self.cost
        return 0 if self.reason in FREE_REASONS else 1


class FaultPlan(RuleBook[Fault]):
    """The ordered, thread-safe list of fault rules the server consults for every API call."""

    rule_type = Fault

    def decide(self, method: str, query: dict[str, str]) -> Fault | None:
        """Count the call against every matching rule; the first one due applies (or none).

        A rule acting on the request (``runaway_pages``, ``repeated_token``) rewrites
        ``query`` in place: the server then serves the query it handed in."""
        chosen: Fault | None = None
        with self._lock:
            for rule in self._matching(method, query):
                if chosen is None and rule.due():
                    rule.applied += 1
                    chosen = rule
        if chosen is not None:
            chosen.rewrite(query)
        return chosen


def parse_rules(payload: Any) -> list[Fault]:
    """Rules from JSON: one rule object, a list of them, or ``{"faults": [...]}``."""
    return FaultPlan.parse(payload)
