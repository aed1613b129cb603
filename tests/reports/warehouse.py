"""Warehouses filled from the YouTube API emulator for the reports: the extractor runs at
several emulator times (one capture each), then one ``dbt build`` turns the raw history into
the marts, exactly as the pipeline would (the dbt tests check that incremental builds equal a
full one).

``hostile_history`` is what the browser tests render: the small world over four days (the
all-categories and Music charts), with a video retitled to HTML that must stay text, a video
with five billion views, a video deleted and a playlist emptied before the last capture.
``demo_history`` is the default world (what ``make demo`` shows) captured daily for a month,
for the README's screenshots.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from emulator import Clock, EmulatorServer, World
from emulator.mutations import Mutations
from extract.database import ConnectionInfo
from extract.load import RawStore
from extract.run import run_extract
from flows import transform
from tests.conftest import EMULATOR_START, create_database, settings_for

# A title that would run script if any page put it into HTML unescaped.
HOSTILE_TITLE = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> & "quotes"'
HUGE_VIEWS = 5_000_000_000

# Two captures an hour apart on the first day (hourly runs), then one a day for three days.
SMALL_CAPTURES = (
    EMULATOR_START,
    EMULATOR_START + timedelta(hours=1),
    EMULATOR_START + timedelta(days=1),
    EMULATOR_START + timedelta(days=2),
    EMULATOR_START + timedelta(days=3),
)
DEMO_START = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # the default world's as_of + 12 h
DEMO_DAYS = 30


@dataclass
class FilledWarehouse:
    conn: ConnectionInfo
    world: World
    captures: list[datetime]
    hostile_video: str | None = None
    huge_video: str | None = None
    deleted_video: str | None = None
    emptied_playlist: str | None = None


def fill(
    conn: ConnectionInfo,
    world: World,
    captures: Sequence[datetime],
    before_capture: Callable[[int, Mutations], None] | None = None,
    chart_categories: Sequence[str] = ("0",),
) -> list[datetime]:
    """Extract ``world`` at each of ``captures`` into ``conn``, then build the marts.

    ``before_capture(index, mutations)`` may change the served data before each capture;
    ``chart_categories`` are the charts fetched per region (YOUTUBE_CHART_CATEGORIES).
    Returns the capture times. Raises AssertionError when a run or the build fails.
    """
    clock = Clock(captures[0], frozen=True)
    done: list[datetime] = []
    with EmulatorServer(world, clock) as server:
        for index, at in enumerate(captures):
            clock.set(at)
            if before_capture is not None:
                before_capture(index, server.mutations)
            settings = settings_for(server, chart_categories=list(chart_categories))
            result = run_extract(settings, conn)
            assert result.ok, f"extract at {at:%Y-%m-%d %H:%M}: {result.failures}"
            done.append(at)
    summary = transform.build(conn)
    assert summary.success, f"dbt build failed: {summary.failures}"
    return done


def _charted(world: World, at: datetime) -> set[str]:
    return {v for region in world.region_codes for v in world.chart(region, "0", at)}


def hostile_history(conn: ConnectionInfo) -> FilledWarehouse:
    """The small world over four days, with the edge cases the pages must render."""
    world = World.small()
    # on the United States chart (the trending page's default) at every capture
    charted_always = set.intersection(*(set(world.chart("US", "0", at)) for at in SMALL_CAPTURES))
    charted_ever = set.union(*(_charted(world, at) for at in SMALL_CAPTURES))
    playlists = world.normal_playlists()
    in_playlists = [
        item.video_id
        for playlist in playlists
        for item in playlist.items
        if world.videos.get(item.video_id) and world.videos[item.video_id].is_public
    ]
    # The hostile title on a video that is charted, in a playlist and tracked, so it shows in
    # every kind of page: the overview, a playlist chart, the trending tables, its own page.
    hostile = next(v for v in in_playlists if v in charted_always)
    huge = next(v for v in in_playlists if v != hostile and v not in charted_ever)
    deleted = next(v for v in in_playlists if v not in (hostile, huge))
    emptied = next(
        p.playlist_id
        for p in playlists
        if not {i.video_id for i in p.items} & {hostile, huge, deleted}
    )

    def mutate(index: int, mutations: Mutations) -> None:
        if index == 0:
            mutations.set_title(hostile, HOSTILE_TITLE)
            mutations.set_video_statistics(huge, viewCount=HUGE_VIEWS)
        if index == len(SMALL_CAPTURES) - 1:
            mutations.delete_video(deleted)
            mutations.empty_playlist(emptied)

    # Music charts too: the United States and Great Britain have one, Japan does not.
    captures = fill(conn, world, SMALL_CAPTURES, mutate, chart_categories=("0", "10"))
    return FilledWarehouse(conn, world, captures, hostile, huge, deleted, emptied)


def demo_history(conn: ConnectionInfo, days: int = DEMO_DAYS) -> FilledWarehouse:
    """The default world captured once a day for ``days`` days (for the screenshots)."""
    world = World.generate()
    captures = [DEMO_START + timedelta(days=n) for n in range(days)]
    return FilledWarehouse(conn, world, fill(conn, world, captures))


def empty_marts(admin: ConnectionInfo, prefix: str) -> ConnectionInfo:
    """A warehouse whose marts exist but hold nothing: dbt built over empty raw tables."""
    conn = create_database(admin, f"{prefix}_{uuid.uuid4().hex[:8]}")
    RawStore(conn).ensure_schema()
    summary = transform.build(conn)
    assert summary.success, summary.failures
    return conn
