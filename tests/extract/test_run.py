"""An extract run against the emulator, through the real Google client, into a real Postgres."""

from __future__ import annotations

from datetime import timedelta

from googleapiclient.discovery import build

from emulator import EmulatorServer
from extract.run import run_extract
from tests.conftest import query, settings_for
from tests.extract.faultkit import expected as expected_run


def test_full_run_lands_every_resource_completely(emulator: EmulatorServer, warehouse) -> None:
    world = emulator.world
    expected = expected_run(world, emulator.clock.now())

    result = run_extract(settings_for(emulator), warehouse)

    assert result.status == "succeeded", result.failures

    def ids(table: str) -> set[str]:
        return {r[0] for r in query(warehouse, f"select item->>'id' from raw_youtube.{table}")}

    assert ids("channels") == set(world.tracked_channel_ids)
    # one channel has 53 playlists and several playlists >50 items: paging must be complete
    assert len(expected["playlists"]) > 50
    assert ids("playlists") == expected["playlists"]
    assert ids("playlist_items") == expected["playlist_items"]
    assert ids("videos") == expected["videos"]
    assert ids("i18n_regions") == set(world.region_codes)
    assert (
        query(warehouse, "select count(*) from raw_youtube.video_categories")[0][0]
        == (expected["categories"])
    )
    charts = query(
        warehouse,
        "select request->>'regionCode', item->>'id' from raw_youtube.most_popular_videos "
        "order by request->>'regionCode', item_index",
    )
    landed: dict[str, list[str]] = {}
    for region, video_id in charts:
        landed.setdefault(region, []).append(video_id)
    assert landed == expected["charts"]  # complete and in rank order across pages


def test_run_spends_exactly_the_theoretical_minimum_of_quota(emulator, warehouse) -> None:
    expected = expected_run(emulator.world, emulator.clock.now())

    result = run_extract(settings_for(emulator), warehouse)

    assert result.units_spent == expected["units"]
    assert emulator.quota()["total"] == expected["units"]
    assert emulator.quota()["by_method"].get("youtube.search.list", 0) == 0
    (recorded,) = query(warehouse, "select units_spent from raw_youtube.extract_runs")[0]
    assert recorded == expected["units"]


def test_items_land_unmodified(emulator: EmulatorServer, warehouse) -> None:
    run_extract(settings_for(emulator), warehouse)
    video_id, item = query(
        warehouse, "select item->>'id', item from raw_youtube.videos order by 1 limit 1"
    )[0]
    youtube = build(
        "youtube",
        "v3",
        developerKey="k",
        static_discovery=True,
        client_options={"api_endpoint": emulator.url},
    )
    direct = (
        youtube.videos()
        .list(part="snippet,statistics,contentDetails,status", id=video_id)
        .execute()
    )
    assert item == direct["items"][0]
    assert isinstance(item["statistics"]["viewCount"], str)  # stored as the API sent it


def test_rerunning_a_run_lands_nothing_twice(emulator: EmulatorServer, warehouse) -> None:
    first = run_extract(settings_for(emulator), warehouse, run_id="run-a")
    counts = query(warehouse, "select count(*) from raw_youtube.videos")[0][0]
    pages = query(warehouse, "select count(*) from raw_youtube.pages")[0][0]
    units = emulator.quota()["total"]

    again = run_extract(settings_for(emulator), warehouse, run_id="run-a")

    assert again.resumed and not first.resumed
    assert query(warehouse, "select count(*) from raw_youtube.videos")[0][0] == counts
    assert query(warehouse, "select count(*) from raw_youtube.pages")[0][0] == pages
    # the resumed run re-uses every page it has: nothing is asked (or paid for) again
    assert again.attempt_units == 0 and emulator.quota()["total"] == units
    assert again.units_spent == first.units_spent  # the run's total over both attempts
    assert again.rows_landed == first.rows_landed  # the run's totals, unchanged
    dupes = query(
        warehouse,
        "select count(*) from (select run_id, item->>'id' from raw_youtube.playlist_items "
        "group by 1, 2 having count(*) > 1) d",
    )[0][0]
    assert dupes == 0


def test_successive_runs_append_history_with_changing_numbers(emulator, warehouse) -> None:
    run_extract(settings_for(emulator), warehouse)
    emulator.clock.advance(timedelta(hours=1))
    run_extract(settings_for(emulator), warehouse)

    rows = query(
        warehouse,
        "select item->>'id', captured_at, (item->'statistics'->>'viewCount')::bigint "
        "from raw_youtube.videos order by 1, 2",
    )
    history: dict[str, list[tuple]] = {}
    for video_id, captured_at, views in rows:
        history.setdefault(video_id, []).append((captured_at, views))
    assert all(len(h) == 2 for h in history.values())
    first, second = zip(*history.values(), strict=True)
    assert {h[0] for h in second} - {h[0] for h in first}  # a new capture time
    grew = sum(1 for a, b in zip(first, second, strict=True) if b[1] > a[1])
    assert grew > 0.9 * len(history)
    assert all(b[1] >= a[1] for a, b in zip(first, second, strict=True))
    # captured_at is the API's clock (the Date header), not the machine's
    assert {h[0] for h in first} == {emulator.clock.now() - timedelta(hours=1)}


def test_unknown_channel_is_reported_and_others_still_land(emulator, warehouse) -> None:
    real = emulator.world.tracked_channel_ids[0]
    unknown = "UC" + "x" * 22
    result = run_extract(settings_for(emulator, channel_ids=[real, unknown]), warehouse)

    assert result.status == "failed"
    assert any(unknown in f and "YOUTUBE_CHANNEL_IDS" in f for f in result.failures)
    assert query(warehouse, "select count(*) from raw_youtube.playlist_items")[0][0] > 0
    status, message = query(warehouse, "select status, message from raw_youtube.extract_runs")[0]
    assert status == "failed" and unknown in message


