"""The marts' numbers against values computed by hand from the emulator's world.

Two pipeline runs an hour apart (emulator clock) on the small world, then every mart is
compared with what the world says it must hold: hidden likes stay NULL, deleted and private
videos are excluded, a video counts in every playlist it is in, months with no video are
zeros, and publish months come from the video, not from the playlist item.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from extract.emulator import Clock, EmulatorServer, World
from extract.run import run_extract
from flows import transform
from tests.conftest import EMULATOR_START, query, settings_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(module_warehouse):
    """(world, capture times) after two extract + dbt build cycles."""
    world = World.small()
    clock = Clock(EMULATOR_START, frozen=True)
    captures = []
    with EmulatorServer(world, clock) as server:
        for hour in range(2):
            if hour:
                clock.advance(timedelta(hours=1))
            result = run_extract(settings_for(server), module_warehouse)
            assert result.ok, result.failures
            captures.append(clock.now())
            summary = transform.build(module_warehouse)
            assert summary.success, summary.failures
    return world, captures


def playlist_members(world: World) -> dict[str, set[str]]:
    """Public videos of every (non-uploads) playlist of the tracked channels."""
    members: dict[str, set[str]] = {}
    for channel_id in world.tracked_channel_ids:
        for playlist in world.playlists_of(channel_id):
            members[playlist.playlist_id] = {
                item.video_id
                for item in playlist.items
                if item.video_id in world.videos and world.videos[item.video_id].is_public
            }
    return members


def totals(world: World, video_ids: set[str], at: datetime) -> dict:
    stats = [world.video_statistics(v, at) for v in video_ids]
    views = [s["viewCount"] for s in stats]
    likes = [s["likeCount"] for s in stats if s["likeCount"] is not None]
    two = Decimal("0.01")
    return {
        "count_videos": len(stats),
        "total_views": sum(views),
        "total_likes": (sum(likes) if likes else None) if stats else 0,
        "avg_views": (Decimal(sum(views)) / len(views)).quantize(two) if views else None,
        "avg_likes": (Decimal(sum(likes)) / len(likes)).quantize(two) if likes else None,
    }


def test_playlists_match_the_world(built, module_warehouse) -> None:
    world, captures = built
    members = playlist_members(world)
    rows = query(
        module_warehouse,
        "select playlist_id, count_videos, total_views, total_likes, avg_views, avg_likes "
        "from marts.playlists",
    )
    got = {
        r[0]: dict(
            zip(
                ["count_videos", "total_views", "total_likes", "avg_views", "avg_likes"],
                r[1:],
                strict=True,
            )
        )
        for r in rows
    }
    assert set(got) == set(members)
    for playlist_id, video_ids in members.items():
        assert got[playlist_id] == totals(world, video_ids, captures[-1]), playlist_id


def test_a_video_counts_in_every_playlist_it_is_in(built, module_warehouse) -> None:
    world, _ = built
    membership = defaultdict(set)
    for playlist_id, video_ids in playlist_members(world).items():
        for video_id in video_ids:
            membership[video_id].add(playlist_id)
    shared = [v for v, ps in membership.items() if len(ps) > 1]
    assert shared, "the small world should put a video in several playlists"
    total = query(module_warehouse, "select sum(count_videos) from marts.playlists")[0][0]
    assert total == sum(len(ps) for ps in membership.values())


def test_hidden_likes_and_disabled_comments_stay_null(built, module_warehouse) -> None:
    world, _ = built
    hidden = {v.video_id for v in world.videos.values() if v.likes_hidden and v.is_public}
    disabled = {v.video_id for v in world.videos.values() if v.comments_disabled and v.is_public}
    rows = query(
        module_warehouse,
        "select video_id, like_count, comment_count, is_like_count_hidden from marts.videos "
        "where is_available",
    )
    landed = {r[0] for r in rows}
    assert hidden & landed, "the small world should have a video with hidden likes"
    for video_id, likes, comments, is_hidden in rows:
        assert (likes is None) == (video_id in hidden) == is_hidden
        assert (comments is None) == (video_id in disabled)


def test_videos_published_at_and_availability(built, module_warehouse) -> None:
    world, captures = built
    rows = query(
        module_warehouse,
        "select video_id, published_at, is_available, view_count, last_captured_at "
        "from marts.videos",
    )
    by_id = {r[0]: r[1:] for r in rows}
    placeholders = {
        item.video_id
        for channel_id in world.tracked_channel_ids
        for playlist in world.playlists_of(channel_id)
        for item in playlist.items
        if item.video_id not in world.videos or not world.videos[item.video_id].is_public
    }
    assert placeholders, "the small world should have deleted/private playlist items"
    for video_id in placeholders:
        published_at, available, views, _ = by_id[video_id]
        assert available is False and views is None and published_at is None
    public = [v for v in by_id if v not in placeholders]
    for video_id in public:
        published_at, available, views, last = by_id[video_id]
        video = world.videos[video_id]
        assert available is True
        assert published_at == video.published_at  # the video's own date, not added_at
        assert views == world.video_statistics(video_id, captures[-1])["viewCount"]
        assert last == captures[-1]


def test_video_stats_hold_one_row_per_video_per_capture(built, module_warehouse) -> None:
    world, captures = built
    rows = query(
        module_warehouse,
        "select video_id, captured_at, view_count, like_count from marts.video_stats",
    )
    available = query(module_warehouse, "select count(*) from marts.videos where is_available")[0][
        0
    ]
    assert len(rows) == 2 * available
    assert {r[1] for r in rows} == set(captures)
    for video_id, captured_at, views, likes in rows:
        stats = world.video_statistics(video_id, captured_at)
        assert (views, likes) == (stats["viewCount"], stats["likeCount"])


def month_range(start: date, end: date) -> list[date]:
    months, current = [], start
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def test_playlist_monthly_is_dense_and_uses_video_publish_month(built, module_warehouse) -> None:
    world, captures = built
    today = datetime.now(UTC).date()
    months = month_range(date(2024, 1, 1), date(today.year, today.month, 1))
    rows = query(
        module_warehouse,
        "select playlist_id, month, count_videos, total_views, total_likes, avg_views "
        "from marts.playlist_monthly",
    )
    got = {(r[0], r[1]): r[2:] for r in rows}
    members = playlist_members(world)
    assert len(rows) == len(members) * len(months)
    empty_months = 0
    for playlist_id, video_ids in members.items():
        by_month = defaultdict(set)
        for video_id in video_ids:
            published = world.videos[video_id].published_at
            by_month[date(published.year, published.month, 1)].add(video_id)
        for month in months:
            expected = totals(world, by_month.get(month, set()), captures[-1])
            count, views, likes, avg = got[(playlist_id, month)]
            if not by_month.get(month):
                empty_months += 1
                assert (count, views, likes, avg) == (0, 0, 0, None)
            else:
                assert (count, views, likes, avg) == (
                    expected["count_videos"],
                    expected["total_views"],
                    expected["total_likes"],
                    expected["avg_views"],
                ), (playlist_id, month)
    assert empty_months > 0
