"""Exactly-once landing: a run killed with SIGKILL (waiting on the API, or inside a page's
transaction) and resumed, then a fresh run, land exactly what a clean run lands; a database
that goes away mid-run fails the run with one clear line, and the next run succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator import EmulatorServer, Fault
from extract import database
from extract.database import ConnectionInfo, from_url
from extract.load import RawStore
from extract.run import run_extract
from tests.conftest import create_database, query
from tests.extract.faultkit import (
    ITEM_TABLES,
    KEY,
    ROOT,
    assert_complete,
    assert_no_duplicates,
    assert_pages_whole,
    env_for,
    extract_cli,
    fast,
    ledger,
    page_snapshot,
    run_items,
    run_row,
    tables_containing,
    terminate_extractor_backends,
)


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def start_extract(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "extract", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


HOURLY_TABLES = [t for t in ITEM_TABLES if t not in ("i18n_regions", "video_categories")]


def resolved(conn: ConnectionInfo, run_id: str) -> Counter[tuple[str, str]]:
    """A run's hourly items, 304 pages resolved: comparable whatever its ETag history."""
    return Counter(
        (table, str(sorted(item.items())))
        for table in HOURLY_TABLES
        for item in run_items(conn, table, run_id)
    )


@pytest.fixture
def clean(pg_cluster: ConnectionInfo, paged: EmulatorServer) -> ConnectionInfo:
    """A clean run of the same world at the same (frozen) emulator time, in its own database."""
    conn = create_database(pg_cluster, f"clean_{uuid.uuid4().hex[:8]}")
    assert run_extract(fast(paged), conn, run_id="clean").status == "succeeded"
    paged.reset_quota()
    return conn


