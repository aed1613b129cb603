"""The Prefect flow end to end: extract against the emulator, then dbt build, through
Prefect's own (temporary, local) server."""

from __future__ import annotations

import pytest

from extract.emulator import Clock, EmulatorServer, World
from tests.conftest import EMULATOR_START, query, settings_for

pytestmark = pytest.mark.slow


@pytest.fixture
def pipeline_env(warehouse, monkeypatch):
    world = World.small()
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True)) as server:
        settings = settings_for(server)
        monkeypatch.setenv("DATABASE_URL", warehouse.url)
        monkeypatch.setenv("YOUTUBE_API_URL", server.url)
        monkeypatch.setenv("YOUTUBE_API_KEY", "test-key")
        monkeypatch.setenv("YOUTUBE_CHANNEL_IDS", ",".join(settings.channel_ids))
        monkeypatch.setenv("YOUTUBE_REGIONS", ",".join(settings.regions))
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
