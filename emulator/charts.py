"""The mostPopular charts: which (region, category) pairs have one, their candidate pools, and
the hourly ranking.

Two chart rules (``WorldSpec.chart_rule``):

- ``"2025"`` (YouTube since July 2025: Trending Music, Movies and Gaming replaced the general
  "Trending Now" list): category charts exist only for Music (``10``), Gaming (``20``) and
  Movies (the world's "Film & Animation", ``1``). The first region has all three, the middle
  ones some of them (seeded draws), and a region the draws leave with none (the last one
  always) gets the Gaming chart. The general chart (category ``0``) is no chart of its own: it
  is those charts' videos interleaved by rank, in the order Music, Gaming, Movies (Music #1,
  Gaming #1, Movies #1, Music #2, ...), a chart that runs out skipped, a video listed once at
  its best place; it re-ranks when they do. Any other category has no chart.
- ``"legacy"`` (before July 2025): every region also has a general chart (category ``0``) with
  its own pool drawn from every category, and the same category charts, except that the last
  region has none.

The category charts are the same under both rules (same seeded draws). A chart's pool is mostly
untracked channels' public videos with a share of tracked ones
(``WorldSpec.tracked_share_in_charts``), each with a base score (its popularity, plus a bonus in
its channel's country). Each clock hour the ``size`` best of base score plus seeded noise make the
chart (``ChartRankings``), so charts re-rank at the top of every hour and never between; rankings
are cached per hour.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

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


GENERAL = "0"  # videoCategoryId 0 (or none): all categories


def interleave(charts: list[list[str]]) -> list[str]:
    """Charts merged by rank: every chart's #1 in the given order, then every #2, ...; a chart
    that runs out is skipped and a video already listed is not listed again."""
    merged: dict[str, None] = {}
    for rank in range(max((len(c) for c in charts), default=0)):
        for chart in charts:
            if rank < len(chart):
                merged.setdefault(chart[rank])
    return list(merged)


class ChartRankings:
    """The hourly rankings of a world's charts, computed on demand; thread-safe. A chart's
    hour holds only candidates published by the hour's start (``published``).

    With ``composite_general`` (the 2025 rule), a region's general chart is its category
    charts interleaved (``interleave``, in ``corpus.CHART_CATEGORIES`` order)."""

    def __init__(
        self,
        seed: int,
        charts: dict[tuple[str, str], ChartSpec],
        *,
        composite_general: bool = False,
        published: Mapping[str, datetime] | None = None,
    ) -> None:
        self.seed = seed
        self.charts = charts
        self.composite_general = composite_general
        # when each candidate came out: a chart never holds a video not published yet
        self.published = published or {}
        self._cache: dict[tuple[str, str, int], tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def categories(self, region_code: str) -> list[str]:
        """The category charts a region has, in ``corpus.CHART_CATEGORIES`` order."""
        return [c for c in corpus.CHART_CATEGORIES if (region_code, c) in self.charts]

    def ranked(self, region_code: str, category_id: str, at: datetime) -> list[str]:
        """Video ids of the chart, best first, for the clock hour containing ``at``."""
        if self.composite_general and category_id == GENERAL:
            parts = self.categories(region_code)
            if not parts:
                raise ChartNotFound(region_code, category_id)
            return interleave([self.ranked(region_code, c, at) for c in parts])
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
            start = datetime.fromtimestamp(hour * 3600, UTC)
            out = [vid for _, vid in scored if self.published.get(vid, start) <= start]
            cached = tuple(out[: spec.size])
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
    """The charts of a generated world: which pairs exist, their sizes, pools and base scores.

    Under the 2025 rule the general chart is not built here (``ChartRankings`` merges the
    category charts), but its draws are still made, so that the category charts are the same
    under both rules."""
    countries = {c.channel_id: c.country for c in channels}
    tracked_ids = {c.channel_id for c in channels if c.tracked}
    public = [v for v in videos if v.is_public]
    by_category: dict[str, list[Video]] = {}
    for video in public:
        by_category.setdefault(video.category_id, []).append(video)
    rule_2025 = spec.chart_rule == "2025"
    charts: list[ChartSpec] = []
    for position, region in enumerate(regions):
        code = region.region_code
        rng = seeded_rng(spec.seed, "charts", code)
        wanted = [GENERAL]
        if position == 0:
            wanted += list(corpus.CHART_CATEGORIES)
        elif position < len(regions) - 1:  # the last region only has the general chart
            odds = {"10": 0.75, "20": 0.5, "1": 0.3}
            wanted += [cat for cat in corpus.CHART_CATEGORIES if rng.random() < odds[cat]]
        region_categories = {c.category_id for c in categories[code]}
        wanted = [c for c in wanted if c == GENERAL or c in region_categories]
        if rule_2025 and wanted == [GENERAL]:
            wanted.append("20")  # every region has Trending Gaming at least
        for category_id in wanted:
            low, high = spec.chart_size if category_id == GENERAL else spec.category_chart_size
            size = rng.randint(low, high)
            candidates = public if category_id == GENERAL else by_category.get(category_id, [])
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
            if rule_2025 and category_id == GENERAL:
                continue  # drawn (for the category charts' sake), merged from them instead
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
