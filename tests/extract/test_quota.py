"""Quota: the ledger records every request in its Pacific-time day, a run refuses what today's
budget cannot pay, quotaExceeded stops a run cleanly and the next run (or a resume) finishes,
ETags skip unchanged playlist pages, reference data is refreshed daily, not hourly, a listing
whose page tokens run away or loop is stopped, and one bad channel leaves the hourly runs
cheap."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from emulator import Clock, EmulatorServer, Fault
from extract.pagination import page_limit
from extract.quota import next_reset, pacific_day
from extract.run import run_extract
from tests.conftest import EMULATOR_START, query
from tests.extract.faultkit import (
    KEY,
    assert_complete,
    assert_no_duplicates,
    assert_pages_whole,
    env_for,
    expected,
    extract_cli,
    fast,
    ids,
    ledger,
    run_row,
    tables_containing,
)


def test_pacific_days_and_resets_follow_los_angeles_time() -> None:
    # 2026-11-01 is the end of daylight saving time: PST (UTC-8) afterwards, PDT (UTC-7) before.
    assert pacific_day(datetime(2026, 11, 3, 7, 59, tzinfo=UTC)) == date(2026, 11, 2)
    assert pacific_day(datetime(2026, 11, 3, 8, 0, tzinfo=UTC)) == date(2026, 11, 3)
    assert next_reset(datetime(2026, 11, 2, 12, 0, tzinfo=UTC)) == datetime(
        2026, 11, 3, 8, 0, tzinfo=UTC
    )
    assert next_reset(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == datetime(
        2026, 7, 2, 7, 0, tzinfo=UTC
    )


def test_ledger_records_every_request_with_its_cost_and_quota_day(paged, warehouse) -> None:
    result = run_extract(fast(paged), warehouse, run_id="r1")

    rows = ledger(warehouse, "r1")
    want = expected(paged.world, paged.clock.now())
    assert result.status == "succeeded"
    assert len(rows) == want["units"]  # one row per request, each 1 unit
    assert sum(r[2] for r in rows) == paged.quota()["total"] == run_row(warehouse, "r1")[2]
    assert {r[5] for r in rows} == {date(2026, 11, 2)}  # the API's clock, in Los Angeles
    assert {r[3] for r in rows} == {200}
    by_method: dict[str, int] = {}
    for method, *_ in rows:
        by_method[method] = by_method.get(method, 0) + 1
    assert by_method == {
        "channels.list": 1,
        "i18nRegions.list": 1,
        "videoCategories.list": 3,
        "playlists.list": want["pages"]["playlists"],
        "playlistItems.list": want["pages"]["items"],
        "videos.list": want["pages"]["videos"] + want["pages"]["charts"],
    }
    resources = {r[1] for r in rows if r[0] == "videos.list"}
    assert resources == {"videos", "most_popular_videos"}


def test_quota_day_is_cut_at_midnight_in_los_angeles(small_paged_world, warehouse) -> None:
    late = datetime(2026, 11, 3, 7, 59, 50, tzinfo=UTC)  # 23:59:50 PST on 2 November
    with EmulatorServer(small_paged_world, Clock(late, frozen=True)) as server:
        run_extract(fast(server), warehouse, run_id="r1")
        server.clock.set(datetime(2026, 11, 3, 8, 0, 5, tzinfo=UTC))
        run_extract(fast(server), warehouse, run_id="r2")
    days = query(
        warehouse,
        "select run_id, min(pacific_day), max(pacific_day), sum(units) "
        "from raw_youtube.quota_ledger group by 1 order by 1",
    )
    assert days[0][1] == date(2026, 11, 2)
    assert days[1][1:3] == (date(2026, 11, 3), date(2026, 11, 3))


def test_run_refuses_work_that_todays_budget_cannot_pay(paged, warehouse) -> None:
    result = run_extract(fast(paged, daily_quota=10), warehouse, run_id="r1")

    assert result.status == "incomplete"
    (message,) = result.failures
    assert "9 units left today" in message and "YOUTUBE_DAILY_QUOTA=10" in message
    assert "needs about" in message and "before the reference step" in message
    assert "midnight America/Los_Angeles (2026-11-03 00:00 PST = 2026-11-03 08:00 UTC)" in message
    # only channels.list was spent (it tells the API's day); it landed and is kept
    assert [r[0] for r in ledger(warehouse, "r1")] == ["channels.list"]
    assert paged.quota()["total"] == 1
    assert ids(warehouse, "channels") == set(paged.world.tracked_channel_ids)
    assert query(warehouse, "select count(*) from raw_youtube.playlist_items")[0][0] == 0
    assert run_row(warehouse, "r1")[:2] == ("incomplete", message)

    # what other runs spent today counts too: a full run, then a budget just short of another
    assert run_extract(fast(paged), warehouse, run_id="r2").status == "succeeded"
    spent = query(warehouse, "select sum(units) from raw_youtube.quota_ledger")[0][0]
    again = run_extract(fast(paged, daily_quota=spent + 5), warehouse, run_id="r3")
    assert again.status == "incomplete" and "4 units left today" in again.failures[0]
    assert_no_duplicates(warehouse)


def test_refusal_through_the_cli_is_one_line_and_exit_1(paged, warehouse) -> None:
    done = extract_cli(env=env_for(paged, warehouse, YOUTUBE_DAILY_QUOTA="5"))

    assert done.returncode == 1
    failures = [line for line in done.stderr.splitlines() if "failed:" in line]
    assert len(failures) == 1 and "units left today" in failures[0]
    assert "Traceback" not in done.stderr and KEY not in done.stderr + done.stdout


def test_quota_exceeded_mid_run_stops_cleanly_and_the_next_run_resumes(paged, warehouse) -> None:
    world = paged.world
    want = expected(world, paged.clock.now())
    paged.quota_after(10)  # the API's own limit: 10 more units today

    stopped = run_extract(fast(paged), warehouse, run_id="r1")

    assert stopped.status == "incomplete"
    (message,) = stopped.failures
    assert "quotaExceeded" in message and "midnight America/Los_Angeles" in message
    assert "2026-11-03 08:00 UTC" in message and "--run-id r1" in message
    status, recorded, units = run_row(warehouse, "r1")
    assert (status, recorded, units) == ("incomplete", message, 10)
    rows = ledger(warehouse, "r1")
    assert rows[-1][2:5] == (0, 403, "quotaExceeded")  # refused, recorded, free
    assert sum(r[2] for r in rows) == paged.quota()["total"] == 10
    pages = query(warehouse, "select count(*) from raw_youtube.pages where run_id = 'r1'")[0][0]
    assert pages == 10  # every paid page landed, and only whole pages
    assert_pages_whole(warehouse)

    # the next Pacific day: resuming the same run asks only for what is missing
    paged.clock.advance(timedelta(hours=21))  # 2026-11-03 09:00 UTC = 01:00 PST
    paged.set_daily_quota(None)  # a new day, a full budget
    resumed = run_extract(fast(paged), warehouse, run_id="r1")

    assert resumed.status == "succeeded", resumed.failures
    assert resumed.resumed and resumed.pages_reused == 10
    assert resumed.attempt_units == want["units"] - 10
    assert resumed.units_spent == want["units"]  # the run's total, as the ledger holds it
    assert_complete(warehouse, world, paged.clock.now(), "r1")
    assert run_row(warehouse, "r1")[:2] == ("succeeded", None)
    assert run_row(warehouse, "r1")[2] == want["units"]  # the run's total over both attempts

    # and a brand-new run works normally (reference data is still fresh: not asked again)
    fresh = run_extract(fast(paged), warehouse, run_id="r2")
    assert fresh.status == "succeeded" and fresh.units_spent == want["minimum"]
    assert_complete(warehouse, world, paged.clock.now(), "r2")
    assert tables_containing(warehouse, KEY) == []


@pytest.mark.parametrize("not_modified_cost", [1, 0])
def test_unchanged_playlist_pages_are_not_modified_and_keep_their_items(
    small_paged_world, warehouse, not_modified_cost: int
) -> None:
    clock = Clock(EMULATOR_START, frozen=True)
    with EmulatorServer(small_paged_world, clock, not_modified_cost=not_modified_cost) as server:
        want = expected(server.world, clock.now())
        first = run_extract(fast(server), warehouse, run_id="r1")
        clock.advance(timedelta(hours=1))
        second = run_extract(fast(server), warehouse, run_id="r2")
        units = server.quota()["total"] - first.units_spent

    conditional = want["pages"]["playlists"] + want["pages"]["items"]
    assert first.status == second.status == "succeeded"
    assert first.units_spent == want["units"]  # the theoretical minimum, reference included
    assert second.pages_not_modified == conditional
    # a 304 costs what the emulator says; the ledger assumes 1 (Google does not document it)
    assert units == want["minimum"] - conditional * (1 - not_modified_cost)
    assert second.units_spent == want["minimum"]
    rows = query(
        warehouse,
        """select b.resource, b.not_modified, b.etag = a.etag, b.next_page_token
                      is not distinct from a.next_page_token, b.item_count, b.cost_units,
                  b.captured_at, b.request = a.request, b.total_results = a.total_results
           from raw_youtube.pages a
           join raw_youtube.pages b using (resource, request_key, page_token)
           where a.run_id = 'r1' and b.run_id = 'r2'
             and a.resource in ('playlists', 'playlist_items')""",
    )
    assert len(rows) == conditional
    after = EMULATOR_START + timedelta(hours=1)
    assert {row[1:] for row in rows} == {(True, True, True, 0, 1, after, True, True)}
    # no items landed for them, yet videos.list asked for the same videos (ids read back)
    assert (
        query(warehouse, "select count(*) from raw_youtube.playlist_items where run_id = 'r2'")[0][
            0
        ]
        == 0
    )
    assert ids(warehouse, "videos", "r2") == ids(warehouse, "videos", "r1") == want["videos"]


def test_a_changed_page_lands_again_between_unchanged_ones(paged, warehouse) -> None:
    world = paged.world
    big = max(
        (p for c in world.tracked_channel_ids for p in world.playlists_of(c)),
        key=lambda p: len(p.items),
    )
    run_extract(fast(paged), warehouse, run_id="r1")
    title = 'Ünïcödé 日本語 <b>bold</b> &amp; "quoted" 🎉'
    position = next(  # a public video on the playlist's second page
        i for i in range(50, 100) if world.videos[big.items[i].video_id].is_public
    )
    paged.mutations.set_title(big.items[position].video_id, title)
    paged.clock.advance(timedelta(hours=1))

    result = run_extract(fast(paged), warehouse, run_id="r2")

    assert result.status == "succeeded"
    pages = query(
        warehouse,
        """select page_token = '', not_modified, item_count from raw_youtube.pages
           where run_id = 'r2' and resource = 'playlist_items' and request->>'playlistId' = %s
           order by captured_at, landed_at""",
        (big.playlist_id,),
    )
    assert [p[1] for p in pages] == [True, False, True]
    landed = query(
        warehouse,
        "select item_index, item->'snippet'->>'title' from raw_youtube.playlist_items "
        "where run_id = 'r2' and request->>'playlistId' = %s order by item_index",
        (big.playlist_id,),
    )
    # positions continue across the 304 before it, and the title is stored as sent
    assert [i for i, _ in landed] == list(range(50, 100))
    assert landed[position - 50][1] == title
    assert_no_duplicates(warehouse)


def test_a_304_whose_items_are_gone_is_asked_again_without_etag(paged, warehouse) -> None:
    run_extract(fast(paged), warehouse, run_id="r1")
    uploads = paged.world.uploads(paged.world.tracked_channel_ids[1]).playlist_id
    query_delete = (
        "delete from raw_youtube.playlist_items where run_id = 'r1' and request->>'playlistId' = %s"
    )
    conn = warehouse.connect()
    with conn, conn.cursor() as cur:
        cur.execute(query_delete, (uploads,))
    conn.close()

    result = run_extract(fast(paged), warehouse, run_id="r2")

    assert result.status == "succeeded"
    row = query(
        warehouse,
        "select not_modified, item_count from raw_youtube.pages "
        "where run_id = 'r2' and request->>'playlistId' = %s",
        (uploads,),
    )
    assert row == [(False, len(paged.world.uploads(paged.world.tracked_channel_ids[1]).items))]
    calls = [r for r in ledger(warehouse, "r2") if r[0] == "playlistItems.list"]
    not_modified = query(
        warehouse,
        "select count(*) from raw_youtube.pages "
        "where run_id = 'r2' and resource = 'playlist_items' and not_modified",
    )[0][0]
    assert sum(1 for r in calls if r[3] == 304) == not_modified + 1  # and one asked again


def test_reference_data_is_refreshed_daily_not_hourly(paged, warehouse) -> None:
    def reference_calls(run_id: str) -> list[str]:
        reference = ("i18n_regions", "video_categories")
        return [r[0] for r in ledger(warehouse, run_id) if r[1] in reference]

    run_extract(fast(paged, regions=["US", "GB"]), warehouse, run_id="r1")
    assert reference_calls("r1") == ["i18nRegions.list", *["videoCategories.list"] * 2]

    paged.clock.advance(timedelta(hours=1))
    run_extract(fast(paged, regions=["US", "GB"]), warehouse, run_id="r2")
    assert reference_calls("r2") == []

    # a newly configured region gets its categories at once; the others stay fresh
    paged.clock.advance(timedelta(hours=1))
    run_extract(fast(paged), warehouse, run_id="r3")
    assert reference_calls("r3") == ["videoCategories.list"]
    assert query(
        warehouse,
        "select distinct request->>'regionCode' from raw_youtube.video_categories "
        "where run_id = 'r3'",
    ) == [("JP",)]

    paged.clock.advance(timedelta(hours=23))  # 25 h after r1
    run_extract(fast(paged), warehouse, run_id="r4")
    assert reference_calls("r4") == ["i18nRegions.list", *["videoCategories.list"] * 2]

    paged.clock.advance(timedelta(hours=3))
    run_extract(fast(paged, reference_refresh_hours=2), warehouse, run_id="r5")
    assert sorted(set(reference_calls("r5"))) == ["i18nRegions.list", "videoCategories.list"]
    assert len(reference_calls("r5")) == 4


def test_plan_from_the_previous_run_is_exact(paged, warehouse) -> None:
    """After one run, the plan knows every page count: a budget of exactly what the next
    run needs is enough, and one unit less is refused up front (nothing half done)."""
    want = expected(paged.world, paged.clock.now())
    spent = run_extract(fast(paged), warehouse, run_id="r1").units_spent
    paged.clock.advance(timedelta(hours=1))

    short = run_extract(fast(paged, daily_quota=spent + want["minimum"] - 1), warehouse)
    assert short.status == "incomplete" and short.units_spent == 1  # channels.list only
    spent += 1
    enough = run_extract(fast(paged, daily_quota=spent + want["minimum"]), warehouse)
    assert enough.status == "succeeded", enough.failures
    assert enough.units_spent == want["minimum"]


def _largest_uploads(server: EmulatorServer):
    world = server.world
    return max((world.uploads(c) for c in world.tracked_channel_ids), key=lambda p: len(p.items))


def test_a_runaway_listing_stops_where_its_own_counts_say(paged, warehouse) -> None:
    """The API keeps handing out page tokens for the 120-item uploads playlist (one item a
    page): the listing stops at what its totalResults allows, margin included, and fails as
    that playlist's error; everything else lands."""
    uploads = _largest_uploads(paged)
    total = len(uploads.items)
    want = expected(paged.world, paged.clock.now())
    (runaway,) = paged.faults.add(
        Fault(kind="runaway_pages", params={"playlistId": uploads.playlist_id})
    )

    result = run_extract(fast(paged), warehouse, run_id="r1")

    assert result.status == "failed"
    (failure,) = result.failures
    assert f"playlistItems.list {uploads.playlist_id}" in failure
    assert f"says it holds {total} items" in failure and "stopped after" in failure
    limit = page_limit(total)
    assert limit < 10 < total
    assert runaway.applied == limit  # not one call per item
    assert result.units_spent == paged.quota()["total"] < want["units"] + limit
    assert run_row(warehouse, "r1")[0] == "failed"
    assert ids(warehouse, "playlists", "r1") == want["playlists"]
    assert_pages_whole(warehouse)


