"""The emulator through the real google-api-python-client: paging, parts, shapes, errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from googleapiclient.discovery import Resource
from googleapiclient.errors import HttpError

from emulator import EmulatorServer, World

from .conftest import FROZEN_AT, error_reason, fetch_all, make_client

COUNT_KEYS = {"viewCount", "likeCount", "favoriteCount", "commentCount"}


def test_channels_by_id_all_parts(world: World, youtube: Resource) -> None:
    ids = world.tracked_channel_ids
    response = (
        youtube.channels()
        .list(part="snippet,contentDetails,statistics,status", id=",".join(ids))
        .execute()
    )
    assert list(response) == ["kind", "etag", "pageInfo", "items"]
    assert response["kind"] == "youtube#channelListResponse"
    assert response["pageInfo"] == {"totalResults": 3, "resultsPerPage": 5}
    assert [item["id"] for item in response["items"]] == ids
    item = response["items"][0]
    assert list(item) == ["kind", "etag", "id", "snippet", "contentDetails", "statistics", "status"]
    assert item["snippet"]["customUrl"].startswith("@")
    assert item["snippet"]["country"] == "US"
    assert item["contentDetails"]["relatedPlaylists"] == {"likes": "", "uploads": "UU" + ids[0][2:]}
    stats = item["statistics"]
    assert all(isinstance(stats[k], str) for k in ("viewCount", "subscriberCount", "videoCount"))
    assert stats["hiddenSubscriberCount"] is False
    expected = world.channel_statistics(ids[0], FROZEN_AT)
    assert int(stats["viewCount"]) == expected["viewCount"]


def test_channels_unknown_ids_and_handles(world: World, youtube: Resource) -> None:
    unknown = youtube.channels().list(part="id", id="UC" + "x" * 22).execute()
    assert unknown["pageInfo"]["totalResults"] == 0
    assert "items" not in unknown
    mixed = (
        youtube.channels()
        .list(part="id", id=["UC" + "y" * 22, world.tracked_channel_ids[1]])
        .execute()
    )
    assert [item["id"] for item in mixed["items"]] == [world.tracked_channel_ids[1]]
    handle = world.channels[world.tracked_channel_ids[2]].handle
    by_handle = youtube.channels().list(part="snippet", forHandle=handle).execute()
    assert by_handle["items"][0]["id"] == world.tracked_channel_ids[2]
    hidden = next(c for c in world.channels.values() if c.hidden_subscriber_count)
    stats = youtube.channels().list(part="statistics", id=hidden.channel_id).execute()
    assert stats["items"][0]["statistics"]["hiddenSubscriberCount"] is True
    assert "subscriberCount" not in stats["items"][0]["statistics"]


def test_part_selects_what_comes_back(world: World, youtube: Resource) -> None:
    video_id = world.uploads(world.tracked_channel_ids[0]).items[0].video_id
    only_id = youtube.videos().list(part="id", id=video_id).execute()["items"][0]
    assert list(only_id) == ["kind", "etag", "id"]
    some = youtube.videos().list(part=["statistics", "snippet"], id=video_id).execute()
    assert list(some["items"][0]) == ["kind", "etag", "id", "snippet", "statistics"]
    full = (
        youtube.videos()
        .list(part="snippet,contentDetails,statistics,status,player", id=video_id)
        .execute()["items"][0]
    )
    assert list(full["contentDetails"]) == [
        "duration", "dimension", "definition", "caption", "licensedContent", "contentRating",
        "projection",
    ]  # fmt: skip
    assert full["contentDetails"]["caption"] in ("true", "false")
    assert isinstance(full["contentDetails"]["licensedContent"], bool)
    assert full["status"]["privacyStatus"] == "public"
    assert set(full["status"]) == {
        "uploadStatus", "privacyStatus", "license", "embeddable", "publicStatsViewable",
        "madeForKids",
    }  # fmt: skip
    assert full["snippet"]["liveBroadcastContent"] == "none"
    assert full["snippet"]["localized"]["title"] == full["snippet"]["title"]
    assert "embedHtml" in full["player"]
    with pytest.raises(HttpError) as error:
        youtube.videos().list(part="snippet,bogus", id=video_id).execute()
    assert error.value.status_code == 400
    assert error_reason(error.value) == "unknownPart"


def test_counts_are_strings_and_hidden_ones_absent(world: World, youtube: Resource) -> None:
    public = [v for v in world.videos.values() if v.is_public]
    hidden = [v for v in public if v.likes_hidden][:20]
    disabled = [v for v in public if v.comments_disabled][:20]
    normal = [v for v in public if not v.likes_hidden and not v.comments_disabled][:10]
    ids = [v.video_id for v in hidden + disabled + normal][:50]
    items = youtube.videos().list(part="statistics", id=ids).execute()["items"]
    by_id = {item["id"]: item["statistics"] for item in items}
    for stats in by_id.values():
        assert set(stats) <= COUNT_KEYS
        assert all(isinstance(value, str) and value.isdigit() for value in stats.values())
        assert stats["favoriteCount"] == "0"
    for video in hidden:
        if video.video_id in by_id:
            assert "likeCount" not in by_id[video.video_id]
    for video in disabled:
        if video.video_id in by_id:
            assert "commentCount" not in by_id[video.video_id]
    for video in normal:
        assert set(by_id[video.video_id]) == COUNT_KEYS


def test_videos_by_id_omits_unknown_private_and_deleted(world: World, youtube: Resource) -> None:
    channel_videos = world.videos_of(world.tracked_channel_ids[0])
    public = [v.video_id for v in channel_videos if v.is_public]
    private = next(v.video_id for v in channel_videos if v.availability == "private")
    deleted = next(v.video_id for v in channel_videos if v.availability == "deleted")
    asked = [public[5], "AAAAAAAAAAA", private, deleted, public[0], public[3]]
    response = youtube.videos().list(part="snippet", id=",".join(asked)).execute()
    assert [item["id"] for item in response["items"]] == [public[5], public[0], public[3]]
    assert response["pageInfo"] == {"totalResults": 3, "resultsPerPage": 3}
    assert "nextPageToken" not in response
    nothing = youtube.videos().list(part="id", id="AAAAAAAAAAA").execute()
    assert nothing["items"] == [] and nothing["pageInfo"]["totalResults"] == 0
    with pytest.raises(HttpError) as error:
        youtube.videos().list(part="id", id=public[:51]).execute()
    assert error.value.status_code == 400


def test_videos_needs_exactly_one_filter(youtube: Resource) -> None:
    for params in ({}, {"id": "AAAAAAAAAAA", "chart": "mostPopular"}):
        with pytest.raises(HttpError) as error:
            youtube.videos().list(part="id", **params).execute()
        assert error.value.status_code == 400
        assert error_reason(error.value) in ("missingRequiredParameter", "incompatibleParameters")


def test_playlists_page_past_50(world: World, youtube: Resource) -> None:
    channel_id = world.tracked_channel_ids[0]
    items, pages = fetch_all(
        youtube.playlists(), part="snippet,contentDetails,status", channelId=channel_id,
        maxResults=50,
    )  # fmt: skip
    assert len(pages) == 2
    assert [len(page["items"]) for page in pages] == [50, len(items) - 50]
    assert all(page["pageInfo"]["totalResults"] == len(items) for page in pages)
    assert "prevPageToken" in pages[1] and "nextPageToken" not in pages[1]
    expected = [p.playlist_id for p in world.playlists_of(channel_id)]
    assert [item["id"] for item in items] == expected
    assert not any(item["id"].startswith("UU") for item in items)
    first = items[0]
    assert list(first) == ["kind", "etag", "id", "snippet", "status", "contentDetails"]
    assert first["contentDetails"]["itemCount"] == len(world.playlist(first["id"]).items)
    assert first["snippet"]["channelId"] == channel_id


def test_playlist_items_page_past_50_with_unavailable_videos(
    world: World, youtube: Resource
) -> None:
    playlist = max(world.playlists_of(world.tracked_channel_ids[0]), key=lambda p: len(p.items))
    items, pages = fetch_all(
        youtube.playlistItems(), part="snippet,contentDetails,status",
        playlistId=playlist.playlist_id, maxResults=50,
    )  # fmt: skip
    assert len(pages) == 3 and len(items) == len(playlist.items) > 100
    assert list(pages[0]) == ["kind", "etag", "nextPageToken", "items", "pageInfo"]
    assert [item["snippet"]["position"] for item in items] == list(range(len(items)))
    kinds = {"private": 0, "deleted": 0}
    for item in items:
        video = world.videos[item["contentDetails"]["videoId"]]
        snippet, details = item["snippet"], item["contentDetails"]
        assert snippet["resourceId"] == {"kind": "youtube#video", "videoId": video.video_id}
        assert snippet["channelId"] == playlist.channel_id
        if video.is_public:
            assert snippet["title"] == video.title
            assert snippet["videoOwnerChannelId"] == video.channel_id
            assert "videoPublishedAt" in details
            continue
        kinds[video.availability] += 1
        title, description = {
            "private": ("Private video", "This video is private."),
            "deleted": ("Deleted video", "This video is unavailable."),
        }[video.availability]
        assert (snippet["title"], snippet["description"]) == (title, description)
        assert snippet["thumbnails"] == {}
        assert "videoOwnerChannelId" not in snippet and "videoOwnerChannelTitle" not in snippet
        assert details == {"videoId": video.video_id}
    assert kinds["private"] >= 1 and kinds["deleted"] >= 1


def test_playlist_item_added_at_differs_from_video_published_at(
    world: World, youtube: Resource
) -> None:
    playlist = world.playlists_of(world.tracked_channel_ids[1])[0]
    items, _ = fetch_all(
        youtube.playlistItems(), part="snippet,contentDetails", playlistId=playlist.playlist_id,
        maxResults=50,
    )  # fmt: skip
    public = [i for i in items if "videoPublishedAt" in i["contentDetails"]]
    assert any(
        i["snippet"]["publishedAt"] != i["contentDetails"]["videoPublishedAt"] for i in public
    )
    assert all(
        i["snippet"]["publishedAt"] >= i["contentDetails"]["videoPublishedAt"] for i in public
    )


def test_uploads_playlist_is_newest_first_and_public(world: World, youtube: Resource) -> None:
    channel_id = world.tracked_channel_ids[2]
    channel = youtube.channels().list(part="contentDetails,statistics", id=channel_id).execute()
    uploads = channel["items"][0]["contentDetails"]["relatedPlaylists"]["uploads"]
    items, pages = fetch_all(
        youtube.playlistItems(), part="contentDetails,status", playlistId=uploads, maxResults=50
    )
    assert len(pages) >= 3
    assert len(items) == int(channel["items"][0]["statistics"]["videoCount"])
    published = [item["contentDetails"]["videoPublishedAt"] for item in items]
    assert published == sorted(published, reverse=True)
    assert {item["status"]["privacyStatus"] for item in items} == {"public"}


def test_chart_pages_past_50_and_matches_the_world(world: World, youtube: Resource) -> None:
    items, pages = fetch_all(
        youtube.videos(), part="snippet,statistics", chart="mostPopular", regionCode="US",
        maxResults=50,
    )  # fmt: skip
    expected = world.chart("US", "0", FROZEN_AT)
    assert [item["id"] for item in items] == expected
    assert len(pages) == 2 and pages[0]["pageInfo"]["totalResults"] == len(expected)
    music, _ = fetch_all(
        youtube.videos(), part="snippet", chart="mostPopular", regionCode="US",
        videoCategoryId="10", maxResults=50,
    )  # fmt: skip
    assert {item["snippet"]["categoryId"] for item in music} == {"10"}


def test_chart_not_found_is_readable_from_error_details(youtube: Resource) -> None:
    with pytest.raises(HttpError) as error:
        youtube.videos().list(
            part="id", chart="mostPopular", regionCode="US", videoCategoryId="17"
        ).execute()
    assert error.value.status_code == 400
    assert error_reason(error.value) == "videoChartNotFound"


def test_page_tokens_are_checked(world: World, youtube: Resource) -> None:
    channel_id = world.tracked_channel_ids[0]
    first = youtube.playlists().list(part="id", channelId=channel_id, maxResults=10).execute()
    token = first["nextPageToken"]
    second = (
        youtube.playlists()
        .list(part="id", channelId=channel_id, maxResults=10, pageToken=token)
        .execute()
    )
    back = (
        youtube.playlists()
        .list(part="id", channelId=channel_id, maxResults=10, pageToken=second["prevPageToken"])
        .execute()
    )
    assert back["items"] == first["items"]
    other_channel = world.tracked_channel_ids[1]
    for bad_call in (
        lambda: youtube.playlists().list(part="id", channelId=channel_id, pageToken="garbage!"),
        lambda: youtube.playlists().list(part="id", channelId=channel_id, pageToken=token[:-2]),
        lambda: youtube.playlists().list(part="id", channelId=other_channel, pageToken=token),
    ):
        with pytest.raises(HttpError) as error:
            bad_call().execute()
        assert error.value.status_code == 400
        assert error_reason(error.value) == "invalidPageToken"


def test_not_found_errors(world: World, youtube: Resource) -> None:
    with pytest.raises(HttpError) as error:
        youtube.playlistItems().list(part="id", playlistId="PL" + "z" * 32).execute()
    assert error.value.status_code == 404 and error_reason(error.value) == "playlistNotFound"
    with pytest.raises(HttpError) as error:
        youtube.playlists().list(part="id", channelId="UC" + "z" * 22).execute()
    assert error.value.status_code == 404 and error_reason(error.value) == "channelNotFound"


def test_oauth_only_parameters_are_refused(youtube: Resource) -> None:
    with pytest.raises(HttpError) as error:
        youtube.playlists().list(part="id", mine=True).execute()
    assert error.value.status_code == 401


def test_categories_and_regions(world: World, youtube: Resource) -> None:
    categories = youtube.videoCategories().list(part="snippet", regionCode="US").execute()
    assert list(categories) == ["kind", "etag", "items"]
    first = categories["items"][0]
    assert first["kind"] == "youtube#videoCategory"
    assert first["snippet"] == {
        "channelId": "UCBR8-60-B28hp2BmDPdntcQ",
        "title": "Film & Animation",
        "assignable": True,
    }
    assert {c["id"] for c in categories["items"]} >= {"1", "10", "20", "22", "24", "28"}
    sizes = {
        region: len(
            youtube.videoCategories().list(part="snippet", regionCode=region).execute()["items"]
        )
        for region in world.regions
    }
    assert len(set(sizes.values())) > 1, "some regions lack some categories"
    by_id = youtube.videoCategories().list(part="snippet", id="10,20").execute()
    assert [c["snippet"]["title"] for c in by_id["items"]] == ["Music", "Gaming"]
    regions = youtube.i18nRegions().list(part="snippet", hl="en_US").execute()
    assert regions["kind"] == "youtube#i18nRegionListResponse"
    assert "pageInfo" not in regions and "nextPageToken" not in regions
    assert regions["items"][0]["snippet"] == {"gl": "US", "name": "United States"}
    assert [r["id"] for r in regions["items"]] == world.region_codes


def test_api_key_invalid(new_server: Callable[..., EmulatorServer]) -> None:
    server = new_server(api_key="the-right-key")
    with pytest.raises(HttpError) as error:
        make_client(server.url, key="a-wrong-key").i18nRegions().list(part="snippet").execute()
    assert error.value.status_code == 400
    assert error_reason(error.value) == "API_KEY_INVALID"
    body = error.value.content.decode()
    assert '"reason": "badRequest"' in body and '"status": "INVALID_ARGUMENT"' in body
    ok = make_client(server.url, key="the-right-key").i18nRegions().list(part="snippet").execute()
    assert ok["items"]


def test_quota_is_counted_per_method_errors_included(
    world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server()
    youtube = make_client(server.url)
    _, pages = fetch_all(
        youtube.playlists(), part="id", channelId=world.tracked_channel_ids[0], maxResults=50
    )
    youtube.videos().list(part="id", id="AAAAAAAAAAA").execute()
    with pytest.raises(HttpError):
        youtube.videos().list(part="id", chart="mostPopular", videoCategoryId="17").execute()
    with pytest.raises(HttpError):
        youtube.playlistItems().list(part="id", playlistId="PLnope").execute()
    quota = server.quota()
    assert (quota["total"], quota["units_today"]) == (5, 5)
    assert quota["by_method"] == {
        "youtube.playlistItems.list": 1,
        "youtube.playlists.list": 2,
        "youtube.videos.list": 2,
    }
    server.reset_quota()
    assert server.quota() == {
        "total": 0,
        "by_method": {},
        "daily_limit": None,
        "pacific_day": "2026-11-02",
        "units_today": 0,
        "refused": 0,
        "buckets": {
            "default": {"units_today": 0, "daily_limit": None, "total": 0, "refused": 0},
            "search": {"units_today": 0, "daily_limit": None, "total": 0, "refused": 0},
            "stats": {"units_today": 0, "daily_limit": 10_000, "total": 0, "refused": 0},
        },
    }


def test_statistics_grow_after_an_hour(
    world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server()
    youtube = make_client(server.url)
    ids = [item.video_id for item in world.uploads(world.tracked_channel_ids[0]).items[:50]]
    before = youtube.videos().list(part="statistics", id=ids).execute()["items"]
    server.clock.advance(hours=1)
    after = youtube.videos().list(part="statistics", id=ids).execute()["items"]
    for old, new in zip(before, after, strict=True):
        assert int(new["statistics"]["viewCount"]) >= int(old["statistics"]["viewCount"]) + 1
        assert new["etag"] != old["etag"]


def test_same_seed_same_json(world: World, new_server: Callable[..., EmulatorServer]) -> None:
    a = make_client(new_server(world=World.generate()).url)
    b = make_client(new_server(world=World.generate()).url)
    params = {"part": "snippet,statistics", "chart": "mostPopular", "regionCode": "DE"}
    assert a.videos().list(**params).execute() == b.videos().list(**params).execute()
    channel = world.tracked_channel_ids[0]
    assert (
        a.playlists().list(part="snippet", channelId=channel).execute()
        == b.playlists().list(part="snippet", channelId=channel).execute()
    )
