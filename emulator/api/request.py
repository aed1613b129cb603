"""One API call as the list methods see it, and the parameter checks they share.

``Call`` is the world, the query (repeated parameters joined by commas, as the server reads
them), the parts asked for and the instant. ``filters`` enforces "exactly one filter", ``ids``
reads an ``id=`` list and ``max_results`` a ``maxResults`` value, each raising the ``ApiError``
the real API answers with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from emulator.api.errors import incompatible, invalid_value, no_filter, too_many_ids
from emulator.world import World

MAX_IDS = 50
DEFAULT_MAX_RESULTS = 5


@dataclass(frozen=True)
class Call:
    """One API call: the world, the query (repeated parameters joined by commas), the instant."""

    world: World
    params: dict[str, str]
    parts: set[str]
    now: datetime


def filters(call: Call, names: Sequence[str]) -> list[str]:
    """The one filter parameter of ``names`` the call sets (none or several is a 400)."""
    # OAuth-only flags set to "false" are not filters (true ones were refused already).
    present = [name for name in names if call.params.get(name, "") not in ("", "false", "False")]
    if not present:
        raise no_filter(names)
    if len(present) > 1:
        raise incompatible(present)
    return present


def ids(raw: str) -> list[str]:
    """The ids of an ``id=`` list, de-duplicated in order; more than ``MAX_IDS`` is a 400."""
    found = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if len(found) > MAX_IDS:
        raise too_many_ids()
    return found


def max_results(params: dict[str, str], low: int, high: int = 50) -> int:
    raw = params.get("maxResults")
    if raw is None or raw == "":
        return DEFAULT_MAX_RESULTS
    try:
        value = int(raw)
    except ValueError:
        raise invalid_value("maxResults", raw, low, high) from None
    if not low <= value <= high:
        raise invalid_value("maxResults", raw, low, high)
    return value
