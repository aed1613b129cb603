"""Reference data: ``videoCategories.list`` (by region or by ``id``) and ``i18nRegions.list``.

A region ``i18nRegions.list`` does not list is 400 ``invalidRegionCode`` for
``videoCategories.list``, as Google answers for a well-formed code it does not support.
Neither listing is paged.
"""

from __future__ import annotations

from typing import Any

from emulator.api.errors import invalid_region_code
from emulator.api.render import render_category, render_region, with_etag
from emulator.api.request import Call, filters, ids


def list_video_categories(call: Call) -> dict[str, Any]:
    world = call.world
    (name,) = filters(call, ["id", "regionCode"])
    if name == "id":
        wanted = ids(call.params["id"])
        by_id = {c.category_id: c for c in world.all_categories()}
        found = [by_id[i] for i in wanted if i in by_id]
    else:
        region = call.params["regionCode"].upper()
        if region not in world.regions:
            raise invalid_region_code()
        found = list(world.categories.get(region, ()))
    return with_etag(
        {
            "kind": "youtube#videoCategoryListResponse",
            "etag": "",
            "items": [render_category(c) for c in found],
        }
    )


def list_i18n_regions(call: Call) -> dict[str, Any]:
    items = [render_region(region) for region in call.world.regions.values()]
    return with_etag({"kind": "youtube#i18nRegionListResponse", "etag": "", "items": items})
