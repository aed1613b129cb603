"""``videos.list`` with ``chart=mostPopular``: a region's (and category's) chart, paged.

The ranking itself is the world's (``charts.py``: it re-ranks at the top of every hour; under
the 2025 rule only Music, Gaming and Movies charts exist and the general chart interleaves
them); here are the parameter rules: ``regionCode`` defaults to ``US`` and must be a region
``i18nRegions.list`` lists (else 400 ``invalidRegionCode``), ``videoCategoryId`` defaults to
``0`` (all categories) and a pair without a chart is 400 ``videoChartNotFound``;
``maxResults`` is 1 to 50.
"""

from __future__ import annotations

from typing import Any

from emulator.api.errors import chart_not_found, invalid_chart, invalid_region_code
from emulator.api.paging import listing, paged
from emulator.api.render import render_video
from emulator.api.request import Call
from emulator.charts import ChartNotFound


def list_chart(call: Call) -> dict[str, Any]:
    world = call.world
    chart = call.params["chart"]
    if chart != "mostPopular":
        raise invalid_chart(chart)
    region = (call.params.get("regionCode") or "US").upper()
    if region not in world.regions:
        raise invalid_region_code()
    category_id = call.params.get("videoCategoryId") or "0"
    try:
        ranked = world.chart(region, category_id, call.now)
    except ChartNotFound:
        raise chart_not_found() from None
    rows, page = paged(call, ranked, f"videos|chart|{region}|{category_id}", 1)
    return listing(
        "youtube#videoListResponse",
        [render_video(world, world.videos[v], call.parts, call.now) for v in rows],
        page=page,
        total=len(ranked),
        per_page=page.size,
        items_first=True,
    )
