"""``videos.batchGetStats`` through the real Google client: the discovery document's shape,
omitted ids, the 50-id limit, its own quota bucket (and the Pacific-midnight reset), a project
without the method, and fault/rewrite rules aimed at it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import googleapiclient
import pytest
from googleapiclient.errors import HttpError

from emulator import Clock, EmulatorServer, Fault, Rewrite, World
from tests.emulator.conftest import FROZEN_AT, admin, error_reason, make_client, raw_get

DISCOVERY = json.loads(
    (
        Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "youtube.v3.json"
    ).read_text(encoding="utf-8")
)
ALL_PARTS = ["id", "snippet", "statistics", "contentDetails"]


def _schema_keys(name: str) -> set[str]:
    return set(DISCOVERY["schemas"][name]["properties"])


def _public(world: World, n: int) -> list[str]:
    return [v.video_id for v in world.videos.values() if v.is_public][:n]


def test_the_method_is_the_discovery_documents(new_server: Callable[..., EmulatorServer]) -> None:
    method = DISCOVERY["resources"]["videos"]["methods"]["batchGetStats"]
    assert method["path"] == "youtube/v3/videos:batchGetStats"
    assert method["parameters"]["id"]["repeated"] and method["parameters"]["part"]["repeated"]
    server = new_server()
    ids = _public(server.world, 3)
    # the Google client sends id=a&id=b&part=x&part=y; a comma list is the same call
    body = make_client(server.url).videos().batchGetStats(id=ids, part=ALL_PARTS).execute()
    response, raw = raw_get(
        f"{server.url}/youtube/v3/videos:batchGetStats?key=k&part={','.join(ALL_PARTS)}"
        f"&id={','.join(ids)}"
    )
    assert response.status == 200 and json.loads(raw) == body


def test_items_have_exactly_the_schemas_fields(new_server: Callable[..., EmulatorServer]) -> None:
    server = new_server()
    world = server.world
    ids = _public(world, 50)
    body = make_client(server.url).videos().batchGetStats(id=ids, part=ALL_PARTS).execute()
    assert set(body) == _schema_keys("BatchGetStatsResponse")  # kind, etag, items: no paging
    assert body["kind"] == "youtube#batchGetStatsResponse"
    assert [item["id"] for item in body["items"]] == ids
    statistics_keys = _schema_keys("VideoStatsStatistics")
    for item in body["items"]:
        assert set(item) == _schema_keys("VideoStat")
        assert item["kind"] == "youtube#videoStats" and len(item["etag"]) == 27
        assert set(item["snippet"]) == _schema_keys("VideoStatsSnippet")
        assert set(item["contentDetails"]) == _schema_keys("VideoStatsContentDetails")
        assert set(item["statistics"]) <= statistics_keys
        video = world.videos[item["id"]]
        published = datetime.fromisoformat(item["snippet"]["publishTime"])
        assert published == video.published_at
        duration = item["contentDetails"]["duration"]  # google-duration: "253s"
        assert duration.endswith("s") and int(duration[:-1]) > 0
    # hidden likes and disabled comments leave their key out, as in videos.list
    assert any("likeCount" not in item["statistics"] for item in body["items"])
    assert any("commentCount" not in item["statistics"] for item in body["items"])


def test_counts_are_videos_list_counts_at_the_same_instant(
    new_server: Callable[..., EmulatorServer],
) -> None:
    server = new_server()
    youtube = make_client(server.url)
    ids = _public(server.world, 20)
    stats = youtube.videos().batchGetStats(id=ids, part=["statistics"]).execute()
    listed = youtube.videos().list(id=",".join(ids), part="statistics").execute()
    by_id = {item["id"]: item["statistics"] for item in listed["items"]}
    for item in stats["items"]:
        assert set(item) == {"kind", "etag", "id", "statistics"}  # only the parts asked for
        expected = {k: v for k, v in by_id[item["id"]].items() if k != "favoriteCount"}
        assert item["statistics"] == expected
        truth = server.world.true_statistics(item["id"], FROZEN_AT)
        assert item["statistics"]["viewCount"] == str(truth["viewCount"])


def test_unknown_deleted_and_private_ids_are_left_out(
    new_server: Callable[..., EmulatorServer],
) -> None:
    server = new_server()
    world = server.world
    hidden = [v.video_id for v in world.videos.values() if not v.is_public]
    assert {world.videos[v].availability for v in hidden} == {"private", "deleted"}
    public = _public(world, 2)
    ids = [public[0], "AAAAAAAAAAA", *hidden, public[1]]
    body = make_client(server.url).videos().batchGetStats(id=ids, part=["id"]).execute()
    assert [item["id"] for item in body["items"]] == public
    none = make_client(server.url).videos().batchGetStats(id=["AAAAAAAAAAA"], part="id")
    assert none.execute()["items"] == []


def test_more_than_50_ids_is_videos_lists_invalid_filters(
    new_server: Callable[..., EmulatorServer],
) -> None:
    server = new_server()
    youtube = make_client(server.url)
    ids = [v.video_id for v in server.world.videos.values()][:51]
    with pytest.raises(HttpError) as error:
        youtube.videos().batchGetStats(id=ids, part="statistics").execute()
    assert error.value.status_code == 400 and error_reason(error.value) == "invalidFilters"
    with pytest.raises(HttpError) as listed:
        youtube.videos().list(id=",".join(ids), part="statistics").execute()
    assert json.loads(error.value.content) == json.loads(listed.value.content)
    with pytest.raises(HttpError) as bad_part:
        youtube.videos().batchGetStats(id=ids[:2], part="status").execute()
    assert error_reason(bad_part.value) == "unknownPart"
    with pytest.raises(HttpError) as no_id:
        youtube.videos().batchGetStats(part="statistics").execute()
    assert error_reason(no_id.value) == "required"


def test_it_charges_its_own_bucket(new_server: Callable[..., EmulatorServer]) -> None:
    server = new_server(daily_quota=2, stats_daily_quota=3)
    youtube = make_client(server.url)
    ids = _public(server.world, 5)
    youtube.videos().list(id=",".join(ids), part="id").execute()
    youtube.videos().list(id=",".join(ids), part="id").execute()
    with pytest.raises(HttpError) as spent:  # the default bucket is spent...
        youtube.videos().list(id=",".join(ids), part="id").execute()
    assert error_reason(spent.value) == "quotaExceeded"
    for _ in range(3):  # ...batchGetStats still answers, from its own bucket
        youtube.videos().batchGetStats(id=ids, part="statistics").execute()
    with pytest.raises(HttpError) as stats_spent:
        youtube.videos().batchGetStats(id=ids, part="statistics").execute()
    assert stats_spent.value.status_code == 403
    assert json.loads(stats_spent.value.content) == json.loads(spent.value.content)
    quota = server.quota()
    assert (quota["units_today"], quota["daily_limit"], quota["refused"]) == (2, 2, 1)
    assert quota["buckets"]["stats"] == {
        "units_today": 3,
        "daily_limit": 3,
        "total": 3,
        "refused": 1,
    }
    assert quota["by_method"] == {"youtube.videos.batchGetStats": 3, "youtube.videos.list": 2}
    assert quota["total"] == 5


def test_a_spent_stats_bucket_leaves_the_other_methods_alone(
    new_server: Callable[..., EmulatorServer],
) -> None:
    server = new_server(stats_daily_quota=0)
    youtube = make_client(server.url)
    ids = _public(server.world, 2)
    with pytest.raises(HttpError) as error:
        youtube.videos().batchGetStats(id=ids, part="statistics").execute()
    assert error_reason(error.value) == "quotaExceeded"
    assert youtube.videos().list(id=",".join(ids), part="statistics").execute()["items"]
    quota = server.quota()
    assert (quota["units_today"], quota["refused"]) == (1, 0)
    assert quota["buckets"]["stats"]["refused"] == 1


def test_the_stats_bucket_resets_at_pacific_midnight(
    new_server: Callable[..., EmulatorServer],
) -> None:
    # 2026-11-02 07:59:00 UTC is 23:59 in Los Angeles (PST since 2026-11-01)
    clock = Clock(datetime(2026, 11, 2, 7, 59, tzinfo=UTC), frozen=True)
    server = new_server(clock=clock, stats_daily_quota=1)
    youtube = make_client(server.url)
    ids = _public(server.world, 2)
    youtube.videos().batchGetStats(id=ids, part="statistics").execute()
    with pytest.raises(HttpError):
        youtube.videos().batchGetStats(id=ids, part="statistics").execute()
    clock.advance(timedelta(minutes=1))  # midnight Pacific: a new quota day
    assert youtube.videos().batchGetStats(id=ids, part="statistics").execute()["items"]
    assert server.quota()["buckets"]["stats"]["units_today"] == 1
    assert server.quota()["pacific_day"] == "2026-11-02"


def test_the_default_stats_limit_is_10000_and_set_per_bucket_over_admin(
    new_server: Callable[..., EmulatorServer],
) -> None:
    server = new_server()
    assert server.quota()["buckets"]["stats"]["daily_limit"] == 10_000
    assert server.quota()["daily_limit"] is None
    status, quota = admin(
        server, "/emulator/quota/limit", "POST", {"bucket": "stats", "daily_quota": 1}
    )
    assert status == 200 and quota["buckets"]["stats"]["daily_limit"] == 1
    assert quota["daily_limit"] is None  # the default bucket's limit did not move
    status, quota = admin(
        server, "/emulator/quota/limit", "POST", {"bucket": "search", "after_units": 5}
    )
    assert status == 200 and quota["buckets"]["search"]["daily_limit"] == 5
    status, body = admin(
        server, "/emulator/quota/limit", "POST", {"bucket": "nope", "daily_quota": 1}
    )
    assert status == 400 and "unknown quota bucket" in body["error"]
    youtube = make_client(server.url)
    youtube.videos().batchGetStats(id=_public(server.world, 1), part="id").execute()
    with pytest.raises(HttpError) as error:
        youtube.videos().batchGetStats(id=_public(server.world, 1), part="id").execute()
    assert error_reason(error.value) == "quotaExceeded"


def test_search_has_its_own_bucket_too(new_server: Callable[..., EmulatorServer]) -> None:
    server = new_server(search=True, daily_quota=1, search_daily_quota=100)
    youtube = make_client(server.url)
    youtube.search().list(part="id", q="x").execute()  # 100 units, from the search bucket
    youtube.i18nRegions().list(part="id").execute()
    with pytest.raises(HttpError) as error:
        youtube.search().list(part="id", q="x").execute()
    assert error_reason(error.value) == "quotaExceeded"
    buckets = server.quota()["buckets"]
    assert (buckets["search"]["units_today"], buckets["default"]["units_today"]) == (100, 1)


def test_a_project_without_the_method_gets_not_found(
    new_server: Callable[..., EmulatorServer],
) -> None:
    server = new_server(batch_stats=False)
    youtube = make_client(server.url)
    with pytest.raises(HttpError) as error:
        youtube.videos().batchGetStats(id=_public(server.world, 1), part="id").execute()
    assert error.value.status_code == 404 and error_reason(error.value) == "notFound"
    assert youtube.videos().list(id=_public(server.world, 1)[0], part="id").execute()["items"]
    assert "youtube.videos.batchGetStats" not in server.quota()["by_method"]


def test_fault_and_rewrite_rules_can_aim_at_it(new_server: Callable[..., EmulatorServer]) -> None:
    server = new_server(
        faults=[Fault(kind="error", status=503, method="videos.batchGetStats", times=1)],
        rewrites=[
            Rewrite(
                "set",
                path="items[0].statistics.viewCount",
                value="-1",
                method="youtube.videos.batchGetStats",
            )
        ],
    )
    youtube = make_client(server.url)
    ids = _public(server.world, 2)
    youtube.videos().list(id=",".join(ids), part="id").execute()  # not matched
    with pytest.raises(HttpError) as error:
        youtube.videos().batchGetStats(id=ids, part="statistics").execute()
    assert error.value.status_code == 503
    body = youtube.videos().batchGetStats(id=ids, part="statistics").execute()
    assert body["items"][0]["statistics"]["viewCount"] == "-1"
    status, faults = admin(
        server,
        "/emulator/faults",
        "POST",
        {"kind": "error", "reason": "backendError", "method": "videos.batchGetStats"},
    )
    assert status == 200 and faults["faults"][-1]["method"] == "youtube.videos.batchGetStats"


def test_mutations_show_in_it(new_server: Callable[..., EmulatorServer]) -> None:
    server = new_server()
    first, second = _public(server.world, 2)
    server.mutations.set_video_statistics(first, viewCount="3000000000", likeCount=None)
    server.mutations.delete_video(second)
    body = make_client(server.url).videos().batchGetStats(id=[first, second], part="statistics")
    (item,) = body.execute()["items"]
    assert item["id"] == first and item["statistics"]["viewCount"] == "3000000000"
    assert "likeCount" not in item["statistics"]
