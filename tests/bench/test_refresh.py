"""The refresh-planner benchmark: its served world hides what is not yet published, its
schedule puts the daily crawl at 00:15 Pacific, and its smoke mode (2,000 videos, 1 simulated
day, 6 hours end to end against a real PostgreSQL and dbt) reports every measure, finite,
with the end-to-end hours agreeing with the simulation of the same world and hours."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bench.common import non_finite
from bench.refresh import (
    SMOKE,
    START,
    PublishedSoFar,
    render_markdown,
    run_benchmark,
    schedule,
)
from emulator import Clock, World
from extract.database import ConnectionInfo


def test_the_served_world_lists_only_published_videos() -> None:
    world = World.small()
    clock = Clock(world.as_of - timedelta(days=60), frozen=True)
    served = PublishedSoFar.of(world, clock)
    channel = world.tracked_channel_ids[0]
    full = world.uploads(channel).items
    cut = served.uploads(channel).items
    assert 0 < len(cut) < len(full)
    assert all(world.videos[i.video_id].published_at <= clock.now() for i in cut)
    assert [i.position for i in cut] == list(range(len(cut)))
    clock.set(world.as_of)
    assert len(served.uploads(channel).items) == len(full)


def test_the_schedule_crawls_daily_at_a_quarter_past_pacific_midnight() -> None:
    runs = schedule(START, 96)
    crawls = [at for at, mode in runs if mode == "full"]
    assert crawls[0] == START and len(crawls) == 4
    # daylight saving time ends on 2026-11-01 at 02:00: that Pacific day has 25 hours and
    # the next crawl comes at 08:15 UTC instead of 07:15
    assert [at.hour for at in crawls] == [7, 7, 7, 8]
    assert sum(1 for _, mode in runs if mode == "stats") == 96


@pytest.mark.slow
def test_smoke_mode_reports_every_measure(pg_cluster: ConnectionInfo, tmp_path: Path) -> None:
    result = run_benchmark(pg_cluster, tmp_path, SMOKE, progress=lambda _: None)

    assert non_finite(result) == [] or non_finite(result) == [".capacity_ratio"]
    sim = result["simulation"]
    assert sim["quota_exceeded"] == 0 and not sim["errors"]
    assert sim["plan_seconds"]["runs"] == SMOKE.days * 24  # the crawls come at :15
    assert sim["units_per_day"]["stats"]["max"] > 0
    assert sim["young"]["hours_with_young"] > 0
    e2e = result["end_to_end"]
    assert all(run["status"] == "succeeded" for run in e2e["summary"]["runs"])
    compared = e2e["comparison"]
    units = compared["end_to_end"]["units_total"], compared["simulation"]["units_total"]
    assert units[0]["default"] == units[1]["default"]
    assert 0.8 <= compared["units_ratio"] <= 1.2
    assert e2e["video_stats_rows"] > 0
    table = render_markdown(result)
    for part in ("1 units", "2 staleness", "3 young", "5 capacity", "6 time"):
        assert f"| {part} |" in table, part
