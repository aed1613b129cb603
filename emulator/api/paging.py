"""Paging: page tokens shaped like YouTube's, the page a query asks for, the listing envelope.

Paging is by position, like the real API: a token is an offset and a direction, plus a checksum
that binds it to the query it came from (its ``scope``), so a tampered or foreign token is
refused with ``invalidPageToken``. ``listing`` wraps a page of items in the ``...ListResponse``
envelope (tokens, ``pageInfo``, ``items``) in the key order each method uses.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from emulator.api.errors import invalid_page_token
from emulator.api.render import with_etag
from emulator.api.request import Call, max_results

T = TypeVar("T")


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(raw: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(raw) or shift > 63:
            raise ValueError("truncated varint")
        byte = raw[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _token_check(scope: str, offset: int, backwards: bool) -> int:
    return zlib.crc32(f"{scope}|{offset}|{int(backwards)}".encode()) & 0x0FFFFFFF


def encode_page_token(offset: int, scope: str, *, backwards: bool = False) -> str:
    """An opaque token shaped like YouTube's (base64 of protobuf fields: offset, direction)

    plus a checksum binding it to the query it came from, so tampering or reuse with another
    query is refused with ``invalidPageToken``.
    """
    raw = (
        b"\x08" + _varint(offset)
        + b"\x10" + _varint(int(backwards))
        + b"\x18" + _varint(_token_check(scope, offset, backwards))
    )  # fmt: skip
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_page_token(token: str, scope: str) -> tuple[int, bool]:
    """(offset, backwards) of a token issued for ``scope``; ``ValueError`` if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc
    fields: dict[int, int] = {}
    pos = 0
    while pos < len(raw):
        tag = raw[pos]
        if tag not in (0x08, 0x10, 0x18):
            raise ValueError("unexpected field")
        fields[tag >> 3], pos = _read_varint(raw, pos + 1)
    if set(fields) != {1, 2, 3} or fields[2] not in (0, 1):
        raise ValueError("missing fields")
    offset, backwards = fields[1], bool(fields[2])
    if fields[3] != _token_check(scope, offset, backwards):
        raise ValueError("token belongs to another query")
    return offset, backwards


@dataclass(frozen=True)
class Page:
    start: int
    size: int
    next_token: str | None
    prev_token: str | None


def page_at(params: dict[str, str], total: int, scope: str, size: int) -> Page:
    """The page of a listing of ``total`` rows the query's ``pageToken`` points at."""
    start = 0
    token = params.get("pageToken")
    if token:
        try:
            offset, backwards = decode_page_token(token, scope)
        except ValueError:
            raise invalid_page_token() from None
        start = max(0, offset - size) if backwards else offset
    end = min(total, start + size)
    next_token = encode_page_token(end, scope) if size and end < total else None
    prev_token = encode_page_token(start, scope, backwards=True) if start > 0 else None
    return Page(start, size, next_token, prev_token)


def paged(call: Call, rows: Sequence[T], scope: str, low: int) -> tuple[list[T], Page]:
    """The rows of the page the call asks for (``maxResults`` from ``low`` to 50) and the page."""
    current = page_at(call.params, len(rows), scope, max_results(call.params, low))
    return list(rows[current.start : current.start + current.size]), current


def listing(
    kind: str,
    items: list[dict],
    *,
    page: Page | None,
    total: int,
    per_page: int | None,
    items_first: bool = False,
    omit_empty_items: bool = False,
) -> dict[str, Any]:
    """A ``...ListResponse``: tokens, ``pageInfo`` and ``items`` (before ``pageInfo`` with
    ``items_first``, absent when empty with ``omit_empty_items``), with its etag."""
    body: dict[str, Any] = {"kind": kind, "etag": ""}
    if page and page.next_token:
        body["nextPageToken"] = page.next_token
    if page and page.prev_token:
        body["prevPageToken"] = page.prev_token
    page_info = {"totalResults": total, "resultsPerPage": per_page}
    show_items = bool(items) or not omit_empty_items
    if items_first and show_items:
        body["items"] = items
    body["pageInfo"] = page_info
    if not items_first and show_items:
        body["items"] = items
    return with_etag(body)
