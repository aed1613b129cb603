"""The raw retention policy loses nothing the marts are built of: after compacting a history
(daily full crawls with ETags, hourly refreshes, a deleted video, a video made private, an
emptied and a removed playlist, a title change), a full refresh builds exactly the marts it
built before, the raw tables are smaller, a second pass changes nothing, and the incremental
path still equals a full refresh afterwards."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from emulator import Clock, EmulatorServer, World
from extract.database import ConnectionInfo, pipeline_lock
from extract.retention import compact, main, mark_transformed
from extract.run import run_extract
from flows import transform
from tests.conftest import (
    EMULATOR_START,
    create_database,
    query,
    settings_for,
    waiting_on_the_lock,
)

pytestmark = pytest.mark.slow

# (hours after the start, extract mode); the mutations happen before the 24 h crawl.
RUNS = ((0, "full"), (1, "stats"), (2, "stats"), (24, "full"), (25, "stats"), (48, "full"))
MUTATED_AT = 24


@dataclass
class Warehouse:
    conn: ConnectionInfo
    server: EmulatorServer
    clock: Clock

    def run(self, mode: str) -> None:
        result = run_extract(settings_for(self.server), self.conn, mode=mode)
        assert result.ok, result.failures


def _mutate(server: EmulatorServer, world: World) -> None:
    channel = world.tracked_channel_ids[0]
    playlists = world.playlists_of(channel)
    in_playlists = [
        item.video_id
        for playlist in playlists
        for item in playlist.items
        if world.videos[item.video_id].is_public
        and world.videos[item.video_id].channel_id == channel
    ]
    deleted, private, retitled = in_playlists[0], in_playlists[1], in_playlists[2]
    server.mutations.delete_video(deleted)
    server.mutations.make_private(private)
    server.mutations.set_title(retitled, "A title changed after the first crawl")
    server.mutations.empty_playlist(playlists[1].playlist_id)
    server.mutations.remove_playlist(playlists[2].playlist_id)


def marts(conn: ConnectionInfo) -> dict[str, list[tuple]]:
    """Every mart's rows, in a stable order."""
    tables = [
        name
        for (name,) in query(
            conn,
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1",
        )
    ]
    snapshot = {}
    for table in tables:
        (count,) = query(
            conn,
            "select count(*) from information_schema.columns "
            "where table_schema = 'marts' and table_name = %s",
            (table,),
        )[0]
        order = ", ".join(str(n) for n in range(1, count + 1))
        snapshot[table] = query(conn, f"select * from marts.{table} order by {order}")
    return snapshot


def build(conn: ConnectionInfo, full_refresh: bool = False) -> dict[str, list[tuple]]:
    """dbt build, then what the pipeline flow does after a successful build."""
    started = datetime.now(UTC)
    summary = transform.build(conn, full_refresh=full_refresh)
    assert summary.success, summary.failures
    mark_transformed(conn, started)
    return marts(conn)


@pytest.fixture(scope="module")
def history(pg_cluster: ConnectionInfo):
    conn = create_database(pg_cluster, f"retention_{uuid.uuid4().hex[:8]}")
    world = World.small()
    clock = Clock(EMULATOR_START, frozen=True)
    with EmulatorServer(world, clock) as server:
        warehouse = Warehouse(conn, server, clock)
        for hours, mode in RUNS:
            clock.set(EMULATOR_START + timedelta(hours=hours))
            if hours == MUTATED_AT:
                _mutate(server, world)
            warehouse.run(mode)
        yield warehouse


def raw_counts(conn: ConnectionInfo) -> dict[str, int]:
    tables = ("videos", "most_popular_videos", "channels", "playlist_items", "pages")
    return {t: query(conn, f"select count(*) from raw_youtube.{t}")[0][0] for t in tables}


def test_nothing_is_compacted_before_the_marts_consumed_it(history: Warehouse) -> None:
    report = compact(history.conn, keep=timedelta(0), now=history.clock.now())
    assert report.horizon is None and not report.rows
    assert "no extract run is marked as transformed" in report.summary()


