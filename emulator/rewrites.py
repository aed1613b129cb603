"""Answer rewriting: what a proxy between the extractor and the API can do to an answer.

Mutations (``mutations.py``) change the world, so every answer stays well-formed; faults
(``faults.py``) break the exchange itself. Rewrites sit in between: the call is answered as
usual, then the answer is edited on its way out, into shapes the real API never documents but
a misbehaving proxy, cache or API release can produce. A ``Rewrites`` plan is an ordered list
of ``Rewrite`` rules, matched like fault rules; every rule that is due applies, in order:

    Rewrite("set", path="items[0].snippet.publishedAt", value="yesterday", method="videos.list")
    Rewrite("set", path="items[*].snippet.position", value="first", method="playlistItems.list")
    Rewrite("set", path="items[id=dQw4w9WgXcQ].statistics.viewCount", value=12)
    Rewrite("insert_items", values=[None, 42], method="videos.list", times=1)
    Rewrite("duplicate_item", index=0, params={"chart": "mostPopular"})
    Rewrite("date", value="Fri, 01 Jan 2100 00:00:00 GMT", method="videos.list", times=1)

Actions:

- ``set``: put ``value`` (any JSON value, ``None`` is ``null``) at ``path`` in the body.
  A path is keys joined by dots, with ``[n]`` (an index; negative counts from the end), ``[*]``
  (every element) and ``[id=X]`` (every element that is an object whose ``id`` is ``X``).
  Missing keys on the way are created as objects; an index out of range, or a step through
  something that is not an object or array, matches nothing.
- ``insert_items``: insert ``values`` (raw JSON values: ``null``, numbers, strings, objects)
  into ``items`` at ``position`` (default: the end).
- ``duplicate_item``: repeat the item at ``index`` (default 0) within the page, right after it
  (or at ``position``).
- ``date``: the answer's ``Date`` header says ``value``, as given (a ``datetime`` becomes an
  HTTP date; any other text goes out verbatim, so it can be unreadable). It also applies to a
  304 Not Modified, whose ``Date`` the extractor records as the page's capture time.

Matching and counting are every scripted rule's (``method``, ``params``, ``page_token_only``,
``after``, ``times``; see ``rules.py``): every matching call counts in ``matched``; a due
rule that changed the answer counts in ``applied`` (a ``set`` whose path matched nothing, or
a body rule on a 304, does not use up ``times``). Rewrites never touch error answers, the
quota, or the ETags: the body keeps the ETag of what the emulator produced, as behind a
proxy, so a later conditional request for the same page still answers 304 (and the extractor
keeps what it landed).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from typing import Any, ClassVar, Literal

from emulator.rules import CallRule, RuleBook

Action = Literal["set", "insert_items", "duplicate_item", "date"]
ACTIONS: tuple[str, ...] = ("set", "insert_items", "duplicate_item", "date")
_STEP = re.compile(r"([^.\[\]]+)|\[(\*|-?\d+|id=[^\]]*)\]|(\.)")


def parse_path(path: str) -> list[str | int]:
    """``"items[0].snippet.title"`` -> ``["items", 0, "snippet", "title"]``; ``[*]`` stays
    ``"[*]"`` and ``[id=X]`` stays ``"[id=X]"``. Raises ``ValueError`` on anything else."""
    steps: list[str | int] = []
    at = 0
    expect_key = True
    while at < len(path):
        match = _STEP.match(path, at)
        if match is None:
            raise ValueError(f"cannot read path {path!r} at character {at + 1}")
        key, selector, dot = match.groups()
        if dot is not None:
            if expect_key:
                raise ValueError(f"empty step in path {path!r} at character {at + 1}")
            expect_key = True
        elif key is not None:
            if not expect_key:
                raise ValueError(f"missing '.' before {key!r} in path {path!r}")
            steps.append(key)
            expect_key = False
        else:
            steps.append(int(selector) if selector.lstrip("-").isdigit() else f"[{selector}]")
            expect_key = False
        at = match.end()
    if not steps or expect_key:
        raise ValueError(f"path {path!r} is empty or ends with '.'")
    return steps


def _children(node: Any, step: str | int) -> Iterator[tuple[Any, str | int]]:
    """The (container, key) pairs ``step`` designates in ``node``."""
    if isinstance(step, int):
        if isinstance(node, list) and -len(node) <= step < len(node):
            yield node, step
    elif step == "[*]":
        if isinstance(node, list):
            yield from ((node, i) for i in range(len(node)))
    elif step.startswith("[id="):
        wanted = step[4:-1]
        if isinstance(node, list):
            for i, element in enumerate(node):
                if isinstance(element, dict) and element.get("id") == wanted:
                    yield node, i
    elif isinstance(node, dict):
        yield node, step


def set_at(body: Any, steps: list[str | int], value: Any) -> int:
    """Put a copy of ``value`` at every place ``steps`` designates; returns how many."""
    nodes = [body]
    for step in steps[:-1]:
        following = []
        for node in nodes:
            for container, key in _children(node, step):
                if isinstance(container, dict) and key not in container:
                    container[key] = {}
                following.append(container[key])
        nodes = following
    count = 0
    for node in nodes:
        for container, key in _children(node, steps[-1]):
            container[key] = copy.deepcopy(value)
            count += 1
    return count


@dataclass
class Rewrite(CallRule):
    """One rule of a rewrite plan; see the module docstring for the fields' meaning (and
    ``rules.py`` for the matching and counting fields)."""

    WHAT: ClassVar[str] = "rewrite"
    TYPE_FIELD: ClassVar[str] = "action"

    action: Action
    path: str | None = None
    value: Any = None
    values: list[Any] = field(default_factory=list)
    index: int = 0
    position: int | None = None

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown rewrite action {self.action!r}; expected one of {ACTIONS}")
        self._check_call_filter()
        if self.action == "set":
            if not isinstance(self.path, str):
                raise ValueError('a "set" rewrite needs a path, e.g. "items[0].snippet.title"')
            self._steps = parse_path(self.path)
        elif self.action == "insert_items":
            if not isinstance(self.values, list) or not self.values:
                raise ValueError('an "insert_items" rewrite needs a non-empty list of values')
        elif self.action == "duplicate_item":
            if isinstance(self.index, bool) or not isinstance(self.index, int):
                raise ValueError(f"index must be a whole number, got {self.index!r}")
        elif self.action == "date":
            if isinstance(self.value, datetime):
                self.value = format_datetime(self.value, usegmt=True)
            if not isinstance(self.value, str):
                raise ValueError(f'a "date" rewrite needs the header text, got {self.value!r}')
        if self.position is not None and (
            isinstance(self.position, bool) or not isinstance(self.position, int)
        ):
            raise ValueError(f"position must be a whole number or null, got {self.position!r}")

    def edit(self, body: dict[str, Any]) -> bool:
        """Apply a body action to ``body`` in place; True if it changed something."""
        if self.action == "set":
            return set_at(body, self._steps, self.value) > 0
        items = body.get("items")
        if not isinstance(items, list):
            return False
        if self.action == "insert_items":
            at = len(items) if self.position is None else self.position
            items[at:at] = copy.deepcopy(self.values)
            return True
        if not -len(items) <= self.index < len(items):
            return False
        source = self.index % len(items)
        at = source + 1 if self.position is None else self.position
        items.insert(at, copy.deepcopy(items[source]))
        return True


@dataclass
class Rewritten:
    """What the rules made of one answer: its body (None for a 304) and ``Date`` override."""

    body: dict[str, Any] | None
    date: str | None = None


class Rewrites(RuleBook[Rewrite]):
    """The ordered, thread-safe list of rewrite rules the server applies to every answer."""

    rule_type = Rewrite

    def apply(self, method: str, query: dict[str, str], body: dict[str, Any] | None) -> Rewritten:
        """Count the call against every matching rule and apply the due ones, in order.

        ``body`` is the answer's JSON (None for a 304); it is copied before any change.
        """
        result = Rewritten(body)
        copied = False
        with self._lock:
            for rule in self._matching(method, query):
                if not rule.due():
                    continue
                if rule.action == "date":
                    result.date = rule.value
                    rule.applied += 1
                    continue
                if result.body is None:
                    continue
                if not copied:
                    result.body, copied = copy.deepcopy(result.body), True
                if rule.edit(result.body):
                    rule.applied += 1
        return result


def parse_rewrites(payload: Any) -> list[Rewrite]:
    """Rules from JSON: one rule object, a list of them, or ``{"rewrites": [...]}``."""
    return Rewrites.parse(payload)
