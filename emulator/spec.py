"""``WorldSpec``, the knobs of a generated world, and the seeded random streams it is drawn from.

Everything generated derives from a spec (above all its ``seed``): the same spec gives the same
world, id for id, on every machine. Randomness comes from ``random.Random`` instances seeded with
strings (``seeded_rng(seed, *labels)``; strings are hashed with SHA-512 by the stdlib, so
``PYTHONHASHSEED`` does not matter), one stream per entity and purpose (a chart's hour, a
channel's videos...); the global ``random`` module and ``hash()`` are never used.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

from emulator import corpus

DEFAULT_START = datetime(2024, 1, 1, tzinfo=UTC)
DEFAULT_AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


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
    chart_size: tuple[int, int] = (60, 120)
    category_chart_size: tuple[int, int] = (20, 45)
    start: datetime = DEFAULT_START
    as_of: datetime = DEFAULT_AS_OF
    private_share: float = 0.04
    deleted_share: float = 0.03
    hidden_likes_share: float = 0.10
    comments_disabled_share: float = 0.05
    non_ascii_share: float = 0.15
    tracked_share_in_charts: float = 0.3


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
