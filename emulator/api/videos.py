"""``videos.list`` by ``id``; ``chart=mostPopular`` is answered by ``most_popular.py``.

Deleted, private and unknown ids are silently left out of an id lookup (fewer items than ids
asked, ``"items": []`` when none is found), so clients must never pair answers by position.
"""

from __future__ import annotations

from typing import Any

from emulator.api.most_popular import list_chart
from emulator.api.paging import listing
from emulator.api.render import render_video
from emulator.api.request import Call, filters, ids


def list_videos(call: Call) -> dict[str, Any]:
    world = call.world
    (name,) = filters(call, ["myRating", "id", "chart"])
    if name != "id":
        return list_chart(call)
    # Deleted, private and unknown ids are silently left out: never pair by position.
    found = [
        world.videos[i]
        for i in ids(call.params["id"])
        if i in world.videos and world.videos[i].is_public
    ]
    items = [render_video(world, v, call.parts, call.now) for v in found]
    return listing(
        "youtube#videoListResponse",
        items,
        page=None,
        total=len(items),
        per_page=len(items),
        items_first=True,
    )
