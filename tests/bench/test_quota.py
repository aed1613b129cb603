"""The quota benchmark's smoke mode: the small world, end to end, meets its target (a first
run at the minimum, an unchanged second run at the formula with 304s charged and below it
with 304s free) and the ledger agrees with what the emulator charged."""

from __future__ import annotations

import pytest

from bench.quota import render_markdown, run_benchmark
from extract.database import ConnectionInfo
from extract.emulator import World

pytestmark = pytest.mark.slow


def test_quota_benchmark_smoke(pg_cluster: ConnectionInfo) -> None:
    result = run_benchmark(pg_cluster, World.small())

    assert result["meets_target"], render_markdown(result)
    first, charged, free = result["runs"]
    assert first["units_charged"] == first["units_ledger"] == first["minimum_for_this_run"]
    assert charged["units_charged"] == charged["units_ledger"] == result["formula_minimum"]
    assert free["units_charged"] == result["formula_minimum"] - free["pages_not_modified"]
    assert all(row["status"] == "succeeded" for row in result["runs"])
    assert "| first run (cold) |" in render_markdown(result)
