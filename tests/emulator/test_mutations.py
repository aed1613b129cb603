"""Scripted data changes: what each mutation looks like on the wire, ETags, the admin routes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from emulator import EmulatorServer, World
from emulator.entities import Playlist

from .conftest import fetch_all, make_client, raw_get, raw_json


def _archive(world: World, channel_id: str) -> Playlist:
    """The channel's "full archive" playlist: every upload, deleted and private ones included."""
    return next(p for p in world.playlists_of(channel_id) if p.title.endswith("full archive"))


def _etag(url: str) -> str:
    response, content = raw_get(url)
    assert response.status == 200, content
    return json.loads(content)["etag"]


def _changed(url: str, old_etag: str) -> None:
    """The response moved on: a conditional request with the old ETag gets a 200 again."""
    response, content = raw_get(url, {"If-None-Match": old_etag})
    assert response.status == 200
    assert json.loads(content)["etag"] != old_etag


def _items_url(server: EmulatorServer, playlist_id: str, extra: str = "") -> str:
    return (
        f"{server.url}/youtube/v3/playlistItems?part=snippet,contentDetails,status"
        f"&playlistId={playlist_id}&maxResults=50&key=k{extra}"
    )


PLACEHOLDERS = {
    "delete_video": ("Deleted video", "This video is unavailable.", "privacyStatusUnspecified"),
    "make_private": ("Private video", "This video is private.", "private"),
}


@pytest.mark.parametrize("action", sorted(PLACEHOLDERS))
def test_deleted_or_private_video(
    world: World, new_server: Callable[..., EmulatorServer], action: str
) -> None:
    server = new_server()
    youtube = make_client(server.url)
    channel_id = world.tracked_channel_ids[0]
    uploads = world.uploads(channel_id)
    gone, kept = uploads.items[2].video_id, uploads.items[3].video_id
    archive = _archive(world, channel_id)
    videos_url = f"{server.url}/youtube/v3/videos?part=snippet&id={gone},{kept}&key=k"
    uploads_url = _items_url(server, uploads.playlist_id)
    # Only the page holding the entry changes (the others keep their ETags): filter to it.
    archive_url = _items_url(server, archive.playlist_id, f"&videoId={gone}")
    channel_url = f"{server.url}/youtube/v3/channels?part=statistics&id={channel_id}&key=k"
    before = {url: _etag(url) for url in (videos_url, uploads_url, archive_url, channel_url)}
    count = int(json.loads(raw_get(channel_url)[1])["items"][0]["statistics"]["videoCount"])

    getattr(server.mutations, action)(gone)

    found = youtube.videos().list(part="snippet", id=[gone, kept]).execute()
    assert [item["id"] for item in found["items"]] == [kept]  # fewer items than ids asked
    items, _ = fetch_all(
        youtube.playlistItems(), part="contentDetails", playlistId=uploads.playlist_id,
        maxResults=50,
    )  # fmt: skip
    assert gone not in {item["contentDetails"]["videoId"] for item in items}
    assert len(items) == len(uploads.items) - 1
    items, _ = fetch_all(
        youtube.playlistItems(), part="snippet,contentDetails,status",
        playlistId=archive.playlist_id, maxResults=50,
    )  # fmt: skip
    assert len(items) == len(archive.items)
    entry = next(item for item in items if item["contentDetails"]["videoId"] == gone)
    title, description, privacy = PLACEHOLDERS[action]
    snippet = entry["snippet"]
    assert (snippet["title"], snippet["description"], snippet["thumbnails"]) == (
        title,
        description,
        {},
    )
    assert "videoOwnerChannelId" not in snippet and "videoOwnerChannelTitle" not in snippet
    assert entry["contentDetails"] == {"videoId": gone}  # no videoPublishedAt
    assert entry["status"] == {"privacyStatus": privacy}
    stats = youtube.channels().list(part="statistics", id=channel_id).execute()
    assert int(stats["items"][0]["statistics"]["videoCount"]) == count - 1
    for url, etag in before.items():
        _changed(url, etag)


