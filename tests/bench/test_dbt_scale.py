"""The dbt-at-scale benchmark's smoke: two tiny sizes (one with history inserted into the
marts), real incremental builds on top (models and tests pass on the inserted history), and
every report source query timed at the largest size."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common import non_finite
from bench.dbt_scale import SMOKE, render_markdown, report_queries, run_benchmark
from extract.database import ConnectionInfo

pytestmark = pytest.mark.slow


def test_dbt_scale_smoke(pg_cluster: ConnectionInfo, tmp_path: Path) -> None:
    config = SMOKE
    result = run_benchmark(config, pg_cluster, tmp_path)

    assert non_finite(result) == []
    small, large = result["sizes"]
    assert small["inserted"]["hours"] == 0  # the raw window alone
    inserted = large["inserted"]
    assert inserted["video_stats_rows"] == config.videos * inserted["hours"] > 0
    assert inserted["trending_videos_rows"] > 0 and inserted["derived_rebuild_seconds"] > 0
    for size in (small, large):
        builds = 1 + config.incremental_runs + config.stale_captures  # warm-up, fresh, stale
        captured = config.hours_for(size["target_rows"]) + builds
        assert size["storage"]["video_stats_rows"] >= config.videos * captured
        (run,) = size["incremental_runs"]
        assert run["analyzed"] and not size["stale_runs"][-1]["analyzed"]
        assert run["counts"].get("success", 0) > 0
        assert "model.tubewarehouse.video_stats" in run["nodes"]
        assert size["warmup_run"]["wall_seconds"] > 0 and size["stale_statistics_seconds"] > 0
    queries = large["report_queries"]
    assert [q["query"] for q in queries] == [
        str(p.relative_to(p.parents[1])) for p in report_queries()
    ]
    assert all(q["rows"] > 0 for q in queries)
    assert result["largest_over_smallest"] > 0
    table = render_markdown(result)
    assert "Largest / smallest" in table and "Report source queries" in table
