"""No poison pills: answers the API never documents, rewritten on their way out of the
emulator (as a misbehaving proxy would), land raw as sent and never fail a build, neither the
one after them nor any later one, nor a full refresh. What cannot be read is NULL and named
in staging's `problem`; items that are not objects are kept raw, flagged (`is_rejected`) and
left out of the marts; an id repeated within a page is named by a warning and counted once.
A dbt test that still fails names the rows it fails on.

- a video's `publishedAt` that is not a date, a chart entry's `"yesterday"`;
- a playlist item's `position` that is not a number;
- a non-boolean `hiddenSubscriberCount` and `assignable`;
- `null` and a number in `items`, and the same video twice on one page (kept raw, named by
  a warning, its first copy kept by the marts).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from emulator import Clock, EmulatorServer, Rewrite, World
from extract.database import ConnectionInfo
from extract.run import run_extract
from flows import transform
from tests.conftest import EMULATOR_START, create_database, execute, query, settings_for

pytestmark = pytest.mark.slow


@dataclass
class Landed:
    conn: ConnectionInfo
    world: World
    builds: list[transform.DbtSummary]
    bad_date_video: str  # videos.list: publishedAt "not a date"
    yesterday_video: str  # the US chart's first entry: publishedAt "yesterday"
    chart_region: str
    playlist: str  # its first item's position is "first"
    repeated_chart_video: str  # twice on the GB chart's first page
    channel: str  # hiddenSubscriberCount "maybe"


def build(conn: ConnectionInfo, full_refresh: bool = False) -> transform.DbtSummary:
    summary = transform.build(conn, full_refresh=full_refresh)
    assert summary.success, summary.failures
    counts = summary.status_counts()
    assert counts["error"] == counts["skip"] == 0, summary.counts
    return summary


@pytest.fixture(scope="module")
def landed(pg_cluster: ConnectionInfo) -> Iterator[Landed]:
    conn = create_database(pg_cluster, f"bad_answers_{uuid.uuid4().hex[:8]}")
    world = World.small()
    channel = world.tracked_channel_ids[0]
    video = world.uploads(channel).items[0].video_id
    us, gb = "US", "GB"
    yesterday = world.chart(us, "0", EMULATOR_START)[0]
    repeated = world.chart(gb, "0", EMULATOR_START)[0]
    playlist = world.playlists_of(channel)[0].playlist_id
    rewrites = [
        Rewrite("set", path=f"items[id={video}].snippet.publishedAt", value="not a date"),
        Rewrite(
            "set",
            path="items[0].snippet.publishedAt",
            value="yesterday",
            params={"chart": "mostPopular", "regionCode": us, "videoCategoryId": "0"},
        ),
        Rewrite(
            "set", path="items[0].snippet.position", value="first", params={"playlistId": playlist}
        ),
        Rewrite(
            "set",
            path=f"items[id={channel}].statistics.hiddenSubscriberCount",
            value="maybe",
            method="channels.list",
        ),
        Rewrite(
            "set",
            path="items[*].snippet.assignable",
            value="yes",
            method="videoCategories.list",
            params={"regionCode": us},
        ),
        # the first videos.list by id: a null and a number in items, its first video twice
        Rewrite("insert_items", values=[None, 42], method="videos.list", times=1),
        Rewrite("duplicate_item", index=0, method="videos.list", times=1),
        Rewrite(
            "duplicate_item",
            index=0,
            params={"chart": "mostPopular", "regionCode": gb, "videoCategoryId": "0"},
        ),
        Rewrite("insert_items", values=[None], params={"chart": "mostPopular"}, times=1),
    ]
    builds = []
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True), rewrites=rewrites) as server:
        result = run_extract(settings_for(server), conn, run_id="r1")
        assert result.ok, result.failures
        assert all(rule.applied for rule in server.rewrites.rules()), server.rewrites.to_list()
        builds.append(build(conn))
        server.rewrites.clear()
        server.clock.advance(timedelta(hours=1))
        assert run_extract(settings_for(server), conn, run_id="r2").ok
        builds.append(build(conn))
    yield Landed(conn, world, builds, video, yesterday, us, playlist, repeated, channel)


def one(conn: ConnectionInfo, sql: str, *params: object) -> tuple:
    (row,) = query(conn, sql, params)
    return row


def test_every_build_passes_and_warns_about_what_it_could_not_read(landed: Landed) -> None:
    first, second = landed.builds
    assert first.status_counts()["warn"] >= 1  # the item_problems warnings
    warned = {n.unique_id.split(".")[2] for n in first.nodes if n.status == "warn"}
    assert any(name.startswith("item_problems_stg_youtube__videos") for name in warned), warned
    assert second.success
    build(landed.conn, full_refresh=True)  # and a full refresh, on the same raw rows


def test_values_that_cannot_be_read_are_null_and_named(landed: Landed) -> None:
    conn = landed.conn
    problems = {
        (r[0], r[1])
        for r in query(
            conn,
            "select video_id, problem from staging.stg_youtube__videos where run_id = 'r1' "
            "and problem is not null and not is_rejected",
        )
    }
    assert problems == {(landed.bad_date_video, "snippet.publishedAt is not an ISO-8601 timestamp")}
    # the first capture's publish time is unknown, never the build machine's clock
    history = query(
        conn,
        "select published_at from staging.stg_youtube__most_popular_videos "
        "where run_id = 'r1' and region_code = %s and chart_category_id = '0' and chart_rank = 1",
        (landed.chart_region,),
    )
    assert history == [(None,)]
    (published,) = one(
        conn,
        "select published_at from marts.trending_videos where video_id = %s and region_code = %s "
        "and chart_category_id = '0' and run_id = 'r1'",
        landed.yesterday_video,
        landed.chart_region,
    )
    assert published is None
    position = query(
        conn,
        "select position, problem from staging.stg_youtube__playlist_items "
        "where run_id = 'r1' and playlist_id = %s and item_index = 0",
        (landed.playlist,),
    )
    assert position == [(None, "snippet.position is not a whole number")]
    assert one(
        conn,
        "select is_subscriber_count_hidden, problem from staging.stg_youtube__channels "
        "where run_id = 'r1' and channel_id = %s",
        landed.channel,
    ) == (None, "statistics.hiddenSubscriberCount is not a boolean")
    assert query(
        conn,
        "select distinct is_assignable, problem from staging.stg_youtube__video_categories "
        "where run_id = 'r1' and region_code = %s",
        (landed.chart_region,),
    ) == [(None, "snippet.assignable is not a boolean")]


def test_the_marts_keep_the_rest_of_those_items(landed: Landed) -> None:
    conn = landed.conn
    # the latest capture read fine again: the video is whole; its history kept the first one
    assert one(
        conn,
        "select published_at is not null, view_count is not null, is_available "
        "from marts.videos where video_id = %s",
        landed.bad_date_video,
    ) == (True, True, True)
    assert one(
        conn, "select count(*) from marts.video_stats where video_id = %s", landed.bad_date_video
    ) == (2,)
    # the playlist is built, its first item with an unknown position
    items = query(
        conn,
        "select position from marts.playlist_videos where playlist_id = %s order by position",
        (landed.playlist,),
    )
    assert len(items) == len(landed.world.playlist(landed.playlist).items)
    assert one(conn, "select count(*) from marts.playlists where playlist_id = %s", landed.playlist)
    assert one(
        conn,
        "select is_subscriber_count_hidden from marts.channels where channel_id = %s",
        landed.channel,
    ) == (False,)  # the second run's answer


def test_non_objects_and_repeated_ids_are_kept_raw_flagged_and_left_out(
    landed: Landed, tmp_path
) -> None:
    conn = landed.conn
    raw = one(
        conn,
        "select count(*) filter (where jsonb_typeof(item) <> 'object') "
        "from raw_youtube.videos where run_id = 'r1'",
    )
    assert raw == (2,)  # stored as sent
    rejected = query(
        conn,
        "select problem, count(*) from staging.stg_youtube__videos where is_rejected "
        "group by problem order by problem",
    )
    assert rejected == [
        ("the item is a JSON null, not an object", 1),
        ("the item is a JSON number, not an object", 1),
    ]
    assert query(
        conn,
        "select problem from staging.stg_youtube__most_popular_videos where is_rejected",
    ) == [("the item is a JSON null, not an object",)]
    (repeated,) = one(
        conn,
        "select item->>'id' from raw_youtube.videos where run_id = 'r1' "
        "and item->>'id' is not null "
        "group by request_key, page_token, item->>'id' having count(*) > 1",
    )
    # the key tests name what repeats (a warning: raw rows cannot be fixed by a build)
    warnings = []
    summary = transform.invoke(
        ["test", "--select", "stg_youtube__videos", "stg_youtube__most_popular_videos",
         "--target-path", str(tmp_path)],
        conn,
        callbacks=[lambda event: warnings.append(event.info.msg)],
    )  # fmt: skip
    assert summary.success and summary.status_counts()["warn"] >= 2
    named = [w for w in warnings if "Warning: unique_combination_of_columns" in w]
    assert any(f"video_id={repeated}" in w and "run_id=r1" in w for w in named), named
    assert any(
        f"video_id={landed.repeated_chart_video}" in w and "page_token=" in w for w in named
    ), named
    # the marts hold one row per key, and no row from a rejected item
    for table, key in (
        ("videos", "video_id"),
        ("video_stats", "video_id, captured_at"),
        ("trending_videos", "region_code, chart_category_id, captured_at, chart_rank"),
    ):
        assert one(
            conn,
            f"select count(*) - count(distinct ({key})) from marts.{table}",
        ) == (0,), table
    assert one(conn, "select count(*) from marts.videos where video_id is null") == (0,)
    assert one(
        conn,
        "select count(*) from marts.video_stats where video_id = %s and captured_at = %s",
        repeated,
        EMULATOR_START,
    ) == (1,)
    # the repeat is left out: GB's first page ranks the video once, at its first place
    ranks = query(
        conn,
        "select chart_rank, video_id from marts.trending_videos where region_code = 'GB' "
        "and chart_category_id = '0' and run_id = 'r1' order by chart_rank",
    )
    assert ranks[0] == (1, landed.repeated_chart_video)
    assert landed.repeated_chart_video not in {video for _, video in ranks[1:]}


def test_a_failing_dbt_test_names_the_rows_it_fails_on(landed: Landed, tmp_path) -> None:
    conn = landed.conn
    stray = "NotAVideo01"
    (latest,) = one(conn, "select max(captured_at) from marts.video_stats")
    execute(
        conn,
        "insert into marts.video_stats (captured_at, view_count, video_id, is_chart_capture) "
        f"values ('{latest.isoformat()}', 1, '{stray}', false)",
    )
    try:
        summary = transform.invoke(
            ["test", "--select", "video_stats", "--target-path", str(tmp_path)], conn
        )
    finally:
        execute(conn, f"delete from marts.video_stats where video_id = '{stray}'")
    assert not summary.success
    (failure,) = summary.failures
    assert "relationships_video_stats_video_id" in failure
    assert f"video_id={stray}" in failure, failure
