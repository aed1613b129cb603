"""``channels.list``: channels by ``id`` or ``forHandle``.

``forUsername``, ``categoryId`` and the OAuth filters are accepted as filters but find nothing
(the world has no legacy usernames or guide categories). Like the real API, a lookup that finds
nothing answers ``pageInfo`` without an ``items`` key at all.
"""

from __future__ import annotations

from typing import Any

from emulator.api.paging import listing
from emulator.api.render import render_channel
from emulator.api.request import Call, filters, ids, max_results
from emulator.entities import Channel


def list_channels(call: Call) -> dict[str, Any]:
    world = call.world
    (name,) = filters(
        call,
        ["forUsername", "mine", "managedByMe", "forHandle", "id", "categoryId", "mySubscribers"],
    )
    per_page = max_results(call.params, 0)
    found: list[Channel] = []
    if name == "id":
        found = [world.channels[i] for i in ids(call.params["id"]) if i in world.channels]
    elif name == "forHandle":
        channel = world.channel_by_handle(call.params["forHandle"])
        found = [channel] if channel else []
    items = [render_channel(world, c, call.parts, call.now) for c in found]
    # Like the real API, a lookup that finds nothing has pageInfo but no "items" key at all.
    return listing(
        "youtube#channelListResponse",
        items,
        page=None,
        total=len(items),
        per_page=per_page,
        omit_empty_items=True,
    )
