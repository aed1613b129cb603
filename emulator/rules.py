"""What every scripted rule of the emulator shares (faults, answer rewrites): which API calls
it matches, how many of them it acts on, its JSON form, and the thread-safe ordered list the
server keeps them in.

Matching: ``method`` ("videos.list", "youtube.videos.list" or "videos"; "*" = any),
``params`` (each given query parameter must be present with exactly that value; repeated
parameters are compared comma-joined, as the server sees them), ``page_token_only`` (only
calls that carry a ``pageToken``). Counting: ``after`` lets that many matching calls through
first, ``times`` is how many calls the rule then applies to (None = every later one). Every
matching rule counts a call, even when another rule is the one that applies; ``matched`` and
``applied`` are kept per rule, under the list's lock (the server is threaded).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Generic, Self, TypeVar

from emulator.api.methods import RULE_METHODS


def method_name(text: str) -> str:
    """A rule's method as the server names it: "videos.list" -> "youtube.videos.list".

    "videos" and "youtube.videos.list" are accepted too (a bare resource means its list
    method), and so is "videos.batchGetStats"; "*" (any method) stays as it is.
    """
    name = text.strip()
    if name == "*":
        return name
    if not name.startswith("youtube."):
        name = "youtube." + name
    if name.count(".") == 1:
        name += ".list"
    known = sorted(m.name for m in RULE_METHODS.values())
    if name not in known:
        raise ValueError(f"unknown method {text!r} in a rule; expected '*' or one of {known}")
    return name


@dataclass(kw_only=True)
class CallRule:
    """The matching and counting fields of a rule; subclasses add what the rule does.

    ``WHAT`` names the rule in messages ("fault", "rewrite") and ``TYPE_FIELD`` is the field
    a rule's JSON object must carry ("kind", "action")."""

    WHAT: ClassVar[str] = "rule"
    TYPE_FIELD: ClassVar[str] = "kind"

    method: str = "*"
    params: dict[str, str] = field(default_factory=dict)
    page_token_only: bool = False
    after: int = 0
    times: int | None = None
    matched: int = field(default=0, init=False, compare=False)
    applied: int = field(default=0, init=False, compare=False)

    def _check_call_filter(self) -> None:
        self.method = method_name(self.method)
        if not isinstance(self.params, dict):
            raise ValueError(f"params must be an object of query parameters, got {self.params!r}")
        self.params = {str(k): str(v) for k, v in self.params.items()}
        if self.after < 0 or (self.times is not None and self.times < 0):
            raise ValueError(
                f"after and times must be >= 0 (after={self.after}, times={self.times})"
            )

    def matches(self, method: str, query: dict[str, str]) -> bool:
        if self.method != "*" and self.method != method:
            return False
        if self.page_token_only and not query.get("pageToken"):
            return False
        return all(query.get(name) == value for name, value in self.params.items())

    def due(self) -> bool:
        """Called with the list's lock held, after ``matched`` counted this call."""
        return self.matched > self.after and (self.times is None or self.applied < self.times)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """A rule from its JSON object (the admin routes and ``--faults`` files)."""
        if not isinstance(data, dict):
            raise ValueError(f"a {cls.WHAT} rule is a JSON object, got {data!r}")
        names = {f.name for f in fields(cls) if f.init}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(
                f"unknown field(s) {unknown} in {cls.WHAT} rule; expected {sorted(names)}"
            )
        if cls.TYPE_FIELD not in data:
            raise ValueError(
                f"{cls.WHAT} rule without a{'n' if cls.TYPE_FIELD[0] in 'aeiou' else ''} "
                f"{cls.TYPE_FIELD}: {data!r}"
            )
        try:
            return cls(**data)
        except TypeError as exc:
            raise ValueError(f"bad {cls.WHAT} rule {data!r}: {exc}") from None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


R = TypeVar("R", bound=CallRule)


class RuleBook(Generic[R]):
    """The ordered, thread-safe list of one kind of rule the server consults for every call."""

    rule_type: type[R]

    def __init__(self, rules: Iterable[R | dict[str, Any]] = ()) -> None:
        self._lock = threading.Lock()
        self._rules: list[R] = []
        self.add(*rules)

    def add(self, *rules: R | dict[str, Any]) -> list[R]:
        """Append rules (rule objects or their JSON dicts); returns the rule objects.

        Keep a reference to read ``matched``/``applied`` later: the list stores these objects.
        """
        parsed = [r if isinstance(r, CallRule) else self.rule_type.from_dict(r) for r in rules]
        with self._lock:
            self._rules.extend(parsed)  # type: ignore[arg-type]
        return parsed  # type: ignore[return-value]

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[R]:
        with self._lock:
            return list(self._rules)

    def __len__(self) -> int:
        with self._lock:
            return len(self._rules)

    def _matching(self, method: str, query: dict[str, str]) -> Iterator[R]:
        """The rules matching a call, each counted; iterate with the lock held (``with``)."""
        for rule in self._rules:
            if rule.matches(method, query):
                rule.matched += 1
                yield rule

    def to_list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.to_dict() for rule in self._rules]

    @classmethod
    def parse(cls, payload: Any) -> list[R]:
        """Rules from JSON: one rule object, a list of them, or ``{"<what>s": [...]}``."""
        key = f"{cls.rule_type.WHAT}s"
        if isinstance(payload, dict) and set(payload) == {key}:
            payload = payload[key]
        if isinstance(payload, dict):
            payload = [payload]
        if not isinstance(payload, list):
            raise ValueError(f"expected a {cls.rule_type.WHAT} rule object or a list of them")
        return [cls.rule_type.from_dict(item) for item in payload]
