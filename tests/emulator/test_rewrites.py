"""Answer rewriting: fields set to any JSON value, raw non-object items, repeated items and
``Date`` headers, as the real Google client and plain HTTP see them; matching, counting and
the admin routes."""

from __future__ import annotations

import json
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import pytest

from emulator import EmulatorServer, Rewrite, Rewrites, World
from emulator.rewrites import parse_path, set_at

from .conftest import FROZEN_AT, admin, fetch_all, make_client, raw_get


def _videos_url(server: EmulatorServer, ids: list[str]) -> str:
    return f"{server.url}/youtube/v3/videos?part=snippet,statistics&id={','.join(ids)}&key=k"


def _three_videos(world: World) -> list[str]:
    return [item.video_id for item in world.uploads(world.tracked_channel_ids[0]).items[:3]]


def test_set_puts_any_json_value_at_a_path(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world)
    youtube = make_client(server.url)
    ids = _three_videos(small_world)
    server.rewrites.add(
        Rewrite("set", path="items[0].snippet.publishedAt", value="yesterday", method="videos"),
        Rewrite("set", path=f"items[id={ids[1]}].statistics.viewCount", value=12),
        Rewrite("set", path="items[*].snippet.categoryId", value=None, method="videos.list"),
        Rewrite("set", path="items[-1].localizations", value=[1, {"a": None}]),
    )

    items = youtube.videos().list(part="snippet,statistics", id=ids).execute()["items"]

    assert [item["id"] for item in items] == ids
    assert items[0]["snippet"]["publishedAt"] == "yesterday"
    assert items[1]["snippet"]["publishedAt"].endswith("Z")  # only the first item
    assert items[1]["statistics"]["viewCount"] == 12  # a number, where the API sends a string
    assert isinstance(items[0]["statistics"]["viewCount"], str)
    assert all(item["snippet"]["categoryId"] is None for item in items)
    assert items[2]["localizations"] == [1, {"a": None}]  # missing keys are created
    # rules bound to videos.list leave the other methods alone; "*" rules do not
    regions = youtube.i18nRegions().list(part="snippet").execute()["items"]
    assert all("categoryId" not in region["snippet"] for region in regions)
    assert regions[-1]["localizations"] == [1, {"a": None}]


def test_insert_items_lands_raw_values_in_the_items_array(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world)
    youtube = make_client(server.url)
    ids = _three_videos(small_world)
    (rule,) = server.rewrites.add(
        Rewrite("insert_items", values=[None, 42, "x"], position=1, method="videos.list", times=1)
    )

    first = youtube.videos().list(part="snippet", id=ids).execute()["items"]
    again = youtube.videos().list(part="snippet", id=ids).execute()["items"]

    assert first[1:4] == [None, 42, "x"] and [first[0]["id"], *(i["id"] for i in first[4:])] == ids
    assert [item["id"] for item in again] == ids  # times=1
    assert (rule.matched, rule.applied) == (2, 1)


def test_duplicate_item_repeats_an_item_within_the_page(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world)
    youtube = make_client(server.url)
    region = small_world.region_codes[0]
    server.rewrites.add(Rewrite("duplicate_item", index=1, params={"chart": "mostPopular"}))

    chart = (
        youtube.videos()
        .list(part="id", chart="mostPopular", regionCode=region, maxResults=5)
        .execute()["items"]
    )
    by_id = youtube.videos().list(part="id", id=_three_videos(small_world)).execute()["items"]

    assert len(chart) == 6 and chart[2] == chart[1] and chart[0] != chart[1]
    assert len(by_id) == 3  # the rule asks for the chart only


def test_date_overrides_the_header_on_200_and_304(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world)
    url = _videos_url(server, _three_videos(small_world))
    response, content = raw_get(url)
    etag = json.loads(content)["etag"]
    assert parsedate_to_datetime(response["date"]) == FROZEN_AT

    server.rewrites.add(Rewrite("date", value="Fri, 01 Jan 2100 00:00:00 GMT", times=2))
    response, content = raw_get(url)
    assert response.status == 200 and response["date"] == "Fri, 01 Jan 2100 00:00:00 GMT"
    assert json.loads(content)["etag"] == etag  # the body is the same
    response, _ = raw_get(url, {"If-None-Match": f'"{etag}"'})
    assert response.status == 304 and response["date"] == "Fri, 01 Jan 2100 00:00:00 GMT"
    response, _ = raw_get(url)  # times=2: the clock again
    assert parsedate_to_datetime(response["date"]) == FROZEN_AT

    server.rewrites.add(Rewrite("date", value="not a date", times=1))
    assert raw_get(url)[0]["date"] == "not a date"


