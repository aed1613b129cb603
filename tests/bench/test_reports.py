"""The reports benchmark's smoke: a small warehouse scaled to 200 videos, the working tree's
Evidence pages published from it in a temporary copy, and the four pages opened in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common import non_finite, quiet
from bench.reports import (
    PAGES,
    SMOKE_DAYS,
    SMOKE_SIZES,
    BaseSpec,
    meets,
    page_scheme,
    render_markdown,
    run_benchmark,
)
from extract.database import ConnectionInfo


@pytest.mark.slow
def test_reports_smoke(pg_cluster: ConnectionInfo, tmp_path: Path) -> None:
    result = run_benchmark(
        pg_cluster, tmp_path, SMOKE_SIZES, BaseSpec("small", SMOKE_DAYS), quiet, baseline=None
    )

    assert non_finite(result) == []
    (run,) = result["runs"]
    assert run["videos"] == SMOKE_SIZES[0] and run["warehouse"]["copies"] > 1
    rows = run["warehouse"]["mart_rows"]
    # every video keeps its history: a daily row per capture day for the tracked ones
    assert rows["video_daily_stats"] > rows["videos"] and rows["playlist_videos"] > 0
    assert run["sources_seconds"] > 0 and run["build_seconds"] > 0
    assert run["publish_seconds"] >= run["sources_seconds"] + run["build_seconds"]
    site = run["site"]
    assert site["bytes"] > site["parquet"]["bytes"] > 0 and site["html_pages"] > 0
    assert "pages_error" not in run, run.get("pages_error")
    assert set(run["pages"]) == set(PAGES)
    for name, page in run["pages"].items():
        assert page["transferred_bytes"] > 0 and page["largest"], name
        assert page["shows_entity"], (name, page["path"])
        assert page["problems"] == [], (name, page["problems"])
    # the pages read their data from parquet files, in the page or in DuckDB-Wasm's worker
    assert run["pages"]["video"]["parquet_bytes"] > 0
    assert "| working tree" in render_markdown(result)
    assert result["meets"] is None  # targets are for 100,000 videos


def test_the_page_scheme_comes_from_the_pages_folder(tmp_path: Path) -> None:
    videos = tmp_path / "pages" / "videos"
    videos.mkdir(parents=True)
    (videos / "video.md").write_text("")
    assert page_scheme(tmp_path) == "per-kind"
    (videos / "[video_id].md").write_text("")
    assert page_scheme(tmp_path) == "per-entity"


def test_targets_are_checked_at_100000_videos() -> None:
    page = {"transferred_bytes": 9e6}
    run = {
        "baseline": False,
        "target_videos": 100_000,
        "publish_seconds": 100.0,
        "site": {"bytes": 160e6},
        "pages": {name: page for name in PAGES},
    }
    assert meets([run]) == {"publish_seconds": True, "site_bytes": False, "page_bytes": True}
    assert meets([{**run, "baseline": True}]) is None
