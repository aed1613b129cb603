"""The mostPopular charts: which (region, category) pairs have one, their candidate pools, and
the hourly ranking.

At generation (``build_charts``) every region gets the general chart (category ``0``); the first
region also gets every category chart in ``corpus.CHART_CATEGORIES``, the middle ones some of
them, the last none. A chart's pool is mostly untracked channels' public videos with a share of
tracked ones (``WorldSpec.tracked_share_in_charts``), each with a base score (its popularity,
plus a bonus in its channel's country). Each clock hour the ``size`` best of base score plus
seeded noise make the chart (``ChartRankings``), so charts re-rank at the top of every hour and
never between; rankings are cached per hour.
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass
from datetime import datetime

from emulator import corpus
from emulator.clock import utc_second
from emulator.entities import Category, Channel, Region, Video
from emulator.spec import WorldSpec, seeded_rng


class ChartNotFound(LookupError):
    """No mostPopular chart exists for this (region, category) pair."""

    def __init__(self, region_code: str, category_id: str) -> None:
        super().__init__(f"no chart for region {region_code!r}, category {category_id!r}")
        self.region_code = region_code
        self.category_id = category_id


@dataclass(frozen=True)
class ChartSpec:
    """A chart's candidate pool; each hour the ``size`` best-scoring candidates make the chart."""

    region_code: str
    category_id: str
    size: int
    pool: tuple[str, ...]
    base_scores: tuple[float, ...]


class ChartRankings:
    """The hourly rankings of a world's charts, computed on demand; thread-safe."""

    def __init__(self, seed: int, charts: dict[tuple[str, str], ChartSpec]) -> None:
        self.seed = seed
        self.charts = charts
        self._cache: dict[tuple[str, str, int], tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def ranked(self, region_code: str, category_id: str, at: datetime) -> list[str]:
        """Video ids of the chart, best first, for the clock hour containing ``at``."""
        spec = self.charts.get((region_code, category_id))
        if spec is None:
            raise ChartNotFound(region_code, category_id)
        hour = int(utc_second(at).timestamp()) // 3600
        key = (region_code, category_id, hour)
        with self._lock:
            cached = self._cache.get(key)
        if cached is None:
            rng = seeded_rng(self.seed, "chart", region_code, category_id, hour)
            scored = sorted(
                (
                    (base + rng.gauss(0.0, 0.8), vid)
                    for vid, base in zip(spec.pool, spec.base_scores, strict=True)
                ),
                key=lambda pair: (-pair[0], pair[1]),
            )
            cached = tuple(vid for _, vid in scored[: spec.size])
            with self._lock:
                if len(self._cache) > 4096:
                    self._cache.clear()
                self._cache[key] = cached
        return list(cached)


def build_charts(
    spec: WorldSpec,
    regions: list[Region],
    categories: dict[str, tuple[Category, ...]],
    channels: list[Channel],
    videos: list[Video],
) -> list[ChartSpec]:
    """The charts of a generated world: which pairs exist, their sizes, pools and base scores."""
    countries = {c.channel_id: c.country for c in channels}
    tracked_ids = {c.channel_id for c in channels if c.tracked}
    public = [v for v in videos if v.is_public]
    charts: list[ChartSpec] = []
    for position, region in enumerate(regions):
        code = region.region_code
        rng = seeded_rng(spec.seed, "charts", code)
        wanted = ["0"]
        if position == 0:
            wanted += list(corpus.CHART_CATEGORIES)
        elif position < len(regions) - 1:  # the last region only has the general chart
            odds = {"10": 0.75, "20": 0.5, "1": 0.3}
            wanted += [cat for cat in corpus.CHART_CATEGORIES if rng.random() < odds[cat]]
        region_categories = {c.category_id for c in categories[code]}
        for category_id in wanted:
            if category_id != "0" and category_id not in region_categories:
                continue
            low, high = spec.chart_size if category_id == "0" else spec.category_chart_size
            size = rng.randint(low, high)
            candidates = [v for v in public if category_id in ("0", v.category_id)]
            pool = _pool(spec, rng, candidates, tracked_ids, math.ceil(size * 1.25))
            size = min(size, len(pool))
            if size == 0:
                continue
            base_scores = tuple(
                math.log(v.views_ceiling)
                + (1.0 if countries.get(v.channel_id) == code else 0.0)
                + rng.gauss(0.0, 0.5)
                for v in pool
            )
            charts.append(
                ChartSpec(code, category_id, size, tuple(v.video_id for v in pool), base_scores)
            )
    return charts


def _pool(
    spec: WorldSpec,
    rng: random.Random,
    candidates: list[Video],
    tracked_ids: set[str],
    size: int,
) -> list[Video]:
    """Mostly untracked channels' videos, with a share of tracked channels' ones mixed in."""
    tracked = [v for v in candidates if v.channel_id in tracked_ids]
    others = [v for v in candidates if v.channel_id not in tracked_ids]
    want_tracked = min(len(tracked), round(size * spec.tracked_share_in_charts))
    want_others = min(len(others), size - want_tracked)
    want_tracked = min(len(tracked), size - want_others)
    return rng.sample(tracked, k=want_tracked) + rng.sample(others, k=want_others)
