"""A warehouse with history, shared by the dbt tests: the small emulator world extracted
three times (12:00 and 13:00 on one day, 13:00 the next day), with `dbt build` after each
run, so the incremental models take their incremental path. Before the third run a video is
deleted, one playlist is emptied and another removed.

After the third build the marts are copied to the schema ``incremental_copy`` and rebuilt
with ``--full-refresh``: the tests read the rebuilt marts, and one test checks that the copy
(built incrementally) is identical.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from emulator import Clock, EmulatorServer, World
from extract.database import ConnectionInfo
from extract.run import run_extract
from flows import transform
from tests.conftest import EMULATOR_START, create_database, execute, query, settings_for

CAPTURE_OFFSETS = (timedelta(0), timedelta(hours=1), timedelta(hours=25))


@dataclass
class History:
    world: World
    world_after: World  # the world as served after the mutations
    conn: ConnectionInfo
    captures: list[datetime]
    deleted_video: str
    emptied_playlist: str
    removed_playlist: str
    mart_tables: list[str]

    @property
    def mutated_at(self) -> datetime:
        """The capture from which the mutations are visible."""
        return self.captures[-1]


def charts(world: World, at: datetime) -> dict[str, list[str]]:
    """The all-categories chart of every region at ``at`` (what a run fetches by default)."""
    return {region: world.chart(region, "0", at) for region in world.region_codes}


def _pick_mutations(world: World) -> tuple[str, str, str]:
    """A charted-never public video in a normal playlist, and two other normal playlists."""
    times = [EMULATOR_START + offset for offset in CAPTURE_OFFSETS]
    charted = {v for at in times for ids in charts(world, at).values() for v in ids}
    playlists = [p for c in world.tracked_channel_ids for p in world.playlists_of(c)]
    for playlist in playlists:
        for item in playlist.items:
            video = world.videos.get(item.video_id)
            if video and video.is_public and item.video_id not in charted:
                others = [
                    p.playlist_id
                    for p in playlists
                    if p.playlist_id != playlist.playlist_id
                    and item.video_id not in {i.video_id for i in p.items}
                ]
                if len(others) >= 2:
                    return item.video_id, others[0], others[1]
    raise AssertionError("the small world has no video/playlists to mutate")


@pytest.fixture(scope="session")
def history(pg_cluster: ConnectionInfo) -> History:
    conn = create_database(pg_cluster, f"history_{uuid.uuid4().hex[:8]}")
    world = World.small()
    deleted, emptied, removed = _pick_mutations(world)
    clock = Clock(EMULATOR_START, frozen=True)
    captures: list[datetime] = []
    with EmulatorServer(world, clock) as server:
        for offset in CAPTURE_OFFSETS:
            clock.advance(EMULATOR_START + offset - clock.now())
            if offset == CAPTURE_OFFSETS[-1]:
                server.mutations.delete_video(deleted)
                server.mutations.empty_playlist(emptied)
                server.mutations.remove_playlist(removed)
                world_after = server.mutations.view()
            result = run_extract(settings_for(server), conn)
            assert result.ok, result.failures
            captures.append(clock.now())
            summary = transform.build(conn)
            assert summary.success, summary.failures
    tables = [
        r[0]
        for r in query(
            conn,
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1",
        )
    ]
    statements = ["create schema incremental_copy"] + [
        f"create table incremental_copy.{t} as select * from marts.{t}" for t in tables
    ]
    execute(conn, ";".join(statements))
    summary = transform.build(conn, full_refresh=True)
    assert summary.success, summary.failures
    return History(world, world_after, conn, captures, deleted, emptied, removed, tables)
