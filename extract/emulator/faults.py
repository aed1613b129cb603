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
  live in ``api.py``; ``REASONS`` lists the known ones with their default status). An unknown
  reason needs a ``status`` and gets a generic body (``message``/``domain`` override the text).
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

Matching: ``method`` ("videos.list", "youtube.videos.list" or "videos"; "*" = any),
``params`` (each given query parameter must be present with exactly that value; repeated
parameters are compared comma-joined, as the server sees them), ``page_token_only`` (only calls
that carry a ``pageToken``). Counting: ``after`` lets that many matching calls through first,
``times`` is how many calls the rule then applies to (None = every later one). Every matching
rule counts a call, even when an earlier rule is the one that applies; ``matched`` and
``applied`` are kept per rule (under the plan's lock: the server is threaded).

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

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from extract.emulator import api

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
REASONS: dict[str, tuple[int, Callable[[int], api.ApiError]]] = {
    "backendError": (500, api.backend_error),
    "rateLimitExceeded": (403, api.rate_limit_exceeded),
    "userRateLimitExceeded": (403, lambda code: api.rate_limit_exceeded(code, user=True)),
    "quotaExceeded": (403, api.quota_exceeded),
    "dailyLimitExceeded": (403, api.daily_limit_exceeded),
    "playlistNotFound": (404, api.playlist_not_found),
    "channelNotFound": (404, api.channel_not_found),
    "videoChartNotFound": (400, api.chart_not_found),
    "invalidPageToken": (400, api.invalid_page_token),
    "invalidRegionCode": (400, api.invalid_region_code),
    "accessNotConfigured": (403, api.access_not_configured),
    "keyInvalid": (400, api.key_invalid_legacy),
    "API_KEY_INVALID": (400, lambda code: api.invalid_key()),  # Fault.api_error sets the code
}
# Reasons a status alone implies, so Fault(kind="error", status=503) is enough.
DEFAULT_REASONS = {500: "backendError", 502: "backendError", 503: "backendError",
                   504: "backendError", 429: "rateLimitExceeded"}  # fmt: skip
FREE_REASONS = frozenset(
    {"quotaExceeded", "dailyLimitExceeded", "keyInvalid", "API_KEY_INVALID", "accessNotConfigured"}
)


def method_name(text: str) -> str:
    """A rule's method as the server names it: "videos.list" -> "youtube.videos.list".

    "videos" and "youtube.videos.list" are accepted too; "*" (any method) stays as it is.
    """
    name = text.strip()
    if name == "*":
        return name
    if not name.startswith("youtube."):
        name = "youtube." + name
    if not name.endswith(".list"):
        name += ".list"
    known = sorted(m.name for m in api.METHODS.values())
    if name not in known:
        raise ValueError(f"unknown method {text!r} in a fault rule; expected '*' or one of {known}")
    return name


@dataclass
class Fault:
    """One rule of a fault plan; see the module docstring for the fields' meaning."""

    kind: FaultKind
    status: int | None = None
    reason: str | None = None
    message: str | None = None
    domain: str | None = None
    delay_seconds: float = 0.0
    method: str = "*"
    params: dict[str, str] = field(default_factory=dict)
    page_token_only: bool = False
    after: int = 0
    times: int | None = None
    cost: int | None = None
    matched: int = field(default=0, init=False, compare=False)
    applied: int = field(default=0, init=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {list(KINDS)}")
        self.method = method_name(self.method)
        if not isinstance(self.params, dict):
            raise ValueError(f"params must be an object of query parameters, got {self.params!r}")
        self.params = {str(k): str(v) for k, v in self.params.items()}
        if self.after < 0 or (self.times is not None and self.times < 0):
            raise ValueError(
                f"after and times must be >= 0 (after={self.after}, times={self.times})"
            )
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

    # ----------------------------------------------------------------- matching

    def matches(self, method: str, query: dict[str, str]) -> bool:
        if self.method != "*" and self.method != method:
            return False
        if self.page_token_only and not query.get("pageToken"):
            return False
        return all(query.get(name) == value for name, value in self.params.items())

    def _due(self) -> bool:
        """Called with the plan's lock held, after ``matched`` counted this call."""
        return self.matched > self.after and (self.times is None or self.applied < self.times)

    # ----------------------------------------------------------------- effect

    def rewrite(self, query: dict[str, str]) -> None:
        """Act out the kinds that change what is served, on the call's query (in place)."""
        if self.kind == "runaway_pages":
            query["maxResults"] = "1"
        elif self.kind == "repeated_token":
            query.pop("pageToken", None)

    def api_error(self) -> api.ApiError:
        """The error this rule answers with (kind "error" only)."""
        assert self.kind == "error" and self.reason is not None and self.status is not None
        if self.reason in REASONS:
            error = REASONS[self.reason][1](self.status)
            error.code = self.status
        else:
            error = api.ApiError(self.status, self.message or self.reason, self.reason)
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

    # ----------------------------------------------------------------- JSON

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fault:
        """A rule from its JSON object (the admin route and ``--faults`` files)."""
        if not isinstance(data, dict):
            raise ValueError(f"a fault rule is a JSON object, got {data!r}")
        names = {f.name for f in fields(cls) if f.init}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown field(s) {unknown} in fault rule; expected {sorted(names)}")
        if "kind" not in data:
            raise ValueError(f"fault rule without a kind: {data!r}; expected one of {list(KINDS)}")
        try:
            return cls(**data)
        except TypeError as exc:
            raise ValueError(f"bad fault rule {data!r}: {exc}") from None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class FaultPlan:
    """The ordered, thread-safe list of rules the server consults for every API call."""

    def __init__(self, faults: Iterable[Fault | dict[str, Any]] = ()) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []
        self.add(*faults)

    def add(self, *faults: Fault | dict[str, Any]) -> list[Fault]:
        """Append rules (``Fault`` objects or their JSON dicts); returns the ``Fault`` objects.

        Keep a reference to read ``matched``/``applied`` later: the plan stores these objects.
        """
        rules = [f if isinstance(f, Fault) else Fault.from_dict(f) for f in faults]
        with self._lock:
            self._rules.extend(rules)
        return rules

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[Fault]:
        with self._lock:
            return list(self._rules)

    def __len__(self) -> int:
        with self._lock:
            return len(self._rules)

    def decide(self, method: str, query: dict[str, str]) -> Fault | None:
        """Count the call against every matching rule; the first one due applies (or none).

        A rule acting on the request (``runaway_pages``, ``repeated_token``) rewrites
        ``query`` in place: the server then serves the query it handed in."""
        chosen: Fault | None = None
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, query):
                    continue
                rule.matched += 1
                if chosen is None and rule._due():
                    rule.applied += 1
                    chosen = rule
        if chosen is not None:
            chosen.rewrite(query)
        return chosen

    def to_list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.to_dict() for rule in self._rules]


def parse_rules(payload: Any) -> list[Fault]:
    """Rules from JSON: one rule object, a list of them, or ``{"faults": [...]}``."""
    if isinstance(payload, dict) and set(payload) == {"faults"}:
        payload = payload["faults"]
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list):
        raise ValueError("expected a fault rule object or a list of them")
    return [Fault.from_dict(item) for item in payload]
