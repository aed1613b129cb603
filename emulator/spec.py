"""``WorldSpec``, the knobs of a generated world, and the seeded random streams it is drawn from.

Everything generated derives from a spec (above all its ``seed``): the same spec gives the same
world, id for id, on every machine. Randomness comes from ``random.Random`` instances seeded with
strings (``seeded_rng(seed, *labels)``; strings are hashed with SHA-512 by the stdlib, so
``PYTHONHASHSEED`` does not matter), one stream per entity and purpose (a chart's hour, a
channel's videos...); the global ``random`` module and ``hash()`` are never used.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from emulator import corpus

DEFAULT_START = datetime(2024, 1, 1, tzinfo=UTC)
DEFAULT_AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
CHART_RULES = ("legacy", "2025")
GROWTH_MODELS = ("classic", "fast")
MAX_UPLOADS = 20_000  # the most videos a large world gives one channel


@dataclass(frozen=True)
class WorldSpec:
    """Knobs of the generated world; per-channel tuples cycle when shorter than ``channels``."""

    seed: int = 42
    channels: int = 3
    videos_per_channel: tuple[int, ...] = (120, 150, 180)
    playlists_per_channel: tuple[int, ...] = (53, 9, 7)
    untracked_channels: int = 12
    videos_per_untracked_channel: int = 20
    regions: tuple[str, ...] = corpus.DEFAULT_REGIONS
    chart_size: tuple[int, int] = (60, 120)  # the legacy general chart's
    category_chart_size: tuple[int, int] = (20, 45)
    start: datetime = DEFAULT_START
    as_of: datetime = DEFAULT_AS_OF
    private_share: float = 0.04
    deleted_share: float = 0.03
    hidden_likes_share: float = 0.10
    comments_disabled_share: float = 0.05
    non_ascii_share: float = 0.15
    tracked_share_in_charts: float = 0.3
    # "2025": only Music, Gaming and Movies charts, the general chart merged from them (YouTube
    # since July 2025); "legacy": a general chart of its own per region, drawn with
    # ``chart_size`` (before July 2025). See charts.py.
    chart_rule: str = "2025"
    # the distributions of the growth curve's parameters (generation.py, growth.py):
    # "classic": growth time 12-240 h, a small trickle; "fast": most of a video's first-month
    # views in its first two or three days, then a long slow tail (``WorldSpec.large``)
    growth: str = "classic"

    def __post_init__(self) -> None:
        if self.chart_rule not in CHART_RULES:
            raise ValueError(f"chart_rule must be one of {CHART_RULES}, got {self.chart_rule!r}")
        if self.growth not in GROWTH_MODELS:
            raise ValueError(f"growth must be one of {GROWTH_MODELS}, got {self.growth!r}")

    @property
    def video_count(self) -> int:
        """How many videos the world generated from this spec has (every availability)."""
        tracked = sum(
            self.videos_per_channel[i % len(self.videos_per_channel)] for i in range(self.channels)
        )
        return tracked + self.untracked_channels * self.videos_per_untracked_channel

    @classmethod
    def large(cls, videos: int = 100_000, *, seed: int = 42, **overrides: Any) -> WorldSpec:
        """A world of exactly ``videos`` videos, for benchmarks at scale.

        90 % of the videos belong to tracked channels (one per 2,500 videos, at least 3), in
        channel sizes drawn from a lognormal (a few big channels, many small ones) and capped
        at ``MAX_UPLOADS``; the rest to untracked channels (12, plus one per 10,000 videos),
        which feed the charts. Uploads are spread over five years up to ``as_of`` (a steady
        flow, several a day), the growth model is ``"fast"`` and the charts follow the 2025
        rule, over all the default regions. Fields can be overridden (``as_of=...``), the
        channel counts too; the sizes are then recomputed from the seed.
        """
        if videos < 100:
            raise ValueError(f"a large world needs at least 100 videos, got {videos}")
        as_of = overrides.pop("as_of", DEFAULT_AS_OF)
        rng = seeded_rng(seed, "large", videos)
        channels = overrides.pop("channels", max(3, round(videos / 2_500)))
        untracked = overrides.pop("untracked_channels", 12 + videos // 10_000)
        per_untracked = max(1, videos // 10 // untracked)
        tracked_total = videos - untracked * per_untracked
        if tracked_total < channels or channels * MAX_UPLOADS < tracked_total:
            raise ValueError(f"cannot share {tracked_total} videos among {channels} channels")
        weights = [math.exp(rng.gauss(0.0, 1.0)) for _ in range(channels)]
        sizes = _shares(tracked_total, weights, MAX_UPLOADS)
        playlists = [12] + [rng.randint(3, 12) for _ in range(channels - 1)]
        fields: dict[str, Any] = {
            "seed": seed,
            "channels": channels,
            "videos_per_channel": tuple(sizes),
            "playlists_per_channel": tuple(playlists),
            "untracked_channels": untracked,
            "videos_per_untracked_channel": per_untracked,
            "regions": corpus.DEFAULT_REGIONS,
            "chart_size": (60, 120),
            "category_chart_size": (40, 100),
            "start": as_of - timedelta(days=5 * 365),
            "as_of": as_of,
            "chart_rule": "2025",
            "growth": "fast",
        }
        return cls(**{**fields, **overrides})


def _shares(total: int, weights: list[float], cap: int) -> list[int]:
    """``total`` split in proportion to ``weights``: whole numbers >= 1, none above ``cap``,
    summing to ``total`` exactly (largest remainders; what a cap cuts goes to the others)."""
    sizes = [0] * len(weights)
    free = list(range(len(weights)))
    left = total
    while free:
        weight = sum(weights[i] for i in free)
        raw = {i: max(1.0, left * weights[i] / weight) for i in free}
        over = [i for i in free if raw[i] > cap]
        if not over:
            floors = {i: int(raw[i]) for i in free}
            spare = left - sum(floors.values())
            by_remainder = sorted(free, key=lambda i: (raw[i] - floors[i], -i), reverse=True)
            for i in free:
                sizes[i] = floors[i]
            for i in by_remainder[: max(spare, 0)]:  # spare < len(free): the remainders
                sizes[i] += 1
            while spare < 0:  # the floor of 1 took more than there was: trim the biggest
                biggest = max(free, key=lambda i: (sizes[i], -i))
                sizes[biggest] -= 1
                spare += 1
            break
        for i in over:
            sizes[i] = cap
            left -= cap
            free.remove(i)
    return sizes


SMALL_SPEC = WorldSpec(
    channels=2,
    videos_per_channel=(14, 16),
    playlists_per_channel=(3, 2),
    untracked_channels=3,
    videos_per_untracked_channel=8,
    regions=("US", "GB", "JP"),
    chart_size=(10, 16),
    category_chart_size=(4, 8),
)


def seeded_rng(seed: int, *labels: object) -> random.Random:
    """An independent stream per entity, so changing one count does not reshuffle the rest."""
    return random.Random("|".join(str(part) for part in (seed, *labels)))
