"""The hourly refresh against the emulator: quota buckets in the ledger, a tight budget, the
stats bucket spent, batchGetStats unavailable, and the planner's state kept == rebuilt."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from emulator import Clock, EmulatorServer, Fault
from extract import refresh_store
from extract.refresh_state import COLUMNS
from extract.run import run_extract
from tests.conftest import EMULATOR_START, query, settings_for


def _plan(warehouse, run_id):
    return query(
        warehouse,
        "select reason, chosen, method, hours_stale from raw_youtube.refresh_plan "
        "where run_id = %s",
        (run_id,),
    )


def test_ledger_rows_carry_their_bucket_and_hourly_units_per_bucket(emulator, warehouse) -> None:
    full = run_extract(settings_for(emulator), warehouse)
    runs = []
    for _ in range(3):
        emulator.clock.advance(timedelta(hours=1))
        runs.append(run_extract(settings_for(emulator), warehouse, mode="stats"))
    assert all(run.ok for run in runs), [run.failures for run in runs]
    ledger = dict(
        query(
            warehouse,
            "select method || ' ' || bucket, sum(units) from raw_youtube.quota_ledger group by 1",
        )
    )
    assert {k.split()[1] for k in ledger if k.startswith("videos.batchGetStats")} == {"stats"}
    assert {k.split()[1] for k in ledger if not k.startswith("videos.batchGetStats")} == {"default"}
    buckets = emulator.quota()["buckets"]
    assert buckets["stats"]["total"] == sum(run.units_by_bucket["stats"] for run in runs)
    assert buckets["default"]["total"] == full.units_spent + sum(
        run.units_by_bucket["default"] for run in runs
    )
    print("full", full.units_by_bucket, "hourly", [run.units_by_bucket for run in runs])
    assert "stats" in runs[0].summary()


def test_a_tight_budget_is_never_exceeded_and_what_waits_is_recorded(world, warehouse) -> None:
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True), stats_daily_quota=12) as api:
        settings = settings_for(api, stats_daily_quota=12, stats_reserve_units=0)
        assert run_extract(settings, warehouse).ok
        for _ in range(4):
            api.clock.advance(timedelta(hours=1))
            run = run_extract(settings, warehouse, mode="stats")
            assert run.ok, run.failures
            plan = _plan(warehouse, run.run_id)
            chosen = [row for row in plan if row[1]]
            assert -(-len(chosen) // 50) <= 12
            waiting = [row for row in plan if not row[1]]
            assert all(
                row[3] is not None or row[0] in ("new", "charted", "young") for row in waiting
            )
        assert api.quota()["buckets"]["stats"]["refused"] == 0
        assert api.quota()["buckets"]["stats"]["units_today"] <= 12
        assert (
            query(warehouse, "select count(*) from raw_youtube.refresh_plan where not chosen")[0][0]
            > 0
        )


def test_the_stats_bucket_spent_stops_only_the_statistics(world, warehouse, caplog) -> None:
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True), stats_daily_quota=3) as api:
        settings = settings_for(api)  # believes 10,000: the API says otherwise
        assert run_extract(settings, warehouse).ok
        api.clock.advance(timedelta(hours=1))
        run = run_extract(settings, warehouse, mode="stats")
    assert run.ok, run.failures
    assert any("stats quota bucket cannot pay" in n for n in run.notices)
    assert run.units_by_bucket["stats"] == 3
    assert run.rows_landed["most_popular_videos"] > 0  # the charts still ran
    methods = {row[2] for row in _plan(warehouse, run.run_id) if row[1]}
    assert methods == {"videos.batchGetStats", None}  # the rest waits, recorded


@pytest.mark.parametrize(
    "unusable",
    [
        pytest.param("404", id="method-not-found-404"),
        pytest.param("accessNotConfigured", id="access-not-configured-403"),
    ],
)
def test_without_batch_get_stats_the_plan_goes_through_videos_list(
    world, warehouse, caplog, unusable: str
) -> None:
    """A project whose API has no batchGetStats (404), or whose key is not allowed to use it
    (403 accessNotConfigured, as Google answers for a method not enabled for the project)."""
    caplog.set_level(logging.INFO)
    clock = Clock(EMULATOR_START, frozen=True)
    with EmulatorServer(world, clock, batch_stats=unusable != "404") as api:
        if unusable != "404":
            api.faults.add(Fault(kind="error", reason=unusable, method="videos.batchGetStats"))
        settings = settings_for(api)
        assert run_extract(settings, warehouse).ok
        api.clock.advance(timedelta(hours=1))
        caplog.clear()
        run = run_extract(settings, warehouse, mode="stats")
        stats_units = api.quota()["buckets"].get("stats", {}).get("total", 0)
    assert run.ok, run.failures
    lines = [
        r.getMessage() for r in caplog.records if "not available to this key" in r.getMessage()
    ]
    status = "404" if unusable == "404" else f"403 {unusable}"
    assert len(lines) == 1 and "videos.list instead" in lines[0] and status in lines[0], lines
    # tried once, charged nothing (neither answer consults the quota), never tried again
    assert run.units_by_method.get("youtube.videos.batchGetStats", 0) == 0
    assert stats_units == 0 and "stats" not in run.units_by_bucket
    tried = query(
        warehouse,
        "select count(*) from raw_youtube.quota_ledger "
        "where run_id = %s and method = 'videos.batchGetStats'",
        (run.run_id,),
    )
    assert tried == [(1,)]
    methods = {row[2] for row in _plan(warehouse, run.run_id) if row[1]}
    assert methods == {"videos.list"}
    # the planned videos got fresh counts all the same, through videos.list
    chosen = query(
        warehouse,
        "select count(*) from raw_youtube.refresh_plan where run_id = %s and chosen",
        (run.run_id,),
    )[0][0]
    refreshed = query(
        warehouse,
        "select count(distinct item->>'id') from raw_youtube.videos where run_id = %s",
        (run.run_id,),
    )[0][0]
    assert chosen > 0 and refreshed >= chosen


def test_the_state_kept_run_by_run_equals_the_state_rebuilt(emulator, warehouse) -> None:
    assert run_extract(settings_for(emulator), warehouse).ok
    for hours in (1, 1, 20):
        emulator.clock.advance(timedelta(hours=hours))
        assert run_extract(settings_for(emulator), warehouse, mode="stats").ok
    columns = ", ".join(COLUMNS)
    sql = f"select {columns} from raw_youtube.video_refresh_state order by video_id"
    kept = query(warehouse, sql)
    conn = warehouse.connect()
    try:
        assert refresh_store.rebuild(conn) == len(kept)
    finally:
        conn.close()
    assert query(warehouse, sql) == kept
    assert sum(1 for row in kept if row[COLUMNS.index("previous_captured_at")]) > 0


def test_an_empty_state_on_a_warehouse_with_history_is_rebuilt(emulator, warehouse) -> None:
    assert run_extract(settings_for(emulator), warehouse).ok
    before = query(warehouse, "select count(*) from raw_youtube.video_refresh_state")[0][0]
    conn = warehouse.connect()
    try:
        with conn, conn.cursor() as cur:
            cur.execute("delete from raw_youtube.video_refresh_state")
    finally:
        conn.close()
    emulator.clock.advance(timedelta(hours=1))
    run = run_extract(settings_for(emulator), warehouse, mode="stats")
    assert run.ok and "youtube.videos.list" in run.units_by_method
    assert query(warehouse, "select count(*) from raw_youtube.video_refresh_state")[0][0] == before
    # nothing was taken for new: no videos.list beyond the charts
    assert (
        run.units_by_method["youtube.videos.list"]
        == emulator.world.minimum_pages(emulator.clock.now())["charts"]
    )


def test_a_resumed_stats_run_keeps_one_plan_row_per_video(world, warehouse) -> None:
    """Statistics batches fail after the second; the same run resumed plans again: the
    videos its first attempt refreshed keep their rows, the rest are planned once more."""
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True)) as api:
        settings = settings_for(api, retry_attempts=1)
        assert run_extract(settings, warehouse).ok
        api.clock.advance(timedelta(hours=1))
        api.faults.add(
            Fault(
                kind="error",
                status=400,
                reason="badRequest",
                method="videos.batchGetStats",
                after=2,
            )
        )
        first = run_extract(settings, warehouse, mode="stats", run_id="hourly")
        assert not first.ok
        refreshed_first = {
            video_id
            for (video_id,) in query(
                warehouse,
                "select video_id from raw_youtube.refresh_plan where run_id = 'hourly' "
                "and method is not null",
            )
        }
        api.faults.clear()
        api.clock.advance(timedelta(minutes=5))
        second = run_extract(settings, warehouse, mode="stats", run_id="hourly")
    assert second.ok, second.failures
    rows = query(
        warehouse,
        "select video_id, chosen, method from raw_youtube.refresh_plan where run_id = 'hourly'",
    )
    ids = [row[0] for row in rows]
    assert len(ids) == len(set(ids)), "a video planned twice in one run"
    methods = {video_id: method for video_id, _, method in rows}
    assert refreshed_first and all(methods[v] == "videos.batchGetStats" for v in refreshed_first)
    assert all(method is not None for _, chosen, method in rows if chosen)
