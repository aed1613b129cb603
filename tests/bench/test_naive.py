"""The emulator's optional search.list (what the quota benchmark's naive connector uses):
only served when asked for, 100 units a call, newest first, 50 a page, at most 500 results,
page tokens bound to their query; and the naive connector asks one id per videos.list call."""

from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

from bench.naive import NaiveConnector
from emulator import Clock, EmulatorServer, World
from tests.conftest import EMULATOR_START
from tests.emulator.conftest import make_client


def test_search_is_not_served_unless_asked_for() -> None:
    with EmulatorServer(World.small(), Clock(EMULATOR_START, frozen=True)) as server:
        with pytest.raises(HttpError) as error:
            make_client(server.url).search().list(part="id", q="x").execute()
        assert error.value.resp.status == 404
        assert server.quota()["total"] == 0


def test_search_pages_a_channels_public_videos_newest_first_at_100_units() -> None:
    world = World.generate(channels=1, videos_per_channel=(620,))
    (channel_id,) = world.tracked_channel_ids
    public = sorted(
        (v for v in world.videos_of(channel_id) if v.is_public),
        key=lambda v: (v.published_at, v.video_id),
        reverse=True,
    )
    assert len(public) > 500
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True), search=True) as server:
        youtube = make_client(server.url)
        found, token, pages = [], None, 0
        while True:
            body = (
                youtube.search()
                .list(
                    part="id,snippet",
                    channelId=channel_id,
                    type="video",
                    order="date",
                    maxResults=50,
                    pageToken=token,
                )
                .execute()
            )
            pages += 1
            assert body["kind"] == "youtube#searchListResponse"
            assert body["pageInfo"]["totalResults"] == len(public)
            found += body["items"]
            token = body.get("nextPageToken")
            if not token:
                break
        assert pages == 10 and len(found) == 500  # the rest is out of search's reach
        assert [item["id"]["videoId"] for item in found] == [v.video_id for v in public[:500]]
        first = found[0]
        assert first["kind"] == "youtube#searchResult" and first["id"]["kind"] == "youtube#video"
        assert first["snippet"]["channelId"] == channel_id
        assert server.quota()["by_method"] == {"youtube.search.list": 100 * pages}
        with pytest.raises(HttpError) as error:  # a token of another query
            youtube.search().list(part="id", q="guitar", pageToken=body["prevPageToken"]).execute()
        assert error.value.resp.status == 400


def test_the_naive_connector_asks_one_video_per_call() -> None:
    world = World.small()
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True), search=True) as server:
        connector = NaiveConnector(server.url, "k", world.tracked_channel_ids, world.region_codes)
        calls = connector.run("full")
        assert calls["videos"] == len(world.available_video_ids()) + len(world.region_codes)
        assert calls["channels"] == len(world.tracked_channel_ids)
        hourly = connector.run("stats")
        assert "playlists" not in hourly and hourly["videos"] == calls["videos"]
