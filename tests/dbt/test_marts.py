"""The marts' numbers against values computed by hand from the emulator's world.

The `history` fixture (tests/dbt/conftest.py) extracts the small world three times over two
days, deleting a video, emptying a playlist and removing another before the last run. Every
mart is compared with what the world says it must hold: hidden likes stay NULL, deleted and
private videos are excluded, a video counts in every playlist it is in, months with no video
are zeros, publish months come from the video, the first observed day has NULL gains, and
the incrementally built marts equal a full refresh.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from emulator import World
from tests.conftest import query
from tests.dbt.conftest import History, charts

pytestmark = pytest.mark.slow
TWO = Decimal("0.01")


# ------------------------------------------------------------------ the world, by hand


def playlist_members(h: History, at: datetime) -> dict[str, set[str]]:
    """Available videos of every current normal playlist of the tracked channels at ``at``."""
    mutated = at >= h.mutated_at
    members: dict[str, set[str]] = {}
    for channel_id in h.world.tracked_channel_ids:
        for playlist in h.world.playlists_of(channel_id):
            if mutated and playlist.playlist_id == h.removed_playlist:
                continue
            empty = mutated and playlist.playlist_id == h.emptied_playlist
            members[playlist.playlist_id] = {
                item.video_id
                for item in playlist.items
                if not empty and is_available(h, item.video_id, at)
            }
    return members


def is_available(h: History, video_id: str, at: datetime) -> bool:
    video = h.world.videos.get(video_id)
    gone = at >= h.mutated_at and video_id == h.deleted_video
    return video is not None and video.is_public and not gone


def requested(h: History, at: datetime) -> set[str]:
    """What videos.list was asked for at ``at``: available videos of all crawled playlists."""
    ids = set().union(*playlist_members(h, at).values())
    for channel_id in h.world.tracked_channel_ids:
        ids |= {
            i.video_id for i in h.world.uploads(channel_id).items if is_available(h, i.video_id, at)
        }
    return ids


def totals(world: World, video_ids: set[str], at: datetime) -> dict:
    stats = [world.video_statistics(v, at) for v in video_ids]
    views = [s["viewCount"] for s in stats]
    likes = [s["likeCount"] for s in stats if s["likeCount"] is not None]
    return {
        "count_videos": len(stats),
        "total_views": sum(views),
        "total_likes": (sum(likes) if likes else None) if stats else 0,
        # Postgres rounds halves away from zero
        "avg_views": (Decimal(sum(views)) / len(views)).quantize(TWO, ROUND_HALF_UP)
        if views
        else None,
        "avg_likes": (Decimal(sum(likes)) / len(likes)).quantize(TWO, ROUND_HALF_UP)
        if likes
        else None,
    }


def rows_by(h: History, sql: str, key_width: int = 1) -> dict:
    rows = query(h.conn, sql)
    key = (lambda r: r[0]) if key_width == 1 else (lambda r: tuple(r[:key_width]))
    return {key(r): r[key_width:] for r in rows}


# ------------------------------------------------------------------ incremental == full


def test_incremental_marts_equal_a_full_refresh(history: History) -> None:
    assert {"video_stats", "videos", "trending_summary", "video_daily_stats"} <= set(
        history.mart_tables
    )
    for table in history.mart_tables:
        for a, b in (("marts", "incremental_copy"), ("incremental_copy", "marts")):
            only = query(
                history.conn,
                f"select count(*) from (select * from {a}.{table} "
                f"except all select * from {b}.{table}) as diff",
            )[0][0]
            assert only == 0, f"{table}: {only} rows only in {a}"


# ------------------------------------------------------------------ playlists


def test_playlists_match_the_world(history: History) -> None:
    last = history.captures[-1]
    members = playlist_members(history, last)
    got = rows_by(
        history,
        "select playlist_id, count_videos, total_views, total_likes, avg_views, avg_likes "
        "from marts.playlists",
    )
    assert set(got) == set(members)  # the removed playlist is gone
    assert history.removed_playlist not in got
    names = ["count_videos", "total_views", "total_likes", "avg_views", "avg_likes"]
    for playlist_id, video_ids in members.items():
        assert dict(zip(names, got[playlist_id], strict=True)) == totals(
            history.world, video_ids, last
        ), playlist_id
    assert got[history.emptied_playlist] == (0, 0, 0, None, None)


def test_playlist_views_gained_come_from_the_daily_history(history: History) -> None:
    first_day_end, last = history.captures[1], history.captures[-1]
    members = playlist_members(history, last)
    got = rows_by(
        history, "select playlist_id, views_gained_7d, views_gained_30d from marts.playlists"
    )
    for playlist_id, video_ids in members.items():
        gained = sum(
            history.world.video_statistics(v, last)["viewCount"]
            - history.world.video_statistics(v, first_day_end)["viewCount"]
            for v in video_ids
        )
        expected = (gained if video_ids else 0,) * 2
        assert got[playlist_id] == expected, playlist_id


def test_a_video_counts_in_every_playlist_it_is_in(history: History) -> None:
    membership = defaultdict(set)
    for playlist_id, video_ids in playlist_members(history, history.captures[-1]).items():
        for video_id in video_ids:
            membership[video_id].add(playlist_id)
    shared = [v for v, ps in membership.items() if len(ps) > 1]
    assert shared, "the small world should put a video in several playlists"
    total = query(history.conn, "select sum(count_videos) from marts.playlists")[0][0]
    assert total == sum(len(ps) for ps in membership.values())
    rows = query(
        history.conn,
        "select video_id, count(distinct playlist_id) from marts.playlist_videos "
        "where is_available group by video_id",
    )
    assert {v: n for v, n in rows} == {v: len(ps) for v, ps in membership.items()}


def test_playlist_videos_list_every_current_item(history: History) -> None:
    last = history.captures[-1]
    expected = set()
    for channel_id in history.world.tracked_channel_ids:
        for playlist in history.world.playlists_of(channel_id):
            if playlist.playlist_id in (history.removed_playlist, history.emptied_playlist):
                continue
            expected |= {(i.playlist_item_id, i.video_id, i.position) for i in playlist.items}
    rows = query(
        history.conn,
        "select playlist_item_id, video_id, position, added_at, video_published_at, "
        "is_available from marts.playlist_videos",
    )
    assert {r[:3] for r in rows} == expected
    for item_id, video_id, _, added_at, published_at, available in rows:
        assert available == is_available(history, video_id, last)
        if available:
            # the item's add date is kept apart from the video's own publish date
            assert published_at == history.world.videos[video_id].published_at
            _, item = history.world.playlist_item(item_id)
            assert added_at == item.added_at


# ------------------------------------------------------------------ videos


def test_hidden_likes_and_disabled_comments_stay_null(history: History) -> None:
    world = history.world
    rows = query(
        history.conn,
        "select video_id, like_count, comment_count, is_like_count_hidden, "
        "is_comment_count_hidden from marts.videos where is_available",
    )
    hidden = {v for v, *_ in rows if world.videos[v].likes_hidden}
    disabled = {v for v, *_ in rows if world.videos[v].comments_disabled}
    assert hidden and disabled, "the small world should hide likes and disable comments"
    for video_id, likes, comments, likes_hidden, comments_hidden in rows:
        assert (likes is None) == (video_id in hidden) == likes_hidden
        assert (comments is None) == (video_id in disabled) == comments_hidden


def test_videos_attributes_availability_and_derived_columns(history: History) -> None:
    world = history.world
    rows = query(
        history.conn,
        "select video_id, published_at, is_available, view_count, last_captured_at, "
        "duration_seconds, is_short, engagement_rate, category_name, first_captured_at, "
        "is_tracked_channel, title from marts.videos",
    )
    by_id = {r[0]: r[1:] for r in rows}
    observed = set().union(*(requested(history, t) for t in history.captures))
    observed |= {v for t in history.captures for ids in charts(world, t).values() for v in ids}
    placeholders = {
        item.video_id
        for channel_id in world.tracked_channel_ids
        for playlist in world.playlists_of(channel_id)
        for item in playlist.items
        if item.video_id not in world.videos or not world.videos[item.video_id].is_public
    }
    assert placeholders, "the small world should have deleted/private playlist items"
    assert set(by_id) == observed | placeholders | {history.deleted_video}
    for video_id in placeholders:
        published_at, available, views, *_ = by_id[video_id]
        assert available is False and views is None and published_at is None

    us_names = {c.category_id: c.title for c in world.categories["US"]}
    tracked = set(world.tracked_channel_ids)
    for video_id in observed:
        (
            published_at,
            available,
            views,
            last_seen,
            seconds,
            is_short,
            engagement,
            category,
            first_seen,
            is_tracked,
            title,
        ) = by_id[video_id]
        video = world.videos[video_id]
        seen_at = [
            t
            for t in history.captures
            if video_id in requested(history, t)
            or any(video_id in ids for ids in charts(world, t).values())
        ]
        assert available is (video_id != history.deleted_video)
        assert published_at == video.published_at  # the video's own date, not added_at
        assert (first_seen, last_seen) == (seen_at[0], seen_at[-1])
        stats = world.video_statistics(video_id, last_seen)
        assert views == stats["viewCount"]
        assert seconds == iso_seconds(video.duration)
        assert is_short == (0 < seconds <= 180)
        assert category == us_names.get(video.category_id)
        assert is_tracked == (video.channel_id in tracked)
        assert title == video.title
        if stats["likeCount"] is None or not views:
            assert engagement is None
        else:
            expected = Decimal(stats["likeCount"] + (stats["commentCount"] or 0)) / views
            assert engagement == expected.quantize(Decimal("0.000001"), ROUND_HALF_UP)
    assert by_id[history.deleted_video][1] is False  # deleted after two captures
    assert by_id[history.deleted_video][3] == history.captures[1]  # keeps its last counts


def iso_seconds(duration: str) -> int:
    import re

    match = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", duration)
    assert match, duration
    d, h, m, s = (int(g or 0) for g in match.groups())
    return d * 86400 + h * 3600 + m * 60 + s


# ------------------------------------------------------------------ history


def test_video_stats_hold_one_row_per_video_per_capture(history: History) -> None:
    world = history.world
    expected = {}
    for at in history.captures:
        seen = requested(history, at) | {v for ids in charts(world, at).values() for v in ids}
        for video_id in seen:
            stats = world.video_statistics(video_id, at)
            expected[(video_id, at)] = (
                stats["viewCount"],
                stats["likeCount"],
                stats["commentCount"],
            )
    got = rows_by(
        history,
        "select video_id, captured_at, view_count, like_count, comment_count "
        "from marts.video_stats",
        key_width=2,
    )
    assert got == expected  # a video on several regions' charts is stored once per capture
    shared = [v for v in expected if sum(v[0] in ids for ids in charts(world, v[1]).values()) > 1]
    assert shared, "the small world should chart a video in several regions"


def test_video_daily_stats_gains_and_first_observed_day(history: History) -> None:
    world = history.world
    day_one_end, day_two = history.captures[1], history.captures[2]
    got = rows_by(
        history,
        "select video_id, stats_date, view_count, views_gained, likes_gained, previous_stats_date "
        "from marts.video_daily_stats",
        key_width=2,
    )
    for video_id in requested(history, day_two):
        first = got[(video_id, day_one_end.date())]
        assert first[1:] == (None, None, None)  # first observed day: no gain, no lifetime total
        second = got[(video_id, day_two.date())]
        end_one = world.video_statistics(video_id, day_one_end)
        end_two = world.video_statistics(video_id, day_two)
        assert second[0] == end_two["viewCount"]
        assert second[1] == end_two["viewCount"] - end_one["viewCount"]
        likes = (
            None if end_one["likeCount"] is None else end_two["likeCount"] - end_one["likeCount"]
        )
        assert second[2] == likes
        assert second[3] == day_one_end.date()


def test_channels_and_their_daily_stats(history: History) -> None:
    world = history.world
    day_one_end, day_two = history.captures[1], history.captures[2]
    channels = rows_by(
        history,
        "select channel_id, subscriber_count, view_count, video_count, uploads_playlist_id, "
        "is_subscriber_count_hidden from marts.channels",
    )
    assert set(channels) == set(world.tracked_channel_ids)
    daily = rows_by(
        history,
        "select channel_id, stats_date, view_count, views_gained, subscribers_gained, "
        "videos_added, views_gained_7d, views_gained_30d from marts.channel_daily_stats",
        key_width=2,
    )
    assert len(daily) == 2 * len(channels)
    for channel_id in world.tracked_channel_ids:
        now = history.world_after.channel_statistics(channel_id, day_two)
        before = world.channel_statistics(channel_id, day_one_end)
        assert channels[channel_id][:3] == (
            now["subscriberCount"],
            now["viewCount"],
            now["videoCount"],
        )
        assert channels[channel_id][3] == world.channels[channel_id].uploads_playlist_id
        assert channels[channel_id][4] == now["hiddenSubscriberCount"]
        first = daily[(channel_id, day_one_end.date())]
        assert first == (before["viewCount"], None, None, None, None, None)
        views_gained = now["viewCount"] - before["viewCount"]
        subscribers = (
            None
            if now["subscriberCount"] is None
            else now["subscriberCount"] - before["subscriberCount"]
        )
        assert daily[(channel_id, day_two.date())] == (
            now["viewCount"],
            views_gained,
            subscribers,
            now["videoCount"] - before["videoCount"],
            views_gained,
            views_gained,
        )


# ------------------------------------------------------------------ trending


def test_trending_videos_are_the_charts_at_each_capture(history: History) -> None:
    world = history.world
    expected = {}
    for at in history.captures:
        for region, ids in charts(world, at).items():
            for rank, video_id in enumerate(ids, 1):
                expected[(region, "0", at, rank)] = (
                    video_id,
                    world.video_statistics(video_id, at)["viewCount"],
                )
    got = rows_by(
        history,
        "select region_code, chart_category_id, captured_at, chart_rank, video_id, view_count "
        "from marts.trending_videos",
        key_width=4,
    )
    assert got == expected


def test_trending_summary_counts_captures_and_best_rank(history: History) -> None:
    world = history.world
    expected: dict[tuple[str, str], dict] = {}
    for at in history.captures:
        for region, ids in charts(world, at).items():
            for rank, video_id in enumerate(ids, 1):
                entry = expected.setdefault(
                    (video_id, region), {"captures": 0, "best": rank, "first": at}
                )
                entry["captures"] += 1
                entry["best"] = min(entry["best"], rank)
                entry["last"] = at
    got = rows_by(
        history,
        "select video_id, region_code, captures_on_chart, best_rank, first_seen_at, last_seen_at "
        "from marts.trending_summary",
        key_width=2,
    )
    assert got == {
        k: (e["captures"], e["best"], e["first"], e["last"]) for k, e in expected.items()
    }
    assert any(e["captures"] > 1 for e in expected.values())


def test_regions_and_categories_are_the_reference_data(history: History) -> None:
    world = history.world
    regions = rows_by(history, "select region_code, region_name from marts.regions")
    assert set(regions) == set(world.region_codes) or set(world.region_codes) <= set(regions)
    categories = rows_by(
        history,
        "select region_code, category_id, category_name, is_assignable from marts.categories",
        key_width=2,
    )
    assert categories == {
        (region, c.category_id): (c.title, c.assignable)
        for region in world.region_codes
        for c in world.categories[region]
    }


# ------------------------------------------------------------------ monthly


def month_range(start: date, end: date) -> list[date]:
    months, current = [], start
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def test_playlist_monthly_is_dense_and_uses_video_publish_month(history: History) -> None:
    world, last = history.world, history.captures[-1]
    today = datetime.now(UTC).date()
    months = month_range(date(2024, 1, 1), date(today.year, today.month, 1))
    got = rows_by(
        history,
        "select playlist_id, month, count_videos, total_views, total_likes, avg_views, "
        "views_gained from marts.playlist_monthly",
        key_width=2,
    )
    members = playlist_members(history, last)
    assert len(got) == len(members) * len(months)
    empty_months = 0
    for playlist_id, video_ids in members.items():
        by_month = defaultdict(set)
        for video_id in video_ids:
            published = world.videos[video_id].published_at
            by_month[date(published.year, published.month, 1)].add(video_id)
        for month in months:
            count, views, likes, avg, _ = got[(playlist_id, month)]
            if not by_month.get(month):
                empty_months += 1
                assert (count, views, likes, avg) == (0, 0, 0, None)
            else:
                expected = totals(world, by_month[month], last)
                assert (count, views, likes, avg) == (
                    expected["count_videos"],
                    expected["total_views"],
                    expected["total_likes"],
                    expected["avg_views"],
                ), (playlist_id, month)
        # views gained: all the history is in November 2026 (day two's gains)
        gained = sum(
            world.video_statistics(v, last)["viewCount"]
            - world.video_statistics(v, history.captures[1])["viewCount"]
            for v in video_ids
        )
        november = got[(playlist_id, date(2026, 11, 1))][4]
        assert november == (gained if video_ids else None), playlist_id
        assert got[(playlist_id, date(2026, 10, 1))][4] is None  # before the history: unknown
    assert empty_months > 0