def test_only_runs_finished_before_the_build_are_marked(history: Warehouse) -> None:
    conn = history.conn
    (earliest,) = query(conn, "select min(finished_at) from raw_youtube.extract_runs")[0]
    assert mark_transformed(conn, earliest - timedelta(seconds=1)) == 0
    assert mark_transformed(conn, earliest) == 1
    (marked,) = query(
        conn, "select count(*) from raw_youtube.extract_runs where transformed_at is not null"
    )[0]
    assert marked == 1


def test_a_full_refresh_after_compaction_builds_the_same_marts(history: Warehouse) -> None:
    conn, last = history.conn, history.clock.now()
    before = build(conn, full_refresh=True)
    rows_before = raw_counts(conn)
    # every mart holds rows, but videos_overdue: empty whenever the budget reached every
    # video due (so it is compared, but may be compared empty)
    # (and trending_charts_missing: empty while YouTube has every chart asked for)
    allowed_empty = {"videos_overdue", "trending_charts_missing"}
    empty = [t for t, rows in before.items() if not rows and t not in allowed_empty]
    assert not empty, empty

    dry = compact(conn, keep=timedelta(hours=2), now=last + timedelta(minutes=30), dry_run=True)
    assert dry.horizon is not None and all(n > 0 for n in dry.rows.values()), dry.rows
    assert raw_counts(conn) == rows_before and not dry.bytes_after

    report = compact(conn, keep=timedelta(hours=2), now=last + timedelta(minutes=30), vacuum="full")

    # everything before the last full crawl, minus the marts' 3-hour lookback
    assert report.horizon == last - timedelta(hours=3)
    assert report.rows == dry.rows
    # hourly statistics come through videos.batchGetStats now, so raw videos holds the
    # crawls' and new videos' answers: compacting them still frees about half its space
    assert report.bytes_after["videos"] < report.bytes_before["videos"] * 0.6
    assert report.bytes_after["playlist_items"] < report.bytes_before["playlist_items"]
    counts = raw_counts(conn)
    assert counts["playlist_items"] < rows_before["playlist_items"]  # superseded crawls
    assert {t: n for t, n in counts.items() if t != "playlist_items"} == {
        t: n for t, n in rows_before.items() if t != "playlist_items"
    }
    (whole,) = query(
        conn,
        "select count(*) from raw_youtube.videos where item ? 'snippet' and captured_at < %s",
        (report.horizon,),
    )[0]
    assert whole < rows_before["videos"] / 10  # only videos not captured since stay whole

    after = build(conn, full_refresh=True)
    for table, rows in before.items():
        assert after[table] == rows, f"marts.{table} differs after compaction"

    again = compact(conn, keep=timedelta(hours=2), now=last + timedelta(minutes=30))
    assert again.horizon == report.horizon and not any(again.rows.values()), again.rows


def test_the_incremental_path_still_equals_a_full_refresh(history: Warehouse) -> None:
    conn = history.conn
    compact(conn, keep=timedelta(hours=2), now=history.clock.now() + timedelta(minutes=30))
    build(conn)
    history.clock.advance(timedelta(hours=1))
    history.run("stats")
    incremental = build(conn)
    full = build(conn, full_refresh=True)
    for table, rows in full.items():
        assert incremental[table] == rows, f"marts.{table}: incremental differs from full"


def test_the_command_line_dry_run(
    history: Warehouse, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", history.conn.url)
    assert main(["--dry-run", "--keep-days", "0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("raw retention: would compact rows captured before ")
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "--dry-run" in capsys.readouterr().out


def test_a_pass_of_its_own_waits_for_the_warehouse_lock(
    history: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compacting raw rows under a running build would change what it reads: a pass started
    from the command line queues behind whoever holds the warehouse (a real second session)."""
    monkeypatch.setenv("DATABASE_URL", history.conn.url)
    finished = threading.Event()
    with pipeline_lock(history.conn):
        worker = threading.Thread(
            target=lambda: (main(["--dry-run", "--keep-days", "0"]), finished.set()), daemon=True
        )
        worker.start()
        deadline = time.monotonic() + 30
        while waiting_on_the_lock(history.conn) == 0:
            assert time.monotonic() < deadline, "the pass did not ask for the lock"
            time.sleep(0.1)
        assert not finished.is_set()
    worker.join(timeout=60)
    assert finished.is_set()
