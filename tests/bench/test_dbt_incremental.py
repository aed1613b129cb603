"""The dbt-at-scale benchmark: its synthetic history looks like what ``extract/`` lands, and
its smoke mode runs end to end (tiny sizes, in the session's PostgreSQL cluster) with every
measure present and finite."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from bench.dbt_incremental import SMOKE, non_finite, render_markdown, run_benchmark
from bench.history import HISTORY_END, Catalogue, CatalogueSpec, History
from extract.database import ConnectionInfo

SPEC = CatalogueSpec(videos=40, channels=3, regions=("US", "GB"), chart_size=5)
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}


def history(hours: int = 3) -> History:
    catalogue = Catalogue.generate(SPEC, HISTORY_END - timedelta(hours=hours))
    return History(catalogue, hours, crawl_every_hours=2)


def fields(line: str) -> list[str | None]:
    """A COPY text-format line back into its values (``\\N`` is NULL)."""
    return [
        None if value == r"\N" else re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], value)
        for value in line.rstrip("\n").split("\t")
    ]


def items(lines: list[str]) -> list[dict]:
    return [json.loads(fields(line)[6] or "null") for line in lines]


def test_a_capture_holds_api_shaped_items_and_its_ledger() -> None:
    capture = history().capture(0)
    videos = items(capture["videos"])
    assert len(videos) == SPEC.videos
    for video in videos:
        assert video["kind"] == "youtube#video" and len(video["id"]) == 11
        assert {"publishedAt", "channelId", "title", "categoryId"} <= set(video["snippet"])
        assert video["contentDetails"]["duration"].startswith("PT")
        assert video["status"]["privacyStatus"] == "public"
        assert all(isinstance(v, str) for v in video["statistics"].values())
        assert "viewCount" in video["statistics"]
    # the first capture also lands reference data and a playlist crawl, with placeholders
    assert {"i18n_regions", "video_categories", "playlists", "playlist_items"} <= set(capture)
    titles = {item["snippet"]["title"] for item in items(capture["playlist_items"])}
    assert "Deleted video" in titles
    charts = items(capture["most_popular_videos"])
    assert len(charts) == len(SPEC.regions) * SPEC.chart_size
    assert {c["id"] for c in charts} <= {v["id"] for v in videos}
    item_rows = sum(len(lines) for table, lines in capture.items() if "_runs" not in table)
    ledger = [fields(line) for line in capture["pages"]]
    assert sum(int(page[9] or 0) for page in ledger) == item_rows - len(ledger)
    (run,) = [fields(line) for line in capture["extract_runs"]]
    assert run[3] == "succeeded" and int(run[6] or 0) == len(ledger)


def test_a_quota_ledger_row_per_request_when_the_schema_has_one() -> None:
    h = history()
    assert "quota_ledger" not in h.capture(1)
    capture = h.capture(1, quota_ledger=True)
    requests = [fields(line) for line in capture["quota_ledger"]]
    assert len(requests) == len(capture["pages"])
    assert {r[2] for r in requests} == {"channels.list", "videos.list"}
    assert all(r[4] == "1" and r[6] == "200" for r in requests)


def test_later_captures_only_add_views_likes_and_comments() -> None:
    h = history(hours=30)
    first = {v["id"]: v["statistics"] for v in items(h.capture(1)["videos"])}
    later = {v["id"]: v["statistics"] for v in items(h.capture(29)["videos"])}
    assert first.keys() == later.keys()
    for video_id, stats in first.items():
        assert stats.keys() == later[video_id].keys()  # hidden likes stay hidden
        assert int(later[video_id]["viewCount"]) > int(stats["viewCount"])
        for key in ("likeCount", "commentCount"):
            if key in stats:
                assert int(later[video_id][key]) >= int(stats[key])


def test_the_same_seed_gives_the_same_rows() -> None:
    assert history().capture(2) == history().capture(2)


@pytest.mark.slow
def test_smoke_mode_reports_every_measure(pg_cluster: ConnectionInfo, tmp_path: Path) -> None:
    result = run_benchmark(SMOKE, pg_cluster, tmp_path, progress=lambda _: None)

    assert non_finite(result) == []
    assert {"cpu_count", "cpu_model", "ram_gib", "postgres_version", "dbt_version", "date"} <= set(
        result["machine"]
    )
    for label, hours in (("small", SMOKE.small_hours), ("large", SMOKE.hours)):
        measured = result["histories"][label]
        assert measured["hours"] == hours
        assert measured["snapshot_rows_landed"] == SMOKE.videos * hours
        assert measured["full_refresh"]["wall_seconds"] > 0
        runs = measured["incremental_runs"]
        assert len(runs) == SMOKE.incremental_runs
        for run in runs:
            assert run["wall_seconds"] > 0 and run["counts"].get("success", 0) > 0
            assert "model.tubewarehouse.video_stats" in run["nodes"]
            assert 0 < len(run["slowest_nodes"]) <= 8
        storage = measured["storage"]
        captures = hours + SMOKE.incremental_runs
        assert storage["video_stats_rows"] >= SMOKE.videos * captures
        assert storage["video_stats_bytes_per_row"] > 0
        assert storage["raw_bytes_per_video_row"] > 0
    ratios = result["ratios"]
    for key in ("incremental_over_full", "large_over_small", "gb_per_year"):
        assert ratios[key] > 0
    report = render_markdown(result)
    assert "incremental / full refresh" in report and "Slowest 8 nodes" in report
