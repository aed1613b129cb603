"""Time you can trust, in the models: raw rows dated in 2100 (one answer whose `Date` header
said so, landed by an extractor that believed it, as every version before the capture-time
bound did) are flagged and left out of the marts, and no incremental cutoff follows them into
the future: the captures after them still reach `video_stats`, `videos` and the rest."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from emulator import Clock, EmulatorServer, Rewrite, World
from extract import client
from extract.database import ConnectionInfo
from extract.run import run_extract
from flows import transform
from tests.conftest import EMULATOR_START, create_database, query, settings_for

pytestmark = pytest.mark.slow
FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


@dataclass
class Landed:
    conn: ConnectionInfo
    captures: list[datetime]  # the believable ones, one per run
    future_videos: set[str]  # the videos whose capture is dated 2100


@pytest.fixture(scope="module")
def landed(pg_cluster: ConnectionInfo) -> Iterator[Landed]:
    conn = create_database(pg_cluster, f"horizon_{uuid.uuid4().hex[:8]}")
    world = World.small()
    mp = pytest.MonkeyPatch()
    # the extractor as it was: any Date header is the capture time
    mp.setattr(client, "MAX_DATE_AHEAD", timedelta(days=1_000_000), raising=False)
    captures = []
    try:
        with EmulatorServer(world, Clock(EMULATOR_START, frozen=True)) as server:
            for run in range(3):
                server.rewrites.clear()
                if run == 1:  # the first videos.list page and a chart page say 2100
                    server.rewrites.add(
                        Rewrite("date", value=FUTURE, method="videos.list", times=1),
                        Rewrite("date", value=FUTURE, params={"chart": "mostPopular"}, times=1),
                    )
                assert run_extract(settings_for(server), conn, run_id=f"r{run}").ok
                captures.append(server.clock.now())
                summary = transform.build(conn)
                assert summary.success, summary.failures
                server.clock.advance(timedelta(hours=1))
    finally:
        mp.undo()
    future = {
        r[0]
        for r in query(
            conn, "select item->>'id' from raw_youtube.videos where captured_at = %s", (FUTURE,)
        )
    }
    assert future, "no raw row was dated 2100: the rewrite did not land"
    yield Landed(conn, captures, future)


def test_rows_dated_after_the_build_are_flagged_and_left_out(landed: Landed) -> None:
    conn = landed.conn
    flagged = query(
        conn,
        "select distinct is_rejected, problem from staging.stg_youtube__videos "
        "where captured_at = %s",
        (FUTURE,),
    )
    assert flagged == [
        (
            True,
            "captured_at is more than 60 minutes after the build's clock (a Date header that "
            "cannot be true)",
        )
    ]
    assert query(
        conn, "select distinct is_rejected from staging.stg_youtube__pages where captured_at = %s",
        (FUTURE,),
    ) == [(True,)]  # fmt: skip
    for table, column in (
        ("video_stats", "captured_at"),
        ("videos", "last_observed_at"),
        ("trending_videos", "captured_at"),
        ("trending_summary", "last_seen_at"),
        ("video_daily_stats", "last_captured_at"),
    ):
        assert query(conn, f"select count(*) from marts.{table} where {column} > now()") == [
            (0,)
        ], table


def test_the_captures_after_them_are_not_frozen_out(landed: Landed) -> None:
    conn = landed.conn
    last = landed.captures[-1]
    assert query(conn, "select max(captured_at) from marts.video_stats") == [(last,)]
    assert query(conn, "select max(captured_at) from marts.trending_videos") == [(last,)]
    frozen = query(
        conn,
        "select video_id, last_captured_at from marts.videos "
        "where video_id = any(%s) and last_captured_at <> %s",
        (sorted(landed.future_videos), last),
    )
    assert frozen == []
    # the believable captures are in the history, the 2100 one is not
    stats = {
        r[0]
        for r in query(
            conn,
            "select distinct captured_at from marts.video_stats where video_id = any(%s)",
            (sorted(landed.future_videos),),
        )
    }
    assert {landed.captures[0], last} <= stats and max(stats) == last
