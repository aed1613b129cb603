"""Large worlds (``WorldSpec.large``, ``World.generate(videos=N)``, ``--videos N``): size,
speed, determinism, the growth shape (most of a month's views in the first days, then a long
tail), a steady flow of uploads, and the ground truth a benchmark measures against."""

from __future__ import annotations

import bisect
import random
import statistics
import time
from datetime import timedelta

import pytest

from emulator import Clock, EmulatorServer, World, WorldSpec, growth
from emulator.spec import MAX_UPLOADS
from tests.emulator.conftest import make_client

VIDEOS = 100_000


@pytest.fixture(scope="module")
def large() -> tuple[World, float]:
    started = time.process_time()  # CPU time: a busy machine stretches the wall clock
    world = World.generate(videos=VIDEOS)
    return world, time.process_time() - started


def test_a_100k_world_has_100k_videos_and_is_built_in_seconds(large) -> None:
    world, seconds = large
    assert len(world.videos) == VIDEOS
    assert seconds < 30  # ~8 s of CPU on the 2-core development machine; generous for CI
    summary = world.summary()
    assert summary["counts"]["tracked_channels"] == 40
    assert summary["counts"]["channels"] == 40 + 22
    assert summary["chart_rule"] == "2025" and summary["counts"]["regions"] == 14
    sizes = [len(world.videos_of(c)) for c in world.tracked_channel_ids]
    assert max(sizes) <= MAX_UPLOADS and min(sizes) >= 1 and max(sizes) > 10 * min(sizes)
    assert sum(sizes) >= 0.9 * VIDEOS
    biggest = max(world.tracked_channel_ids, key=lambda c: len(world.videos_of(c)))
    assert len(world.uploads(biggest).items) > 5_000


def test_the_spec_is_exact_and_the_world_deterministic() -> None:
    for videos in (100, 1_234, 20_000, 250_000):
        assert WorldSpec.large(videos).video_count == videos
    assert WorldSpec.large(20_000) == WorldSpec.large(20_000)
    one, two = World.generate(videos=10_000), World.generate(WorldSpec.large(10_000))
    assert list(one.videos.values()) == list(two.videos.values())
    assert one.summary() == two.summary()
    at = one.as_of
    for channel_id in one.tracked_channel_ids:
        assert one.uploads(channel_id) == two.uploads(channel_id)
        assert one.channel_statistics(channel_id, at) == two.channel_statistics(channel_id, at)
    assert one.chart("US", "0", at) == two.chart("US", "0", at)
    other = World.generate(videos=2_000, seed=7)
    assert set(other.videos).isdisjoint(one.videos)
    with pytest.raises(ValueError):
        World.generate(WorldSpec(), videos=1_000)
    with pytest.raises(ValueError, match="at least 100"):
        WorldSpec.large(99)


def _share(video, hours: float) -> float:
    start = video.published_at
    month = growth.video_views(video, start + timedelta(days=30))
    return growth.video_views(video, start + timedelta(hours=hours)) / month


def test_most_of_a_months_views_arrive_in_the_first_days(large) -> None:
    world, _ = large
    month_old = [
        v
        for v in world.videos.values()
        if v.is_public and v.published_at <= world.as_of - timedelta(days=30)
    ]
    sample = random.Random(1).sample(month_old, 5_000)
    in_48h = statistics.median(_share(v, 48) for v in sample)
    in_72h = statistics.median(_share(v, 72) for v in sample)
    assert 0.70 <= in_48h <= 0.80 < in_72h <= 0.90  # measured: 0.75 and 0.83
    pooled = sum(growth.video_views(v, v.published_at + timedelta(hours=72)) for v in sample)
    assert (
        0.75
        <= pooled / sum(growth.video_views(v, v.published_at + timedelta(days=30)) for v in sample)
        <= 0.9
    )
    # ... and a long slow tail: views still grow a year on, by a little
    for video in sample[:200]:
        year = video.published_at + timedelta(days=365)
        assert growth.video_views(video, year + timedelta(days=30)) > growth.video_views(
            video, year
        )


def test_uploads_flow_every_day_so_any_hour_has_videos_under_48h(large) -> None:
    world, _ = large
    published = sorted(v.published_at for v in world.videos.values() if v.is_public)
    assert (published[-1] - published[0]).days > 4 * 365
    assert world.as_of - published[-1] <= timedelta(hours=2)
    rng = random.Random(2)
    span = int(timedelta(days=4 * 365).total_seconds())
    for at in [world.as_of] + [
        world.as_of - timedelta(seconds=rng.randrange(span)) for _ in range(500)
    ]:
        young = bisect.bisect_right(published, at) - bisect.bisect_left(
            published, at - timedelta(hours=48)
        )
        assert young >= 20, at


def test_the_truth_is_what_the_api_serves(large) -> None:
    world, _ = large
    ids = [v.video_id for v in world.videos.values() if v.is_public][-50:]
    with EmulatorServer(world, Clock(world.as_of, frozen=True)) as server:
        youtube = make_client(server.url)
        body = youtube.videos().batchGetStats(id=ids, part=["statistics"]).execute()
        listed = youtube.videos().list(id=",".join(ids), part="statistics").execute()
    assert len(body["items"]) == len(listed["items"]) == 50
    for item in body["items"] + listed["items"]:
        truth = world.true_statistics(item["id"], world.as_of)
        assert item["statistics"]["viewCount"] == str(truth["viewCount"])


def test_large_worlds_can_end_at_any_instant() -> None:
    spec = WorldSpec.large(10_000, as_of=WorldSpec().as_of + timedelta(days=40, hours=5))
    world = World.generate(spec)
    newest = max(v.published_at for v in world.videos.values())
    assert spec.as_of - timedelta(hours=48) < newest < spec.as_of
