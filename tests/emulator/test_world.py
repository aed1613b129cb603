"""The synthetic world: determinism, realistic ids and shapes, edge cases, growing statistics."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from emulator import ChartNotFound, World, WorldSpec
from emulator.generation import iso_duration
from emulator.growth import round_down_3sf

AT = datetime(2026, 11, 2, 12, 0, 0, tzinfo=UTC)


def test_same_seed_same_world_other_seed_other_world(world: World) -> None:
    again = World.generate(WorldSpec())
    assert again.summary() == world.summary()
    assert list(again.videos.values()) == list(world.videos.values())
    for channel_id in world.channels:
        assert again.playlists_of(channel_id) == world.playlists_of(channel_id)
        assert again.uploads(channel_id) == world.uploads(channel_id)
    other = World.generate(seed=7)
    assert set(other.videos).isdisjoint(world.videos)


def test_ids_have_the_real_formats(world: World) -> None:
    for channel in world.channels.values():
        assert re.fullmatch(r"UC[A-Za-z0-9_-]{21}[AQgw]", channel.channel_id)
        assert channel.uploads_playlist_id == "UU" + channel.channel_id[2:]
        assert re.fullmatch(r"@[a-z0-9]+", channel.handle)
    for video in world.videos.values():
        assert re.fullmatch(r"[A-Za-z0-9_-]{10}[AEIMQUYcgkosw048]", video.video_id)
        assert re.fullmatch(r"P(\d+D)?T(\d+H)?(\d+M)?(\d+S)?", video.duration)
    for channel_id in world.tracked_channel_ids:
        for playlist in world.playlists_of(channel_id):
            assert re.fullmatch(r"PL[A-Za-z0-9_-]{32}", playlist.playlist_id)
            for item in playlist.items:
                assert re.fullmatch(r"[A-Za-z0-9+/]+=*", item.playlist_item_id)


def test_default_world_sizes(world: World) -> None:
    tracked = world.tracked_channel_ids
    assert len(tracked) == 3
    assert [len(world.videos_of(c)) for c in tracked] == [120, 150, 180]
    playlists = [len(world.playlists_of(c)) for c in tracked]
    assert playlists[0] > 50 and all(6 <= n <= 10 for n in playlists[1:])
    assert len(world.regions) >= 12
    assert world.spec.chart_rule == "2025"
    for region in world.regions:
        size = len(world.chart(region, "0", AT))
        parts = [
            len(world.chart(region, c, AT))
            for c in ("10", "20", "1")
            if (region, c) in world.charts
        ]
        assert 20 <= size == sum(parts) <= 3 * 45
    assert {category for _, category in world.charts} == {"1", "10", "20"}
    assert any((region, "1") not in world.charts for region in world.regions)
    only_gaming = [r for r in world.regions if {c for g, c in world.charts if g == r} == {"20"}]
    assert world.region_codes[-1] in only_gaming


def test_legacy_chart_rule_sizes() -> None:
    world = World.generate(chart_rule="legacy")
    for region in world.regions:
        size = len(world.chart(region, "0", AT))
        assert 60 <= size <= 120
    assert {category for _, category in world.charts} == {"0", "1", "10", "20"}
    assert any((region, "1") not in world.charts for region in world.regions)
    only_general = [
        r for r in world.regions if not any((r, c) in world.charts for c in ("1", "10", "20"))
    ]
    assert only_general


def test_small_world_is_small(small_world: World) -> None:
    summary = small_world.summary()
    assert summary["counts"]["tracked_channels"] == 2
    assert sum(summary["counts"]["tracked_videos"].values()) == 30
    assert summary["counts"]["playlists"] == 5
    assert summary["region_codes"] == ["US", "GB", "JP"]


def test_shares_of_edge_cases(world: World) -> None:
    videos = list(world.videos.values())
    hidden = sum(v.likes_hidden for v in videos) / len(videos)
    disabled = sum(v.comments_disabled for v in videos) / len(videos)
    non_ascii = sum(not v.title.isascii() for v in videos) / len(videos)
    assert 0.06 < hidden < 0.14
    assert 0.02 < disabled < 0.09
    assert 0.10 < non_ascii < 0.20
    titles = {v.title for v in videos}
    assert "Tom & Jerry <3 our cat's reaction" in titles
    assert any(v.duration.startswith("P1D") for v in videos)
    assert {v.category_id for v in videos} >= {"1", "2", "10", "15", "17", "19", "20", "22"}


def test_publish_dates_and_a_month_without_uploads(world: World) -> None:
    start, as_of = world.spec.start, world.as_of
    for channel_id in world.tracked_channel_ids:
        videos = world.videos_of(channel_id)
        assert all(start <= v.published_at < as_of for v in videos)
        months = Counter((v.published_at.year, v.published_at.month) for v in videos)
        first, last = min(months), max(months)
        all_months = {
            (year, month)
            for year in range(first[0], last[0] + 1)
            for month in range(1, 13)
            if first <= (year, month) <= last
        }
        assert all_months - set(months), "every tracked channel takes a month off"


def test_playlists_mix_shared_foreign_private_and_deleted_videos(world: World) -> None:
    tracked = world.tracked_channel_ids
    memberships: Counter[str] = Counter()
    foreign = unavailable = 0
    for channel_id in tracked:
        for playlist in world.playlists_of(channel_id):
            assert [i.position for i in playlist.items] == list(range(len(playlist.items)))
            for item in playlist.items:
                video = world.videos[item.video_id]
                memberships[video.video_id] += 1
                foreign += video.channel_id != channel_id and video.channel_id in tracked
                unavailable += not video.is_public
                assert item.added_at >= min(video.published_at, playlist.published_at)
    assert max(memberships.values()) >= 3
    assert foreign >= 5
    assert unavailable >= 10
    assert any(not p.items for p in world.playlists_of(tracked[0]))


def test_uploads_are_public_and_newest_first(world: World) -> None:
    for channel_id in world.tracked_channel_ids:
        uploads = world.uploads(channel_id)
        videos = [world.videos[i.video_id] for i in uploads.items]
        assert all(v.is_public for v in videos)
        assert [v.published_at for v in videos] == sorted(
            (v.published_at for v in videos), reverse=True
        )
        assert len(videos) == sum(v.is_public for v in world.videos_of(channel_id))
        assert uploads not in world.playlists_of(channel_id)


def test_video_statistics_grow_monotonically(world: World) -> None:
    public = [v for v in world.videos.values() if v.is_public]
    for video in public:
        before = world.video_statistics(video.video_id, AT)
        after = world.video_statistics(video.video_id, AT + timedelta(hours=1))
        assert after["viewCount"] >= before["viewCount"] + 1
        for key in ("likeCount", "commentCount"):
            if before[key] is not None:
                assert after[key] >= before[key]
        assert (before["likeCount"] is None) == video.likes_hidden
        assert (before["commentCount"] is None) == video.comments_disabled
        assert before["favoriteCount"] == 0


def test_statistics_depend_only_on_the_second(world: World) -> None:
    video_id = world.uploads(world.tracked_channel_ids[0]).items[0].video_id
    with_micros = AT.replace(microsecond=999_999)
    assert world.video_statistics(video_id, with_micros) == world.video_statistics(video_id, AT)
    assert World.generate().video_statistics(video_id, AT) == world.video_statistics(video_id, AT)


def test_channel_statistics(world: World) -> None:
    channel_id = world.tracked_channel_ids[1]
    stats = world.channel_statistics(channel_id, AT)
    public = [v for v in world.videos_of(channel_id) if v.is_public]
    assert stats["videoCount"] == len(public)
    assert stats["viewCount"] == sum(world.video_views(v, AT) for v in public)
    assert stats["hiddenSubscriberCount"] is False
    digits = str(stats["subscriberCount"]).rstrip("0")
    assert len(digits) <= 3
    hidden = [c for c in world.channels.values() if c.hidden_subscriber_count]
    assert hidden and world.channel_statistics(hidden[0].channel_id, AT)["subscriberCount"] is None


def test_charts_shift_hour_to_hour_and_mix_channels(world: World) -> None:
    tracked = set(world.tracked_channel_ids)
    first = world.chart("US", "0", AT)
    assert first == world.chart("US", "0", AT + timedelta(minutes=59))
    later = [world.chart("US", "0", AT + timedelta(hours=h)) for h in range(1, 4)]
    assert any(chart != first for chart in later)
    owners = {world.videos[v].channel_id in tracked for v in first}
    assert owners == {True, False}
    assert all(world.videos[v].is_public for v in first)
    for (region, category), spec in world.charts.items():
        if category != "0":
            chart = world.chart(region, category, AT)
            assert len(chart) == spec.size
            assert {world.videos[v].category_id for v in chart} == {category}
    with pytest.raises(ChartNotFound):
        world.chart("US", "17", AT)
    with pytest.raises(ChartNotFound):
        world.chart("ZZ", "0", AT)


def test_duration_and_rounding_helpers() -> None:
    assert iso_duration(253) == "PT4M13S"
    assert iso_duration(58) == "PT58S"
    assert iso_duration(3723) == "PT1H2M3S"
    assert iso_duration(3600) == "PT1H"
    assert iso_duration(93784) == "P1DT2H3M4S"
    assert iso_duration(0) == "PT0S"
    assert round_down_3sf(10_789_123) == 10_700_000
    assert round_down_3sf(999) == 999
    assert round_down_3sf(2_265_000) == 2_260_000
