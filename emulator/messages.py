"""What the server's pipeline takes and gives: ``Request`` and ``Response``, and JSON responses
with the headers Google sends (``json_response``; ``error_response`` for an ``ApiError``).

No sockets here: ``handler.py`` reads a ``Request`` off the wire and writes the ``Response``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from typing import Any

from emulator.api.errors import ApiError
from emulator.faults import Fault

JSON_TYPE = "application/json; charset=UTF-8"


@dataclass(frozen=True)
class Request:
    """An HTTP request as the pipeline sees it; ``now`` is read from the clock once, on arrival."""

    verb: str
    path: str
    query: dict[str, str]
    headers: Message
    body: bytes
    now: datetime


@dataclass
class Response:
    """What the pipeline hands back to the wire. ``method`` is the quota name, if any;
    ``fault`` a slow/reset/malformed rule for ``_Handler.deliver`` to act out; ``date`` the
    ``Date`` header text a rewrite rule put in place of the clock's."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    method: str | None = None
    fault: Fault | None = None
    date: str | None = None


def _json_bytes(value: Any, pretty: bool = True) -> bytes:
    if pretty:
        return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(status: int, value: Any, *, pretty: bool = True) -> Response:
    headers = [
        ("Content-Type", JSON_TYPE),
        ("Vary", "Origin"),
        ("Vary", "X-Origin"),
        ("Vary", "Referer"),
        ("Cache-Control", "private"),
    ]
    return Response(status, _json_bytes(value, pretty), headers)


def error_response(error: ApiError) -> Response:
    return json_response(error.code, error.body())
