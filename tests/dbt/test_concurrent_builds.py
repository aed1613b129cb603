"""History that cannot duplicate: two dbt processes building the history marts at the same
time (a manual build during a scheduled one, with no lock between them) store each capture
once, and fold each chart capture into `trending_summary` once.

Both builds are real `dbt` processes on a real PostgreSQL. The test lines them up with
table locks, so the overlap that happens by chance in production happens every time here:

- `video_stats` and `trending_videos`: both builds compute the same new rows, then insert
  them at the same moment.
- `trending_summary`: one build reads the table's latest capture (its cutoff), the other then
  folds the new captures and commits, and only then does the first read the new captures and
  the stored totals.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest

from emulator import Clock, EmulatorServer, World
from extract.database import ConnectionInfo
from extract.run import run_extract
from extract.settings import project_root
from flows import transform
from flows.env import TELEMETRY_OFF
from tests.conftest import EMULATOR_START, create_database, execute, query, settings_for

pytestmark = pytest.mark.slow
DBT = str(Path(sys.executable).with_name("dbt"))
WAIT_SECONDS = 240  # a dbt process parses the project first: slow on a busy machine


@pytest.fixture(scope="module")
def warehouse_with_a_new_capture(pg_cluster: ConnectionInfo) -> Iterator[ConnectionInfo]:
    """Two runs: the first built, the second landed in raw and not built yet."""
    conn = create_database(pg_cluster, f"concurrent_{uuid.uuid4().hex[:8]}")
    with EmulatorServer(World.small(), Clock(EMULATOR_START, frozen=True)) as server:
        assert run_extract(settings_for(server), conn, run_id="r0").ok
        summary = transform.build(conn)
        assert summary.success, summary.failures
        server.clock.advance(timedelta(hours=1))
        assert run_extract(settings_for(server), conn, run_id="r1").ok
    yield conn


def dbt(conn: ConnectionInfo, folder: Path, *args: str) -> subprocess.Popen[str]:
    """A plain `dbt` process on the warehouse (no lock of the project's runner around it)."""
    folder.mkdir(parents=True)
    root = str(project_root())
    env = {**os.environ, **TELEMETRY_OFF, **conn.env(), "PGTZ": "UTC"}
    command = [DBT, *args, "--project-dir", root, "--profiles-dir", root]
    command += ["--target-path", str(folder / "target"), "--log-path", str(folder / "logs")]
    return subprocess.Popen(
        command, env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def waiting_on(conn: ConnectionInfo, *tables: str) -> int:
    """Lock requests waiting on these tables (from any session)."""
    (count,) = query(
        conn,
        "select count(*) from pg_locks where not granted and relation = any(%s::regclass[])",
        (list(tables),),
    )[0]
    return count


def wait_until(
    what: str, condition: Callable[[], bool], processes: list[subprocess.Popen[str]]
) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        for process in processes:
            if process.poll() is not None:
                output = process.stdout.read() if process.stdout else ""
                raise AssertionError(f"dbt ended before {what}:\n{output[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


def finish(processes: list[subprocess.Popen[str]]) -> list[str]:
    outputs = []
    for process in processes:
        output, _ = process.communicate(timeout=WAIT_SECONDS)
        assert process.returncode == 0, output[-3000:]
        outputs.append(output)
    return outputs


def stop(processes: list[subprocess.Popen[str]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_two_builds_inserting_the_same_captures_store_them_once(
    warehouse_with_a_new_capture: ConnectionInfo, tmp_path: Path
) -> None:
    conn = warehouse_with_a_new_capture
    tables = ("marts.video_stats", "marts.trending_videos")
    blocker = psycopg2.connect(conn.url)
    processes: list[subprocess.Popen[str]] = []
    try:
        with blocker.cursor() as cur:  # reads go on, inserts wait
            cur.execute(f"lock table {', '.join(tables)} in exclusive mode")
        for name in ("scheduled", "manual"):
            processes.append(
                dbt(conn, tmp_path / name, "run", "--select", "video_stats", "trending_videos")
            )
        # each build has computed its new rows and waits to insert them
        wait_until("both builds' inserts", lambda: waiting_on(conn, *tables) >= 4, processes)
        blocker.commit()
        finish(processes)
    finally:
        blocker.close()
        stop(processes)

    for table, key in (
        ("video_stats", "captured_at, video_id"),
        ("trending_videos", "captured_at, region_code, chart_category_id, chart_rank"),
    ):
        (rows, keys, new) = query(
            conn,
            f"select count(*), count(distinct ({key})), count(*) filter (where captured_at = %s) "
            f"from marts.{table}",
            (EMULATOR_START + timedelta(hours=1),),
        )[0]
        assert rows == keys, f"marts.{table}: {rows - keys} rows stored twice"
        assert new > 0, f"marts.{table}: the new capture is missing"


def test_an_overlapping_build_does_not_fold_a_capture_twice(
    warehouse_with_a_new_capture: ConnectionInfo, tmp_path: Path
) -> None:
    conn = warehouse_with_a_new_capture
    # the chart entries of the new capture are stored; trending_summary has not folded them
    summary = transform.invoke(
        ["run", "--select", "trending_videos", "--target-path", str(tmp_path / "t")], conn
    )
    assert summary.success, summary.failures
    assert query(conn, "select max(last_seen_at) from marts.trending_summary") == [
        (EMULATOR_START,)
    ]
    summary_lock = psycopg2.connect(conn.url)
    processes: list[subprocess.Popen[str]] = []
    videos_lock = threading.Thread(target=lock_and_release, args=(conn, "marts.trending_videos"))
    try:
        with summary_lock.cursor() as cur:
            cur.execute("lock table marts.trending_summary in exclusive mode")
        # the scheduled build folds the new captures, and waits to write its totals
        processes.append(dbt(conn, tmp_path / "scheduled", "run", "--select", "trending_summary"))
        wait_until(
            "the first build's write",
            lambda: waiting_on(conn, "marts.trending_summary") >= 1,
            processes,
        )
        # queued behind the first build (which read trending_videos): later readers wait
        videos_lock.start()
        wait_until(
            "the lock on trending_videos to queue",
            lambda: waiting_on(conn, "marts.trending_videos") >= 1,
            processes,
        )
        # the manual build reads its cutoff now, then waits to read the chart entries
        processes.append(dbt(conn, tmp_path / "manual", "run", "--select", "trending_summary"))
        wait_until(
            "the second build's read",
            lambda: waiting_on(conn, "marts.trending_videos") >= 2,
            processes,
        )
        summary_lock.commit()  # the first build writes and commits; then the second reads
        finish(processes)
    finally:
        summary_lock.close()
        stop(processes)
        videos_lock.join(timeout=WAIT_SECONDS)

    folded_twice = query(
        conn,
        """
        with history as (
            select
                video_id,
                region_code,
                count(distinct run_id) as captures_on_chart,
                min(chart_rank) as best_rank,
                min(captured_at) as first_seen_at,
                max(captured_at) as last_seen_at
            from marts.trending_videos
            group by video_id, region_code
        )
        select summary.video_id, summary.region_code, summary.captures_on_chart,
            history.captures_on_chart
        from marts.trending_summary as summary
        full join history using (video_id, region_code)
        where summary.captures_on_chart is distinct from history.captures_on_chart
            or summary.best_rank is distinct from history.best_rank
            or summary.first_seen_at is distinct from history.first_seen_at
            or summary.last_seen_at is distinct from history.last_seen_at
        """,
    )
    assert folded_twice == [], f"{len(folded_twice)} rows disagree, e.g. {folded_twice[:3]}"
    assert query(conn, "select max(last_seen_at) from marts.trending_summary") == [
        (EMULATOR_START + timedelta(hours=1),)
    ]


def lock_and_release(conn: ConnectionInfo, table: str) -> None:
    """Take an ACCESS EXCLUSIVE lock (waiting for its readers), then let it go at once."""
    session = psycopg2.connect(conn.url)
    try:
        with session.cursor() as cur:
            cur.execute(f"lock table {table} in access exclusive mode")
        session.commit()
    finally:
        session.close()


def test_a_history_built_before_the_key_gets_it_or_says_how_to_rebuild(
    warehouse_with_a_new_capture: ConnectionInfo, tmp_path: Path
) -> None:
    """Tables built by an older version have no key: the next build adds it, unless rows
    already repeat a key (overlapping builds stored them); then it says what to do."""
    conn = warehouse_with_a_new_capture
    execute(
        conn,
        "alter table marts.video_stats drop constraint video_stats_pkey;"
        "insert into marts.video_stats select * from marts.video_stats order by captured_at "
        "limit 2",
    )
    args = ["run", "--select", "video_stats", "--target-path", str(tmp_path / "t")]
    refused = transform.invoke(args, conn)
    assert not refused.success
    (failure,) = refused.failures
    assert "holds 2 key(s) stored more than once (captured_at, video_id)" in failure
    assert "ytw dbt -- build --full-refresh --select video_stats+" in failure

    execute(
        conn,
        "delete from marts.video_stats as a using marts.video_stats as b "
        "where a.ctid > b.ctid and a.captured_at = b.captured_at and a.video_id = b.video_id",
    )
    assert transform.invoke(args, conn).success
    assert query(
        conn,
        "select indexdef from pg_indexes where schemaname = 'marts' "
        "and tablename = 'video_stats' and indexdef like 'CREATE UNIQUE%%'",
    ) == [
        (
            "CREATE UNIQUE INDEX video_stats_key ON marts.video_stats USING btree "
            "(captured_at, video_id)",
        )
    ]
