"""The whole Prefect flow through API faults, with a distinctive API key: the flow run fails
loudly (one item failed), everything else lands and is built, and the key appears nowhere:
not in our logs, stdout/stderr, exception messages, Prefect's stored logs of the flow run, nor
in any row of any table or view of the warehouse."""

from __future__ import annotations

import logging

import pytest

from emulator import Clock, EmulatorServer, Fault
from flows.pipeline import pipeline  # imports Prefect, which sets up logging: before caplog
from tests.conftest import EMULATOR_START, query
from tests.extract.faultkit import KEY, expected, paged_world, tables_containing

pytestmark = pytest.mark.slow


def prefect_logs(flow_run_id: object) -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)  # logs are sent in batches by a background worker
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
        )
    return [log.message for log in logs]


def test_flow_with_api_faults_fails_loudly_and_never_shows_the_key(
    warehouse, monkeypatch, caplog, capfd
) -> None:
    caplog.set_level(logging.DEBUG)  # the Google client's debug logs carry the request URLs
    world = paged_world()
    faults = [
        Fault(kind="error", status=503, method="videos.list", times=2),  # retried
        Fault(kind="reset", method="playlistItems.list", times=1),  # retried
        Fault(kind="malformed", method="playlists.list", times=1),  # retried
        Fault(kind="error", status=500, params={"chart": "mostPopular", "regionCode": "JP"}),
    ]
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True), faults=faults) as server:
        for name, value in {
            "DATABASE_URL": warehouse.url,
            "YOUTUBE_API_URL": server.url,
            "YOUTUBE_API_KEY": KEY,
            "YOUTUBE_CHANNEL_IDS": ",".join(world.tracked_channel_ids),
            "YOUTUBE_REGIONS": ",".join(world.region_codes),
            "YOUTUBE_RETRY_ATTEMPTS": "3",
            "YOUTUBE_RETRY_BACKOFF_SECONDS": "0.01",
        }.items():
            monkeypatch.setenv(name, value)
        state = pipeline(return_state=True)

    assert state.is_failed()
    message = state.message or ""
    assert "mostPopular JP/0" in message and "HTTP 500" in message
    with pytest.raises(Exception) as caught:
        state.result()
    assert "mostPopular JP/0" in str(caught.value)
    # everything but the JP chart landed and was built: nothing lost, nothing doubled
    assert query(warehouse, "select status from raw_youtube.extract_runs") == [("failed",)]
    want = expected(world, EMULATOR_START)
    videos = query(warehouse, "select video_id from marts.videos")
    assert len(videos) == len(set(videos)) and want["videos"] <= {v[0] for v in videos}
    history = query(
        warehouse,
        "select video_id, count(*) from marts.video_stats where captured_at = %s group by 1",
        (EMULATOR_START,),
    )
    assert {v for v, n in history if n == 1} >= want["videos"] and all(n == 1 for _, n in history)
    members = query(warehouse, "select playlist_item_id from marts.playlist_videos")
    normal = {
        item.playlist_item_id
        for c in world.tracked_channel_ids
        for p in world.playlists_of(c)
        for item in p.items
    }
    assert sorted(m[0] for m in members) == sorted(normal)
    regions = query(
        warehouse, "select distinct request->>'regionCode' from raw_youtube.most_popular_videos"
    )
    assert {r[0] for r in regions} == set(world.region_codes) - {"JP"}

    logs = prefect_logs(state.state_details.flow_run_id)
    assert any("mostPopular JP/0" in line for line in logs)  # the failure is in the run's logs
    out, err = capfd.readouterr()
    for text in (message, str(caught.value), caplog.text, out, err, *logs):
        assert KEY not in text
    assert "key=REDACTED" in caplog.text
    assert tables_containing(warehouse, KEY) == []


def test_extract_task_resumes_its_run_after_losing_the_database(warehouse, monkeypatch) -> None:
    """The database goes away mid-run: the task's retry resumes the same run id and lands
    exactly what was missing."""
    import threading
    import time

    from prefect import flow

    from flows.pipeline import extract_task
    from tests.extract.faultkit import (
        assert_complete,
        assert_no_duplicates,
        terminate_extractor_backends,
    )

    world = paged_world()
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True)) as server:
        (slow,) = server.faults.add(
            Fault(kind="slow", delay_seconds=1.0, method="videos.list", times=1)
        )
        for name, value in {
            "DATABASE_URL": warehouse.url,
            "YOUTUBE_API_URL": server.url,
            "YOUTUBE_API_KEY": KEY,
            "YOUTUBE_CHANNEL_IDS": ",".join(world.tracked_channel_ids),
            "YOUTUBE_REGIONS": ",".join(world.region_codes),
        }.items():
            monkeypatch.setenv(name, value)

        def cut() -> None:
            deadline = time.monotonic() + 30
            while not slow.matched and time.monotonic() < deadline:
                time.sleep(0.05)
            terminate_extractor_backends(warehouse)

        @flow
        def extract_only() -> dict:
            return extract_task.with_options(retry_delay_seconds=0)("r1")

        thread = threading.Thread(target=cut)
        thread.start()
        result = extract_only()
        thread.join()

    assert result["status"] == "succeeded" and result["resumed"], result["failures"]
    assert_complete(warehouse, world, EMULATOR_START, "r1")
    assert_no_duplicates(warehouse)
    # the run's units are the ledger's over both attempts, in the result and the run summary
    from flows import run_summary

    (ledger_units,) = query(
        warehouse, "select sum(units) from raw_youtube.quota_ledger where run_id = 'r1'"
    )[0]
    summary = run_summary.summarize("r1", "full", result, None, [], 0.0)
    assert summary["extract"]["units_spent"] == result["units_spent"] == ledger_units
    assert 0 < result["attempt_units"] < ledger_units
