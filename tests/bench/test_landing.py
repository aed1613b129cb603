"""The landing benchmark's smoke mode: every way lands every row, the numbers are finite, and
the table renders (the throughput target itself is judged on the full-size run)."""

from __future__ import annotations

import math

import pytest

from bench.landing import SMOKE, Config, render_markdown, run_benchmark
from extract.database import ConnectionInfo

pytestmark = pytest.mark.slow


def test_landing_benchmark_smoke(warehouse: ConnectionInfo) -> None:
    config = Config(rows=2_000, repeat=1, smoke=True)
    assert config.rows <= SMOKE.rows

    result = run_benchmark(warehouse, config)

    rates = result["rows_per_second"]
    assert set(rates) == {"land_page", "bare_copy", "bare_copy_prerendered"}
    assert all(math.isfinite(rate) and rate > 0 for rate in rates.values())
    assert result["pages"] == 40
    assert result["ratio_vs_bare_copy"] > 0 and math.isfinite(result["ratio_vs_bare_copy"])
    assert "RawStore.land_page" in render_markdown(result)