def test_unavailable_videos_leave_the_charts(
    world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server()
    youtube = make_client(server.url)
    params = {"part": "id", "chart": "mostPopular", "regionCode": "US", "maxResults": 50}
    before, _ = fetch_all(youtube.videos(), **params)
    ranked = [item["id"] for item in before]
    server.mutations.delete_video(ranked[0])
    server.mutations.make_private(ranked[5])
    after, _ = fetch_all(youtube.videos(), **params)
    assert [item["id"] for item in after] == [v for v in ranked if v not in (ranked[0], ranked[5])]


def test_removed_playlist(world: World, new_server: Callable[..., EmulatorServer]) -> None:
    server = new_server()
    youtube = make_client(server.url)
    channel_id = world.tracked_channel_ids[1]
    playlist = world.playlists_of(channel_id)[0]
    listing_url = (
        f"{server.url}/youtube/v3/playlists?part=contentDetails&channelId={channel_id}&key=k"
    )
    etag = _etag(listing_url)
    server.mutations.remove_playlist(playlist.playlist_id)
    with pytest.raises(HttpError) as caught:
        youtube.playlistItems().list(part="id", playlistId=playlist.playlist_id).execute()
    assert caught.value.status_code == 404
    assert caught.value.error_details[0]["reason"] == "playlistNotFound"
    listed, pages = fetch_all(youtube.playlists(), part="id", channelId=channel_id, maxResults=50)
    assert playlist.playlist_id not in {item["id"] for item in listed}
    assert pages[0]["pageInfo"]["totalResults"] == len(world.playlists_of(channel_id)) - 1
    by_id = youtube.playlists().list(part="id", id=playlist.playlist_id).execute()
    assert by_id["items"] == []
    _changed(listing_url, etag)


def test_emptied_playlist(world: World, new_server: Callable[..., EmulatorServer]) -> None:
    server = new_server()
    youtube = make_client(server.url)
    playlist = world.playlists_of(world.tracked_channel_ids[0])[1]
    assert playlist.items
    items_url = _items_url(server, playlist.playlist_id)
    etag = _etag(items_url)
    server.mutations.empty_playlist(playlist.playlist_id)
    page = youtube.playlistItems().list(part="id", playlistId=playlist.playlist_id).execute()
    assert page["items"] == [] and page["pageInfo"]["totalResults"] == 0
    assert "nextPageToken" not in page
    listed = youtube.playlists().list(part="contentDetails", id=playlist.playlist_id).execute()
    assert listed["items"][0]["contentDetails"] == {"itemCount": 0}
    _changed(items_url, etag)


def test_video_statistics_overrides(
    world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server()
    youtube = make_client(server.url)
    video = next(
        v for v in world.videos_of(world.tracked_channel_ids[0])
        if v.is_public and not v.likes_hidden and not v.comments_disabled
    )  # fmt: skip
    url = f"{server.url}/youtube/v3/videos?part=statistics&id={video.video_id}&key=k"
    etag = _etag(url)
    server.mutations.set_video_statistics(video.video_id, viewCount="3000000000", likeCount=None)
    stats = youtube.videos().list(part="statistics", id=video.video_id).execute()["items"][0]
    assert stats["statistics"]["viewCount"] == "3000000000"  # over 2^31, still a string
    assert "likeCount" not in stats["statistics"]
    assert set(stats["statistics"]) == {"viewCount", "favoriteCount", "commentCount"}
    server.mutations.set_video_statistics(video.video_id, commentCount=7)  # merges; ints -> str
    server.clock.advance(hours=3)  # fixed values do not grow
    stats = youtube.videos().list(part="statistics", id=video.video_id).execute()["items"][0]
    assert (stats["statistics"]["viewCount"], stats["statistics"]["commentCount"]) == (
        "3000000000",
        "7",
    )
    _changed(url, etag)


def test_dropped_part(world: World, new_server: Callable[..., EmulatorServer]) -> None:
    server = new_server()
    youtube = make_client(server.url)
    video_id = world.uploads(world.tracked_channel_ids[0]).items[0].video_id
    url = f"{server.url}/youtube/v3/videos?part=snippet,statistics&id={video_id}&key=k"
    etag = _etag(url)
    server.mutations.drop_part(video_id, "statistics")
    item = youtube.videos().list(part="snippet,statistics", id=video_id).execute()["items"][0]
    assert list(item) == ["kind", "etag", "id", "snippet"]
    _changed(url, etag)


def test_wrong_kind_item(world: World, new_server: Callable[..., EmulatorServer]) -> None:
    server = new_server()
    youtube = make_client(server.url)
    channel_id = world.tracked_channel_ids[0]
    playlist = world.playlists_of(channel_id)[1]
    items_url = _items_url(server, playlist.playlist_id)
    etag = _etag(items_url)
    server.mutations.wrong_kind_item(playlist.playlist_id)
    other = world.tracked_channel_ids[2]
    server.mutations.wrong_kind_item(playlist.playlist_id, channel_id=other, position=0)
    items, pages = fetch_all(
        youtube.playlistItems(), part="snippet,contentDetails,status",
        playlistId=playlist.playlist_id, maxResults=50,
    )  # fmt: skip
    assert len(items) == pages[0]["pageInfo"]["totalResults"] == len(playlist.items) + 2
    assert [item["snippet"]["position"] for item in items] == list(range(len(items)))
    first, last = items[0], items[-1]
    assert first["snippet"]["resourceId"] == {"kind": "youtube#channel", "channelId": other}
    assert last["snippet"]["resourceId"] == {"kind": "youtube#channel", "channelId": channel_id}
    for wrong in (first, last):
        assert "videoId" not in wrong["contentDetails"]
        assert wrong["snippet"]["playlistId"] == playlist.playlist_id
    videos = [i for i in items if i["snippet"]["resourceId"]["kind"] == "youtube#video"]
    assert [i["contentDetails"]["videoId"] for i in videos] == [e.video_id for e in playlist.items]
    listed = youtube.playlists().list(part="contentDetails", id=playlist.playlist_id).execute()
    assert listed["items"][0]["contentDetails"]["itemCount"] == len(playlist.items) + 2
    one = youtube.playlistItems().list(part="snippet", id=last["id"]).execute()["items"]
    assert one[0]["snippet"]["resourceId"]["kind"] == "youtube#channel"
    _changed(items_url, etag)


def test_set_title(world: World, new_server: Callable[..., EmulatorServer]) -> None:
    server = new_server()
    youtube = make_client(server.url)
    channel_id = world.tracked_channel_ids[0]
    video_id = world.uploads(channel_id).items[1].video_id
    title = "Ünïcødé 日本語 &amp; <b>bold</b> 🎉"
    url = f"{server.url}/youtube/v3/videos?part=snippet&id={video_id}&key=k"
    etag = _etag(url)
    server.mutations.set_title(video_id, title)
    snippet = youtube.videos().list(part="snippet", id=video_id).execute()["items"][0]["snippet"]
    assert snippet["title"] == snippet["localized"]["title"] == title
    items, _ = fetch_all(
        youtube.playlistItems(), part="snippet,contentDetails",
        playlistId=_archive(world, channel_id).playlist_id, maxResults=50,
    )  # fmt: skip
    entry = next(i for i in items if i["contentDetails"]["videoId"] == video_id)
    assert entry["snippet"]["title"] == title
    _changed(url, etag)


def test_no_mutation_means_the_generated_world(
    world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server()
    assert server.mutations.view() is world
    channel_id = world.tracked_channel_ids[0]
    urls = [
        _items_url(server, world.uploads(channel_id).playlist_id),
        f"{server.url}/youtube/v3/videos?part=snippet,statistics&chart=mostPopular&key=k",
        f"{server.url}/youtube/v3/playlists?part=snippet,contentDetails&channelId={channel_id}"
        "&key=k",
    ]
    before = [raw_get(url)[1] for url in urls]
    server.mutations.delete_video(world.uploads(channel_id).items[0].video_id)
    view = server.mutations.view()
    assert view is not world and server.mutations.view() is view  # built once per change
    assert [raw_get(url)[1] for url in urls] != before
    server.mutations.clear()
    assert server.mutations.view() is world
    assert [raw_get(url)[1] for url in urls] == before  # byte for byte


def test_mutations_refuse_unknown_ids_and_keys(
    world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    mutations = new_server().mutations
    video_id = next(iter(world.videos))
    with pytest.raises(ValueError, match="unknown video id"):
        mutations.delete_video("AAAAAAAAAAA")
    with pytest.raises(ValueError, match="unknown playlist id"):
        mutations.remove_playlist("PLnope")
    with pytest.raises(ValueError, match="unknown statistics key"):
        mutations.set_video_statistics(video_id, views="1")
    with pytest.raises(ValueError, match="cannot drop part"):
        mutations.drop_part(video_id, "id")
    with pytest.raises(ValueError, match="unknown channel id"):
        mutations.wrong_kind_item(world.normal_playlists()[0].playlist_id, channel_id="UCnope")
    assert mutations.view() is world


def test_mutation_admin_routes_round_trip(
    world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server()
    url = server.url + "/emulator/mutations"
    channel_id = world.tracked_channel_ids[0]
    playlists = world.playlists_of(channel_id)
    video_id = world.uploads(channel_id).items[0].video_id
    empty: dict[str, Any] = {
        "availability": {}, "titles": {}, "statistics": {}, "dropped_parts": {},
        "removed_playlists": [], "emptied_playlists": [], "wrong_kind_items": {},
    }  # fmt: skip
    assert raw_json(url)[1] == empty
    response, state = raw_json(url, "POST", {"action": "delete_video", "video_id": video_id})
    assert response.status == 200 and state["availability"] == {video_id: "deleted"}
    batch = [
        {"action": "make_private", "video_id": video_id},
        {"action": "set_title", "video_id": video_id, "title": "Ça va"},
        {"action": "set_video_statistics", "video_id": video_id,
         "statistics": {"viewCount": "3000000000", "likeCount": None}},
        {"action": "drop_part", "video_id": video_id, "part": "statistics"},
        {"action": "remove_playlist", "playlist_id": playlists[0].playlist_id},
        {"action": "empty_playlist", "playlist_id": playlists[1].playlist_id},
        {"action": "wrong_kind_item", "playlist_id": playlists[2].playlist_id, "position": 1},
    ]  # fmt: skip
    response, state = raw_json(url, "POST", batch)
    assert response.status == 200
    assert state == {
        "availability": {video_id: "private"},
        "titles": {video_id: "Ça va"},
        "statistics": {video_id: {"viewCount": "3000000000", "likeCount": None}},
        "dropped_parts": {video_id: ["statistics"]},
        "removed_playlists": [playlists[0].playlist_id],
        "emptied_playlists": [playlists[1].playlist_id],
        "wrong_kind_items": {playlists[2].playlist_id: [{"channel_id": channel_id, "position": 1}]},
    }
    gone = raw_get(_items_url(server, playlists[0].playlist_id))[0]
    assert gone.status == 404
    for bad in (
        [{"action": "empty_playlist", "playlist_id": playlists[3].playlist_id},
         {"action": "delete_video", "video_id": "AAAAAAAAAAA"}],
        {"action": "explode"},
        {"action": "delete_video", "video": video_id},
        {"action": "set_video_statistics", "video_id": video_id},
        "delete everything",
    ):  # fmt: skip
        response, error = raw_json(url, "POST", bad)
        assert response.status == 400, bad
        assert "error" in error
    assert raw_json(url)[1] == state  # a bad batch changes nothing
    response, state = raw_json(url, "DELETE")
    assert response.status == 200 and state == empty
    assert server.mutations.view() is world
    assert raw_get(_items_url(server, playlists[0].playlist_id))[0].status == 200
