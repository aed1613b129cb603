"""The storage benchmark's smoke: a tiny history, the retention pass, marts identical after a
full refresh of the compacted raw tables, raw smaller, a year projected."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common import non_finite
from bench.storage import SMOKE, render_markdown, run_benchmark
from extract.database import ConnectionInfo

pytestmark = pytest.mark.slow


def test_storage_smoke(pg_cluster: ConnectionInfo, tmp_path: Path) -> None:
    result = run_benchmark(SMOKE, pg_cluster, tmp_path)

    assert non_finite(result) == []
    assert result["marts_identical"], result["marts_differing"]
    assert result["marts_compared"] >= 10
    before = sum(t["bytes"] for t in result["raw_before"].values())
    after = sum(t["bytes"] for t in result["raw_after"].values())
    assert after < before
    assert result["retention"]["rows"]["videos items"] > 0
    year = result["year"]
    assert 0 < year["raw_with_retention_gb"] < year["raw_without_retention_gb"]
    assert year["video_stats_bytes_per_row"] > 0
    assert "with raw retention" in render_markdown(result)