def check_recovered(
    warehouse: ConnectionInfo, clean: ConnectionInfo, paged: EmulatorServer, run_id: str
) -> None:
    """Resume ``run_id``, then a fresh run: both land exactly what the clean run did."""
    env = env_for(paged, warehouse)
    resumed = extract_cli("--run-id", run_id, env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert run_row(warehouse, run_id)[0] == "succeeded"
    # byte for byte: same pages, same positions, same JSON (a frozen clock: same numbers)
    assert page_snapshot(warehouse, run_id) == page_snapshot(clean, "clean")
    fresh = extract_cli("--run-id", "fresh", env=env)
    assert fresh.returncode == 0, fresh.stderr
    assert resolved(warehouse, "fresh") == resolved(clean, "clean")
    # reference data is daily: the fresh run, an hour (here: a moment) later, did not ask again
    assert [r for r in ledger(warehouse, "fresh") if r[0] == "i18nRegions.list"] == []
    assert_complete(warehouse, paged.world, paged.clock.now(), run_id)
    assert_no_duplicates(warehouse)
    assert_pages_whole(warehouse)
    assert tables_containing(warehouse, KEY) == []


def test_kill_9_while_waiting_for_a_page_then_resume(paged, warehouse, clean) -> None:
    big = max(
        (p for c in paged.world.tracked_channel_ids for p in paged.world.playlists_of(c)),
        key=lambda p: len(p.items),
    )
    (hang,) = paged.faults.add(
        Fault(
            kind="slow",
            delay_seconds=60,
            params={"playlistId": big.playlist_id},
            page_token_only=True,
            times=1,
        )
    )
    process = start_extract(
        env_for(paged, warehouse, YOUTUBE_TIMEOUT_SECONDS="120"), "--run-id", "k"
    )
    try:
        wait_for(lambda: hang.applied, "the extractor to hang on page 2")
        time.sleep(0.2)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    paged.faults.clear()

    assert run_row(warehouse, "k")[0] == "running"  # killed: nobody closed it
    landed = query(
        warehouse,
        "select page_token from raw_youtube.pages where run_id = 'k' "
        "and request->>'playlistId' = %s",
        (big.playlist_id,),
    )
    assert landed == [("",)]  # page 1 landed, page 2 never did
    assert_pages_whole(warehouse)
    # the ledger has every request that came back (the one in flight cannot be known)
    assert sum(r[2] for r in ledger(warehouse, "k")) == paged.quota()["total"] - 1

    check_recovered(warehouse, clean, paged, "k")


def test_kill_9_inside_a_page_transaction_then_resume(paged, warehouse, clean) -> None:
    store = RawStore(warehouse)
    store.ensure_schema()
    store.close()
    (slow,) = paged.faults.add(
        Fault(kind="slow", delay_seconds=1.0, method="playlistItems.list", times=1)
    )
    process = start_extract(env_for(paged, warehouse), "--run-id", "k")
    locker = warehouse.connect()
    try:
        wait_for(lambda: slow.matched, "the first playlistItems.list call")
        with locker.cursor() as cur:  # the page's COPY will wait on this lock, mid-transaction
            cur.execute("lock table raw_youtube.playlist_items in access exclusive mode")
        blocked = wait_for(
            lambda: query(
                warehouse,
                "select pid from pg_stat_activity where datname = current_database() "
                "and wait_event_type = 'Lock' and query ilike %s",
                ("copy raw_youtube.playlist_items%",),
            ),
            "the page's COPY to block",
        )[0][0]
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        locker.rollback()  # the backend gets the lock, reads EOF from the dead client, rolls back
        locker.close()
    wait_for(
        lambda: not query(warehouse, "select 1 from pg_stat_activity where pid = %s", (blocked,)),
        "the killed client's backend to end",
    )
    paged.faults.clear()

    # the page's ledger row was inserted in that transaction: it rolled back with the items
    assert query(
        warehouse, "select count(*) from raw_youtube.pages where resource = 'playlist_items'"
    ) == [(0,)]
    assert query(warehouse, "select count(*) from raw_youtube.playlist_items") == [(0,)]
    check_recovered(warehouse, clean, paged, "k")


def test_database_connection_lost_mid_run_fails_cleanly(paged, warehouse) -> None:
    (slow,) = paged.faults.add(Fault(kind="slow", delay_seconds=1.0, method="videos.list", times=1))
    terminated: list[int] = []

    def cut() -> None:
        wait_for(lambda: slow.matched, "the slow videos.list call")
        terminated.append(terminate_extractor_backends(warehouse))

    thread = threading.Thread(target=cut)
    thread.start()
    result = run_extract(fast(paged, timeout_seconds=5), warehouse, run_id="r1")
    thread.join()

    assert terminated == [1]
    assert result.status == "failed"
    (line,) = result.failures
    assert line.startswith("lost the database connection mid-run (")
    assert "terminating connection" in line or "server closed the connection" in line
    assert "--run-id r1" in line and "\n" not in line
    assert run_row(warehouse, "r1")[:2] == ("failed", line)
    assert_pages_whole(warehouse)
    assert_no_duplicates(warehouse)

    nxt = run_extract(fast(paged), warehouse, run_id="r2")
    assert nxt.status == "succeeded", nxt.failures
    assert_complete(warehouse, paged.world, paged.clock.now(), "r2")
    again = run_extract(fast(paged), warehouse, run_id="r1")
    assert again.status == "succeeded" and again.resumed
    assert_complete(warehouse, paged.world, paged.clock.now(), "r1")


@pytest.fixture
def own_cluster(tmp_path: Path) -> Iterator[tuple[Any, ConnectionInfo]]:
    """A PostgreSQL cluster of this test's own: it is stopped and restarted mid-run."""
    import pgserver

    server = pgserver.get_server(tmp_path / "pg", cleanup_mode="delete")
    admin = from_url(server.get_uri())
    try:
        yield server, create_database(admin, "restart")
    finally:
        try:
            server.ensure_postgres_running()  # a no-op when it runs; cleanup stops it
        finally:
            server.cleanup()


def test_database_restarted_mid_run_exit_3_then_next_run_succeeds(paged, own_cluster) -> None:
    server, conn = own_cluster
    (slow,) = paged.faults.add(Fault(kind="slow", delay_seconds=1.5, method="videos.list", times=1))
    process = subprocess.Popen(
        [sys.executable, "-m", "extract", "--run-id", "r1"],
        env=env_for(paged, conn),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(lambda: slow.matched, "the slow videos.list call")
    assert database.stop_embedded(server.pgdata)  # fast shutdown: sessions are cut
    out, err = process.communicate(timeout=60)

    assert process.returncode == 3, err
    errors = [line for line in err.splitlines() if line.startswith("database error:")]
    assert len(errors) == 1 and "lost the database connection mid-run" in errors[0]
    assert "still unreachable" in errors[0] and "Traceback" not in err
    assert KEY not in out + err

    server.ensure_postgres_running()  # the database is back
    assert run_row(conn, "r1")[0] == "running"  # nobody could record the end
    assert_pages_whole(conn)
    done = extract_cli(env=env_for(paged, conn))
    assert done.returncode == 0, done.stderr
    resumed = extract_cli("--run-id", "r1", env=env_for(paged, conn))
    assert resumed.returncode == 0, resumed.stderr
    assert_complete(conn, paged.world, paged.clock.now(), "r1")
    assert_no_duplicates(conn)