def test_a_rewritten_body_keeps_its_etag_so_a_conditional_request_still_gets_304(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world)
    url = _videos_url(server, _three_videos(small_world))
    etag = json.loads(raw_get(url)[1])["etag"]
    (rule,) = server.rewrites.add(Rewrite("set", path="items[0].snippet.title", value=7))

    response, content = raw_get(url)
    assert (
        json.loads(content)["etag"] == etag
        and json.loads(content)["items"][0]["snippet"]["title"] == 7
    )
    response, _ = raw_get(url, {"If-None-Match": f'"{etag}"'})
    assert response.status == 304
    assert (rule.matched, rule.applied) == (2, 1)  # nothing to rewrite in a 304


def test_a_path_that_matches_nothing_does_not_use_up_times(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world)
    youtube = make_client(server.url)
    ids = _three_videos(small_world)
    (rule,) = server.rewrites.add(
        Rewrite("set", path=f"items[id={ids[2]}].snippet.title", value=None, after=1, times=1)
    )

    youtube.videos().list(part="snippet", id=ids[2]).execute()  # let through (after=1)
    youtube.videos().list(part="snippet", id=ids[0]).execute()  # due, but no such item
    hit = youtube.videos().list(part="snippet", id=ids[2]).execute()["items"][0]
    last = youtube.videos().list(part="snippet", id=ids[2]).execute()["items"][0]

    assert hit["snippet"]["title"] is None and isinstance(last["snippet"]["title"], str)
    assert (rule.matched, rule.applied) == (4, 1)


def test_rewrites_follow_every_page_of_a_listing(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world)
    youtube = make_client(server.url)
    playlist = small_world.uploads(small_world.tracked_channel_ids[0])
    server.rewrites.add(
        Rewrite("set", path="items[*].snippet.position", value="first", page_token_only=True)
    )

    items, pages = fetch_all(
        youtube.playlistItems(), part="snippet", playlistId=playlist.playlist_id, maxResults=5
    )

    assert len(pages) > 1 and len(items) == len(playlist.items)
    assert all(isinstance(item["snippet"]["position"], int) for item in pages[0]["items"])
    assert all(
        item["snippet"]["position"] == "first" for page in pages[1:] for item in page["items"]
    )


def test_rewrite_admin_routes_round_trip(
    small_world: World, new_server: Callable[..., EmulatorServer]
) -> None:
    server = new_server(world=small_world)
    url = _videos_url(server, _three_videos(small_world))
    assert admin(server, "/emulator/rewrites") == (200, {"rewrites": []})
    rules = [
        {"action": "insert_items", "values": [None], "method": "videos.list"},
        {"action": "date", "value": "Fri, 01 Jan 2100 00:00:00 GMT", "times": 1},
    ]
    status, listed = admin(server, "/emulator/rewrites", "POST", rules)
    assert status == 200
    assert listed["rewrites"][0] == {
        "action": "insert_items", "path": None, "value": None, "values": [None], "index": 0,
        "position": None, "method": "youtube.videos.list", "params": {},
        "page_token_only": False, "after": 0, "times": None, "matched": 0, "applied": 0,
    }  # fmt: skip
    response, content = raw_get(url)
    assert json.loads(content)["items"][-1] is None and response["date"].endswith(
        "2100 00:00:00 GMT"
    )
    counted = admin(server, "/emulator/rewrites")[1]["rewrites"]
    assert [(r["matched"], r["applied"]) for r in counted] == [(1, 1), (1, 1)]
    status, error = admin(
        server, "/emulator/rewrites", "POST", [{"action": "date", "value": "x"}, {"action": "?"}]
    )
    assert status == 400 and "unknown rewrite action" in error["error"]
    assert len(server.rewrites) == 2  # a bad batch adds nothing
    assert admin(server, "/emulator/rewrites", "DELETE") == (200, {"rewrites": []})
    assert None not in json.loads(raw_get(url)[1])["items"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"action": "set"}, "needs a path"),
        ({"action": "set", "path": "items..id"}, "empty step"),
        ({"action": "set", "path": "items[x]"}, "cannot read path"),
        ({"action": "insert_items", "values": []}, "non-empty list"),
        ({"action": "date", "value": 5}, "header text"),
        ({"action": "set", "path": "a", "method": "comments.list"}, "unknown method"),
        ({"action": "duplicate_item", "colour": "red"}, "unknown field"),
        ({"path": "a"}, "without an action"),
    ],
)
def test_bad_rules_are_refused_with_the_reason(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Rewrites([rule])


def test_paths() -> None:
    assert parse_path("items[0].snippet.title") == ["items", 0, "snippet", "title"]
    assert parse_path("items[*].a[id=x y].b[-1]") == ["items", "[*]", "a", "[id=x y]", "b", -1]
    body: dict[str, Any] = {"items": [{"id": "a"}, {"id": "b", "s": 1}, 3, None]}
    assert set_at(body, parse_path("items[*].s"), {"n": 1}) == 2  # objects only
    assert body["items"][:2] == [{"id": "a", "s": {"n": 1}}, {"id": "b", "s": {"n": 1}}]
    assert set_at(body, parse_path("items[9].s"), 0) == 0
    assert set_at(body, parse_path("items[2]"), {"id": "c"}) == 1 and body["items"][2]["id"] == "c"
