"""The quota benchmark's smoke mode: the small world, end to end, meets its target (both runs
at the minimum, the ledger agreeing with what the emulator charged), the 304-free figure is
what the emulator charges when 304s are free, and the naive connector costs more."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from bench.quota import START, _settings, render_markdown, run_benchmark
from emulator import Clock, EmulatorServer, World
from extract.database import ConnectionInfo
from extract.run import run_extract
from tests.conftest import create_database

pytestmark = pytest.mark.slow


def test_quota_benchmark_smoke(pg_cluster: ConnectionInfo) -> None:
    world = World.small()
    result = run_benchmark(pg_cluster, worlds={"small": world})

    assert result["meets_target"], render_markdown(result)
    (measured,) = result["worlds"]
    full, stats = measured["ours"]["full"], measured["ours"]["stats"]
    assert full["units"] == full["units_ledger"] == full["minimum"]
    assert stats["units"] == stats["units_ledger"] == stats["minimum"] < full["units"]
    assert stats["pages_not_modified"] > 0  # the uploads playlists' first pages
    assert stats["units_if_304_free"] == stats["units"] - stats["pages_not_modified"]
    assert "youtube.playlists.list" not in stats["by_method"]
    naive = measured["naive"]
    assert (
        naive["full"]["by_method"]["youtube.search.list"] == 100 * naive["full"]["calls"]["search"]
    )
    assert naive["full"]["calls"]["videos"] >= measured["world"]["available_videos"]
    assert naive["stats"]["units"] > 10 * stats["units"]
    day = measured["per_day"]["units"]
    assert day["ours"] == full["units"] + 23 * stats["units"] == day["minimum"]
    table = render_markdown(result)
    assert "| hourly refresh |" in table and "naive / ours" in table


def test_free_304s_cost_what_the_benchmark_derives(pg_cluster: ConnectionInfo) -> None:
    """The benchmark derives the 304-free cost (units minus 304 pages); the emulator charging
    nothing for a 304 gives the same."""
    conn = create_database(pg_cluster, f"quota_{uuid.uuid4().hex[:8]}")
    clock = Clock(START, frozen=True)
    with EmulatorServer(World.small(), clock, not_modified_cost=0) as server:
        run_extract(_settings(server), conn, mode="full")
        clock.advance(timedelta(hours=1))
        before = server.quota()["total"]
        stats = run_extract(_settings(server), conn, mode="stats")
        charged = server.quota()["total"] - before
    assert stats.pages_not_modified > 0
    assert charged == stats.units_spent - stats.pages_not_modified
