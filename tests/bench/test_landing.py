"""The landing benchmark's smoke mode: every way lands every row (the per-row method inserts
then updates), the numbers are finite, and the table renders (the targets themselves are
judged on the full-size run)."""

from __future__ import annotations

import math

import pytest

from bench.landing import SMOKE, Config, render_markdown, run_benchmark
from extract.database import ConnectionInfo

pytestmark = pytest.mark.slow


def test_landing_benchmark_smoke(warehouse: ConnectionInfo) -> None:
    config = Config(rows=2_000, per_row_rows=200, repeat=1, smoke=True)
    assert config.rows <= SMOKE.rows

    result = run_benchmark(warehouse, config)

    rates = result["rows_per_second"]
    assert set(rates) == {
        "land_page",
        "bare_copy",
        "bare_copy_prerendered",
        "per_row",
        "per_row_async",
    }
    assert all(math.isfinite(rate) and rate > 0 for rate in rates.values())
    assert result["pages"] == 40 and result["rows_timed"]["per_row"] == 200
    ratios = result["ratios"]
    assert all(math.isfinite(r) and r > 0 for r in ratios.values())
    # the per-row method is slower than landing pages, even at this size
    assert ratios["over_per_row"] > 1
    assert result["per_row_extrapolated_seconds"]["per_row"] > result["seconds"]["land_page"]
    report = render_markdown(result)
    assert "`RawStore.land_page`" in report and "per-row upsert" in report
