"""Bad data never crashes a run and never becomes 0: missing parts, counts over 2^31,
non-ASCII and HTML (and a NUL) in titles, items of the wrong kind, emptied and removed
playlists, and ids videos.list no longer returns. Stored raw, as sent; then the marts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from emulator import Clock, EmulatorServer, World
from extract import steps as run_module
from extract.database import ConnectionInfo
from extract.run import RunResult, run_extract
from tests.conftest import EMULATOR_START, query
from tests.extract.faultkit import (
    KEY,
    assert_no_duplicates,
    assert_pages_whole,
    fast,
    ids,
    paged_world,
    run_items,
    tables_containing,
)

TITLE = "Ünïcödé 日本語 — <b>bold</b> &amp; \"quoted\" 'single' 🎉 <script>x()</script>"
NUL_TITLE = "before\x00after"


@dataclass
class Landed:
    conn: ConnectionInfo
    world: World
    first: RunResult
    second: RunResult
    deleted: str
    private: str
    no_statistics: str
    huge: str
    titled: str
    nul_titled: str
    vanished: str  # listed as available, gone before videos.list asked for it
    wrong_kind_playlist: str
    emptied: str
    removed: str


def _public_in(world: World, playlist_id: str, skip: set[str]) -> Iterator[str]:
    playlist = world.playlist(playlist_id)
    assert playlist is not None
    for item in playlist.items:
        video = world.videos.get(item.video_id)
        if video and video.is_public and video.video_id not in skip:
            skip.add(video.video_id)
            yield video.video_id


@pytest.fixture(scope="module")
def landed(module_warehouse: ConnectionInfo) -> Iterator[Landed]:
    world = paged_world()
    channel_a, channel_b = world.tracked_channel_ids
    big = max(world.playlists_of(channel_a), key=lambda p: len(p.items)).playlist_id
    others = [p.playlist_id for p in world.playlists_of(channel_a) if p.playlist_id != big]
    emptied = world.playlists_of(channel_b)[0].playlist_id
    used: set[str] = set()
    picks = _public_in(world, big, used)
    names = ["deleted", "private", "no_statistics", "huge", "titled", "nul_titled", "vanished"]
    chosen = {name: next(picks) for name in names}

    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True)) as server:
        m = server.mutations
        m.delete_video(chosen["deleted"])
        m.make_private(chosen["private"])
        m.drop_part(chosen["no_statistics"], "statistics")
        m.set_video_statistics(
            chosen["huge"], viewCount="3000000000", likeCount="5000000000", commentCount=None
        )
        m.set_title(chosen["titled"], TITLE)
        m.set_title(chosen["nul_titled"], NUL_TITLE)
        m.wrong_kind_item(big)
        m.empty_playlist(emptied)
        m.remove_playlist(others[0])

        original = run_module.Extraction.videos

        def videos_after_a_deletion(self: run_module.Extraction, video_ids: list[str]) -> None:
            m.delete_video(chosen["vanished"])  # between the listing and the lookup
            original(self, video_ids)

        run_module.Extraction.videos = videos_after_a_deletion  # type: ignore[method-assign]
        try:
            first = run_extract(fast(server), module_warehouse, run_id="r1")
        finally:
            run_module.Extraction.videos = original  # type: ignore[method-assign]
        server.clock.advance(timedelta(hours=1))
        second = run_extract(fast(server), module_warehouse, run_id="r2")

    yield Landed(
        module_warehouse,
        world,
        first,
        second,
        wrong_kind_playlist=big,
        emptied=emptied,
        removed=others[0],
        **chosen,
    )


def video(landed: Landed, video_id: str, run_id: str = "r1") -> dict | None:
    rows = query(
        landed.conn,
        "select item from raw_youtube.videos where run_id = %s and item->>'id' = %s",
        (run_id, video_id),
    )
    assert len(rows) <= 1
    return rows[0][0] if rows else None


def test_bad_data_is_not_a_failure(landed: Landed) -> None:
    assert landed.first.status == landed.second.status == "succeeded"
    assert landed.first.failures == landed.second.failures == []
    assert_no_duplicates(landed.conn)
    assert_pages_whole(landed.conn)
    assert tables_containing(landed.conn, KEY) == []


def test_missing_part_is_stored_without_it(landed: Landed) -> None:
    item = video(landed, landed.no_statistics)
    assert item is not None and "statistics" not in item and "snippet" in item


def test_counts_over_2_31_are_stored_as_sent(landed: Landed) -> None:
    item = video(landed, landed.huge)
    assert item is not None
    assert item["statistics"]["viewCount"] == "3000000000"
    assert item["statistics"]["likeCount"] == "5000000000"
    assert "commentCount" not in item["statistics"]  # absent stays absent, never 0


def test_non_ascii_and_html_titles_are_stored_exactly(landed: Landed) -> None:
    item = video(landed, landed.titled)
    assert item is not None and item["snippet"]["title"] == TITLE
    entries = [
        i
        for i in run_items(landed.conn, "playlist_items", "r1")
        if i["contentDetails"].get("videoId") == landed.titled
    ]
    assert entries and all(e["snippet"]["title"] == TITLE for e in entries)


def test_a_nul_in_a_title_does_not_lose_the_page(landed: Landed) -> None:
    # jsonb cannot hold U+0000: it becomes U+FFFD, the rest of the item as sent
    item = video(landed, landed.nul_titled)
    assert item is not None and item["snippet"]["title"] == "before\ufffdafter"


def test_wrong_kind_items_are_stored_and_not_asked_for(landed: Landed) -> None:
    items = [
        i
        for i in run_items(landed.conn, "playlist_items", "r1")
        if i["snippet"]["playlistId"] == landed.wrong_kind_playlist
        and i["snippet"]["resourceId"]["kind"] == "youtube#channel"
    ]
    assert len(items) == 1 and items[0]["contentDetails"] == {}
    channel_id = items[0]["snippet"]["resourceId"]["channelId"]
    asked = query(
        landed.conn,
        "select request->>'id' from raw_youtube.pages where resource = 'videos'",
    )
    assert all(channel_id not in ids_ for (ids_,) in asked)


def test_deleted_and_private_videos_are_placeholders_never_asked_for(landed: Landed) -> None:
    titles = {
        i["contentDetails"]["videoId"]: i["snippet"]["title"]
        for i in run_items(landed.conn, "playlist_items", "r1")
        if i["contentDetails"].get("videoId") in (landed.deleted, landed.private)
    }
    assert titles == {landed.deleted: "Deleted video", landed.private: "Private video"}
    sql = "select request->>'id' from raw_youtube.pages where resource = 'videos'"
    asked = ",".join(r[0] for r in query(landed.conn, sql))
    assert landed.deleted not in asked and landed.private not in asked


def test_ids_the_api_no_longer_returns_are_matched_by_id_not_position(landed: Landed) -> None:
    (page,) = query(
        landed.conn,
        "select request->>'id', item_count, request_key from raw_youtube.pages "
        "where run_id = 'r1' and resource = 'videos' and request->>'id' like %s",
        (f"%{landed.vanished}%",),
    )
    requested, count, key = page
    returned = {
        r[0]
        for r in query(
            landed.conn,
            "select item->>'id' from raw_youtube.videos where run_id = 'r1' and request_key = %s",
            (key,),
        )
    }
    assert count == len(requested.split(",")) - 1 == len(returned)
    assert returned == set(requested.split(",")) - {landed.vanished}


def test_emptied_playlist_lands_an_empty_page_and_removed_one_is_not_crawled(
    landed: Landed,
) -> None:
    pages = query(
        landed.conn,
        "select run_id, item_count, next_page_token, not_modified from raw_youtube.pages "
        "where resource = 'playlist_items' and request->>'playlistId' = %s order by run_id",
        (landed.emptied,),
    )
    assert pages == [("r1", 0, None, False), ("r2", 0, None, True)]
    assert landed.removed not in ids(landed.conn, "playlists")
    assert not query(
        landed.conn,
        "select 1 from raw_youtube.pages where request->>'playlistId' = %s",
        (landed.removed,),
    )


@pytest.fixture(scope="module")
def marts(landed: Landed) -> ConnectionInfo:
    from flows import transform

    summary = transform.build(landed.conn)
    assert summary.success, summary.failures
    return landed.conn


@pytest.mark.slow
def test_marts_keep_unknown_as_null_and_lose_or_double_nothing(landed: Landed, marts) -> None:
    def one(sql: str, *params: object) -> tuple:
        (row,) = query(marts, sql, params)
        return row

    views = "select view_count, like_count, comment_count from marts.videos where video_id = %s"
    assert one(views, landed.no_statistics) == (None, None, None)  # unknown, not 0
    assert one(views, landed.huge) == (3_000_000_000, 5_000_000_000, None)
    assert one("select title from marts.videos where video_id = %s", landed.titled) == (TITLE,)
    for gone in (landed.deleted, landed.private, landed.vanished):
        rows = query(marts, "select is_available from marts.videos where video_id = %s", (gone,))
        assert rows in ([], [(False,)]), (gone, rows)
    # nothing doubled
    assert one("select count(*) - count(distinct video_id) from marts.videos") == (0,)
    assert one(
        "select count(*) - count(distinct (video_id, captured_at)) from marts.video_stats"
    ) == (0,)
    # nothing lost: each run's videos.list statistics are in the history at their capture time
    # (a capture without the statistics part has none to keep: only marts.videos shows it)
    for run_id, at in (("r1", EMULATOR_START), ("r2", EMULATOR_START + timedelta(hours=1))):
        landed_ids = ids(marts, "videos", run_id) - {landed.no_statistics}
        history = {
            r[0]
            for r in query(
                marts, "select video_id from marts.video_stats where captured_at = %s", (at,)
            )
        }
        assert landed_ids <= history, run_id
    # the second run's playlist pages were all 304s: membership still comes out whole
    world = landed.world
    current = [
        p
        for c in world.tracked_channel_ids
        for p in world.playlists_of(c)
        if p.playlist_id not in (landed.removed,)
    ]
    want = {
        item.playlist_item_id
        for p in current
        if p.playlist_id != landed.emptied
        for item in p.items
    }
    got = {r[0] for r in query(marts, "select playlist_item_id from marts.playlist_videos")}
    assert got == want
    assert one("select count(*) from marts.playlist_videos") == (len(want),)
    assert landed.second.pages_not_modified > 0
