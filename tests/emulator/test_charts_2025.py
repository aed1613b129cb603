"""The 2025 chart rule (every world's unless ``chart_rule="legacy"``): only Trending Music (10),
Gaming (20) and Movies (Film & Animation, 1) charts; the general chart is their videos
interleaved by rank; any other category is ``videoChartNotFound``. Through the real Google
client."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from googleapiclient.discovery import Resource
from googleapiclient.errors import HttpError

from emulator import ChartNotFound, EmulatorServer, World, WorldSpec
from emulator.charts import interleave
from emulator.corpus import CATEGORIES, CHART_CATEGORIES
from tests.emulator.conftest import FROZEN_AT, error_reason, fetch_all, make_client

MUSIC, GAMING, MOVIES = "10", "20", "1"


@pytest.fixture(scope="module")
def world_2025(world: World) -> World:
    assert world.spec.chart_rule == "2025"  # the default world's rule
    return world


@pytest.fixture
def youtube_2025(
    world_2025: World, new_server: Callable[..., EmulatorServer]
) -> tuple[EmulatorServer, Resource]:
    server = new_server(world=world_2025)
    return server, make_client(server.url)


def _chart(youtube: Resource, region: str, category: str | None) -> list[str]:
    params = {"part": "snippet", "chart": "mostPopular", "regionCode": region, "maxResults": 50}
    if category is not None:
        params["videoCategoryId"] = category
    items, _ = fetch_all(youtube.videos(), **params)
    return [item["id"] for item in items]


def test_only_music_gaming_and_movies_have_charts(world_2025: World) -> None:
    assert CHART_CATEGORIES == (MUSIC, GAMING, MOVIES)
    assert dict((cid, title) for cid, title, _ in CATEGORIES)[MOVIES] == "Film & Animation"
    assert {category for _, category in world_2025.charts} == {MUSIC, GAMING, MOVIES}
    first = world_2025.region_codes[0]
    assert {c for r, c in world_2025.charts if r == first} == {MUSIC, GAMING, MOVIES}
    for region in world_2025.region_codes:  # every region has one at least (Gaming if no other)
        assert any(r == region for r, _ in world_2025.charts)
    # the category charts are the legacy world's, plus Gaming where a region had none
    legacy = World.generate(chart_rule="legacy")
    for region, category in legacy.charts:
        if category != "0":
            assert world_2025.chart(region, category, FROZEN_AT) == legacy.chart(
                region, category, FROZEN_AT
            )


def test_category_charts_hold_their_category(youtube_2025) -> None:
    server, youtube = youtube_2025
    world = server.world
    for region, category in sorted(world.charts):
        items, _ = fetch_all(
            youtube.videos(),
            part="snippet",
            chart="mostPopular",
            regionCode=region,
            videoCategoryId=category,
            maxResults=50,
        )
        assert [i["id"] for i in items] == world.chart(region, category, FROZEN_AT)
        assert {i["snippet"]["categoryId"] for i in items} == {category}


@pytest.mark.parametrize("category", ["2", "15", "17", "22", "23", "24", "25"])
def test_every_other_category_is_chart_not_found(youtube_2025, category: str) -> None:
    server, youtube = youtube_2025
    with pytest.raises(HttpError) as error:
        youtube.videos().list(
            part="id", chart="mostPopular", regionCode="US", videoCategoryId=category
        ).execute()
    assert error.value.status_code == 400
    assert error_reason(error.value) == "videoChartNotFound"
    with pytest.raises(ChartNotFound):
        server.world.chart("US", category, FROZEN_AT)


def test_a_region_without_a_music_chart_has_no_music_chart(youtube_2025) -> None:
    server, youtube = youtube_2025
    world = server.world
    region = next(r for r in world.region_codes if (r, MUSIC) not in world.charts)
    with pytest.raises(HttpError) as error:
        youtube.videos().list(
            part="id", chart="mostPopular", regionCode=region, videoCategoryId=MUSIC
        ).execute()
    assert error_reason(error.value) == "videoChartNotFound"
    assert _chart(youtube, region, None)  # its default chart is made of the charts it has


def test_the_default_chart_interleaves_music_gaming_movies_by_rank(youtube_2025) -> None:
    server, youtube = youtube_2025
    world = server.world
    for region in world.region_codes:
        parts = [
            _chart(youtube, region, c)
            for c in (MUSIC, GAMING, MOVIES)
            if (region, c) in world.charts
        ]
        expected: list[str] = []
        for rank in range(max(len(p) for p in parts)):
            expected += [p[rank] for p in parts if rank < len(p)]
        assert _chart(youtube, region, None) == expected == _chart(youtube, region, "0")
        assert world.chart(region, "0", FROZEN_AT) == expected
        assert len(expected) == sum(len(p) for p in parts) == world.summary()["charts"][region]["0"]
    us = world.chart("US", "0", FROZEN_AT)
    assert [world.videos[v].category_id for v in us[:6]] == [MUSIC, GAMING, MOVIES] * 2


def test_the_default_chart_reranks_at_the_hour_with_its_parts(world_2025: World) -> None:
    at = FROZEN_AT.replace(minute=0)
    first = world_2025.chart("US", "0", at)
    assert first == world_2025.chart("US", "0", at + timedelta(minutes=59))
    later = world_2025.chart("US", "0", at + timedelta(hours=1))
    assert later != first
    parts = [world_2025.chart("US", c, at + timedelta(hours=1)) for c in (MUSIC, GAMING, MOVIES)]
    assert later == interleave(parts)


def test_a_chart_holds_no_video_published_after_its_hour(world_2025: World) -> None:
    """Asked about an hour before some candidates came out (a benchmark's clock running up to
    the world's date), a chart leaves them out and keeps its size from the others."""
    newest = max(
        world_2025.videos[v].published_at for v in world_2025.chart("US", MUSIC, FROZEN_AT)
    )
    at = newest.replace(minute=0, second=0, microsecond=0)  # that video's hour: not out yet
    for category in (MUSIC, GAMING, MOVIES, "0"):
        chart = world_2025.chart("US", category, at)
        assert chart and all(world_2025.videos[v].published_at <= at for v in chart), category
    assert len(world_2025.chart("US", MUSIC, at)) == len(world_2025.chart("US", MUSIC, FROZEN_AT))


def test_interleave_skips_exhausted_charts_and_repeats() -> None:
    assert interleave([["a", "b", "c"], ["x"], ["y", "a", "z"]]) == ["a", "x", "y", "b", "c", "z"]
    assert interleave([]) == []


def test_the_default_worlds_follow_the_2025_rule_and_legacy_is_kept() -> None:
    assert WorldSpec().chart_rule == "2025" and World.small().spec.chart_rule == "2025"
    assert WorldSpec.large(1_000).chart_rule == "2025"
    legacy = World.small(chart_rule="legacy")
    assert ("US", "0") in legacy.charts and legacy.summary()["chart_rule"] == "legacy"
    assert len(legacy.chart("US", "0", FROZEN_AT)) == legacy.charts["US", "0"].size
    with pytest.raises(ChartNotFound):
        legacy.chart("JP", "20", FROZEN_AT)  # the last region: the general chart only
    with pytest.raises(ValueError, match="chart_rule"):
        WorldSpec(chart_rule="2019")