def test_missing_category_chart_is_skipped_not_failed(emulator, warehouse) -> None:
    result = run_extract(
        settings_for(emulator, regions=["NL"], chart_categories=["0", "10"]), warehouse
    )
    assert result.status == "succeeded", result.failures  # NL has no Music chart
    regions = query(
        warehouse,
        "select distinct request->>'videoCategoryId' from raw_youtube.most_popular_videos",
    )
    assert regions == [("0",)]
    # the user is told, in the run's notices (the run report shows them) ...
    assert [n for n in result.notices if "videoChartNotFound" in n] == [
        "no mostPopular chart for 1 region/category pairs (videoChartNotFound): NL/10. Since "
        "July 2025 the mostPopular chart holds YouTube's Trending Music, Movies and Gaming "
        "only; categories outside them have no chart (drop them from YOUTUBE_CHART_CATEGORIES "
        "to save these calls)"
    ]
    # ... and the ledger keeps which chart answered so (the trending mart reads it)
    answered = query(
        warehouse,
        "select request->>'regionCode', request->>'videoCategoryId', http_status, reason "
        "from raw_youtube.quota_ledger where resource = 'most_popular_videos' order by 2",
    )
    assert answered == [("NL", "0", 200, None), ("NL", "10", 400, "videoChartNotFound")]


def test_hourly_stats_run_refreshes_statistics_and_charts_only(emulator, warehouse) -> None:
    """``mode="stats"``: channels, the first page of each uploads playlist, the statistics the
    refresh planner picks (videos.batchGetStats, the stats bucket) and the charts; no
    playlists, no other items pages, no reference data, no videos.list for known videos."""
    world = emulator.world
    full = run_extract(settings_for(emulator), warehouse)
    emulator.clock.advance(timedelta(hours=1))
    before = emulator.quota()["buckets"]

    stats = run_extract(settings_for(emulator), warehouse, mode="stats")

    assert stats.ok, stats.failures
    assert stats.mode == "stats" and full.mode == "full"
    minimum = world.minimum_pages(emulator.clock.now())
    uploads = len(world.tracked_channel_ids)
    chosen = {
        v
        for (v,) in query(
            warehouse,
            "select video_id from raw_youtube.refresh_plan where run_id = %s and chosen",
            (stats.run_id,),
        )
    }
    batches = -(-len(chosen) // 50)
    default = minimum["channels"] + uploads + minimum["charts"]
    after = emulator.quota()["buckets"]
    assert stats.units_by_bucket == {"default": default, "stats": batches}
    assert default == after["default"]["total"] - before["default"]["total"]
    assert batches == after["stats"]["total"] - before["stats"]["total"]
    assert stats.units_spent == default + batches < full.units_spent
    # videos.list serves only the charts: every known video has its metadata
    assert stats.units_by_method == {
        "youtube.channels.list": minimum["channels"],
        "youtube.playlistItems.list": uploads,
        "youtube.videos.batchGetStats": batches,
        "youtube.videos.list": minimum["charts"],
    }
    pages = query(
        warehouse,
        "select resource, count(*), count(*) filter (where page_token <> '') from "
        "raw_youtube.pages where run_id = %s group by resource",
        (stats.run_id,),
    )
    by_resource = {resource: (n, later) for resource, n, later in pages}
    assert by_resource["playlist_items"] == (uploads, 0)  # first pages only
    assert "playlists" not in by_resource and "i18n_regions" not in by_resource
    assert "videos" not in by_resource

    asked = {
        i
        for (ids,) in query(
            warehouse,
            "select request->>'id' from raw_youtube.pages where run_id = %s "
            "and resource = 'video_batch_stats'",
            (stats.run_id,),
        )
        for i in ids.split(",")
    }
    assert asked == chosen and chosen
    assert stats.pages == sum(n for n, _ in by_resource.values())
    assert stats.api_seconds > 0 and stats.landing_seconds > 0
    assert stats.api_seconds + stats.landing_seconds <= stats.seconds


def test_stats_run_adds_new_channels_uploads_and_crawls_when_nothing_is_known(
    emulator, warehouse
) -> None:
    first, second = emulator.world.tracked_channel_ids[:2]
    only_first = settings_for(emulator, channel_ids=[first])
    # no earlier run asked for statistics: the stats run falls back to the full crawl
    initial = run_extract(only_first, warehouse, mode="stats")
    assert initial.ok and initial.units_by_method.get("youtube.playlists.list", 0) > 0

    emulator.clock.advance(timedelta(hours=1))
    both = run_extract(settings_for(emulator, channel_ids=[first, second]), warehouse, mode="stats")

    assert both.ok, both.failures
    assert "youtube.playlists.list" not in both.units_by_method
    newest = [item.video_id for item in emulator.world.uploads(second).items[:50] if item.video_id]
    asked = {
        i
        for (ids,) in query(
            warehouse,
            "select request->>'id' from raw_youtube.pages where run_id = %s "
            "and resource = 'videos'",
            (both.run_id,),
        )
        for i in ids.split(",")
    }
    # the new channel's uploads are described by videos.list, unless the warehouse already
    # has them (a playlist of the first channel, a chart)
    described = {
        v
        for (v,) in query(
            warehouse,
            "select item->>'id' from raw_youtube.videos where run_id = %s union "
            "select item->>'id' from raw_youtube.most_popular_videos where run_id = %s",
            (initial.run_id, initial.run_id),
        )
    }
    assert set(newest) & emulator.world.available_video_ids() <= asked | described
    assert asked and not asked & described
