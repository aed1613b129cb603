"""The Prefect flow end to end: extract against the emulator, then dbt build, through
Prefect's own (temporary, local) server."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest

from emulator import Clock, EmulatorServer, World
from extract import database
from extract.settings import state_dir
from tests.conftest import EMULATOR_START, env_for, query

pytestmark = pytest.mark.slow


@pytest.fixture
def pipeline_env(warehouse, monkeypatch):
    world = World.small()
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True)) as server:
        for name, value in env_for(server, warehouse).items():
            monkeypatch.setenv(name, value)
        yield server


def test_pipeline_flow_fills_raw_and_marts(pipeline_env, warehouse) -> None:
    from flows.pipeline import pipeline

    state = pipeline(return_state=True)

    assert state.is_completed(), state.message
    result = state.result()
    assert result["extract"]["status"] == "succeeded"
    assert result["dbt"]["success"] and result["dbt"]["counts"].get("pass", 0) > 0
    for mart in ("videos", "video_stats", "playlists", "playlist_monthly"):
        assert query(warehouse, f"select count(*) from marts.{mart}")[0][0] > 0, mart
    assert query(warehouse, "select status from raw_youtube.extract_runs") == [("succeeded",)]

    # the run's summary: a JSON timing log and the same as a markdown artifact in Prefect
    summary = result["summary"]
    saved = json.loads((state_dir() / "runs" / f"{summary['run_id']}.json").read_text())
    assert saved == summary
    assert saved["status"] == "succeeded" and saved["mode"] == "full"
    ext = saved["extract"]
    assert ext["units_spent"] == pipeline_env.quota()["total"]
    assert ext["rows_landed"] == result["extract"]["rows_landed"]
    assert 0 < ext["api_seconds"] + ext["landing_seconds"] <= ext["seconds"] <= saved["seconds"]
    assert saved["dbt"]["parse_seconds"] > 0 and saved["dbt"]["build_seconds"] > 0
    assert saved["dbt"]["counts"]["error"] == 0 and saved["dbt"]["counts"]["pass"] > 50
    assert {n["resource_type"] for n in saved["dbt"]["nodes"]} >= {"model", "test", "unit_test"}
    (artifact,) = artifacts_of(state)
    assert artifact.key == "tubewarehouse-run"
    assert f"full run `{summary['run_id']}`: succeeded" in artifact.data
    assert f"**{ext['units_spent']:,} quota units**" in artifact.data
    assert f"| videos | {ext['rows_landed']['videos']:,} |" in artifact.data
    assert "No model or test failed." in artifact.data


def artifacts_of(state) -> list:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])
            )
        )


def test_hourly_stats_run_refreshes_statistics_and_keeps_playlists(pipeline_env, warehouse) -> None:
    from flows.pipeline import pipeline

    daily = pipeline(mode="full", return_state=True)
    assert daily.is_completed(), daily.message
    memberships = query(warehouse, "select count(*) from marts.playlist_videos")[0][0]
    stats_rows = query(warehouse, "select count(*) from marts.video_stats")[0][0]
    pipeline_env.clock.advance(timedelta(hours=1))

    # a planner setting replaced for this run only, as the Prefect UI's custom run does
    hourly = pipeline(mode="stats", refresh_policy={"refresh_floor_hours": 12}, return_state=True)

    assert hourly.is_completed(), hourly.message
    daily_units = daily.result()["extract"]["units_spent"]
    hourly_units = hourly.result()["extract"]["units_spent"]
    assert hourly_units < daily_units
    # membership comes from the daily crawl; the hourly run adds one capture per video its
    # refresh plan chose (statistics through videos.batchGetStats, in the stats bucket)
    assert query(warehouse, "select count(*) from marts.playlist_videos")[0][0] == memberships
    hourly_run = hourly.result()["extract"]["run_id"]
    (refreshed,) = query(
        warehouse,
        "select count(distinct video_id) from raw_youtube.refresh_plan"
        " where run_id = %s and chosen and method is not null",
        (hourly_run,),
    )[0]
    assert refreshed > 0
    (floor,) = query(
        warehouse,
        "select config->>'refresh_floor_hours' from raw_youtube.extract_runs where run_id = %s",
        (hourly_run,),
    )[0]
    assert float(floor) == 12
    assert query(warehouse, "select count(*) from marts.video_stats")[0][0] >= (
        stats_rows + refreshed
    )
    (batch_units,) = query(
        warehouse,
        "select coalesce(sum(units), 0) from raw_youtube.quota_ledger"
        " where run_id = %s and bucket = 'stats'",
        (hourly_run,),
    )[0]
    assert batch_units == -(-refreshed // 50)  # 50 ids a call, 1 unit each
    report = artifacts_of(hourly)[0].data
    assert "stats run" in report
    # the quota per bucket and what the refresh plan chose, with the staleness it found
    assert f"| stats | {batch_units} | {batch_units} |" in report
    assert "## Statistics refresh" in report and "Hours since the last capture" in report
    # the hourly run compacts nothing (only the daily one does), but marks what dbt consumed
    assert hourly.result()["retention"] == {"marked": 1}
    marked = "select count(*) from raw_youtube.extract_runs where transformed_at is not null"
    assert query(warehouse, marked)[0][0] == 2

    # the next daily crawl compacts the raw rows consumed more than retention_days ago
    pipeline_env.clock.advance(timedelta(hours=24))
    next_daily = pipeline(mode="full", retention_days=0, return_state=True)
    assert next_daily.is_completed(), next_daily.message
    compacted = next_daily.result()["retention"]
    assert compacted["marked"] == 1 and compacted["horizon"] is not None
    assert compacted["rows"]["videos items"] > 0, compacted
    (whole,) = query(
        warehouse,
        "select count(*) from raw_youtube.videos where item ? 'snippet' and captured_at < %s",
        (compacted["horizon"],),
    )[0]
    assert whole == 0  # every older capture of a video seen since is compacted


def test_runs_that_meet_queue_on_the_warehouse_lock(warehouse) -> None:
    order: list[str] = []
    with database.pipeline_lock(warehouse):
        waiter = threading.Thread(
            target=lambda: _take_lock(warehouse, order), name="second-run", daemon=True
        )
        waiter.start()
        time.sleep(1.5)
        order.append("first released")
    waiter.join(timeout=30)
    assert order == ["second waiting", "first released", "second ran"]
    with (
        pytest.raises(database.DatabaseError, match="another pipeline run"),
        database.pipeline_lock(warehouse),
        database.pipeline_lock(warehouse, wait_seconds=0.5),
    ):
        pass


def _take_lock(warehouse, order: list[str]) -> None:
    with database.pipeline_lock(warehouse, on_wait=lambda: order.append("second waiting")):
        order.append("second ran")


def test_pipeline_flow_fails_loudly_when_extraction_fails(
    pipeline_env, warehouse, monkeypatch
) -> None:
    from flows.pipeline import pipeline

    monkeypatch.setenv("YOUTUBE_CHANNEL_IDS", "UC" + "z" * 22)

    state = pipeline(return_state=True)

    assert state.is_failed()
    assert "UC" + "z" * 22 in state.message or "UC" + "z" * 22 in str(
        state.result(raise_on_failure=False)
    )
    # dbt still ran on what landed: the reference data marts' sources exist
    assert query(warehouse, "select status from raw_youtube.extract_runs") == [("failed",)]
    (artifact,) = artifacts_of(state)  # a failed run has its summary too, saying why
    assert "failed in" in artifact.data and "## Why it failed" in artifact.data
    assert "UC" + "z" * 22 in artifact.data


def test_configuration_errors_are_not_retried(pipeline_env, monkeypatch) -> None:
    """A missing key fails the flow run at once: no task retries (which wait 10 s, 60 s)."""
    import time

    from flows.pipeline import pipeline

    monkeypatch.setenv("YOUTUBE_API_KEY", "")
    started = time.monotonic()
    state = pipeline(return_state=True)
    assert state.is_failed()
    assert "YOUTUBE_API_KEY" in state.message
    assert time.monotonic() - started < 8

    monkeypatch.setenv("YOUTUBE_API_KEY", "emulator-key")
    state = pipeline(mode="stats", refresh_policy={"refresh_floor_hour": 12}, return_state=True)
    assert state.is_failed()
    assert "unknown refresh planner setting(s) refresh_floor_hour" in state.message