def test_a_repeated_page_token_fails_its_listing(paged, warehouse) -> None:
    """The second page of a playlist comes back as the first, with the same nextPageToken:
    the listing stops and fails (it used to end there, silently short, as if complete)."""
    uploads = _largest_uploads(paged)
    (looping,) = paged.faults.add(
        Fault(
            kind="repeated_token",
            params={"playlistId": uploads.playlist_id},
            page_token_only=True,
        )
    )

    result = run_extract(fast(paged), warehouse, run_id="r1")

    assert result.status == "failed"
    (failure,) = result.failures
    assert f"playlistItems.list {uploads.playlist_id}" in failure
    assert "page token it had already given" in failure
    assert looping.applied == 1


def test_an_unknown_channel_leaves_the_hourly_runs_cheap(paged, warehouse) -> None:
    """One unknown channel id among good ones fails every run, yet the hourly run still takes
    its cheap path for the others: the failed full crawl asked about every video it found."""
    world = paged.world
    unknown = "UC" + "q" * 22
    settings = fast(paged, channel_ids=[*world.tracked_channel_ids, unknown])
    full = run_extract(settings, warehouse, run_id="daily")
    assert full.status == "failed" and unknown in full.failures[0]
    paged.clock.advance(timedelta(hours=1))
    before = paged.quota()["total"]

    hourly = run_extract(settings, warehouse, run_id="hourly", mode="stats")

    assert hourly.status == "failed"
    assert [f for f in hourly.failures if unknown not in f] == []
    assert "youtube.playlists.list" not in hourly.units_by_method
    minimum = world.minimum_pages(paged.clock.now())
    uploads = len(world.tracked_channel_ids)
    # known videos: no videos.list; the planned statistics come from the stats bucket
    cheap = minimum["channels"] + uploads + minimum["charts"]
    assert hourly.units_by_bucket["default"] == cheap
    assert hourly.units_spent == paged.quota()["total"] - before < full.units_spent
