"""Statistics refreshed on a plan, in the marts: raw rows as the extractor lands them for
videos.batchGetStats, the refresh plan and the per-bucket quota ledger (written here by
hand, so the numbers below are known), built by dbt. The batchGetStats captures join the
statistics history and the latest counts without taking the metadata's place; the quota
and freshness marts count what the ledger and the plan say."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import psycopg2
import pytest

from extract import schema
from extract.database import ConnectionInfo
from flows import transform
from tests.conftest import query

pytestmark = pytest.mark.slow

T0 = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)


def _video_item(video_id: str, views: int, title: str) -> dict:
    return {
        "kind": "youtube#video",
        "id": video_id,
        "snippet": {
            "channelId": "UCchannel",
            "channelTitle": "A channel",
            "title": title,
            "categoryId": "10",
            "publishedAt": "2026-11-01T00:00:00Z",
        },
        "contentDetails": {"duration": "PT4M"},
        "status": {"privacyStatus": "public"},
        "statistics": {"viewCount": str(views), "likeCount": "5", "commentCount": "1"},
    }


def _stats_item(video_id: str, statistics: dict) -> dict:
    return {
        "kind": "youtube#videoStats",
        "etag": "e",
        "id": video_id,
        "snippet": {"publishTime": "2026-11-01T00:00:00Z"},
        "statistics": statistics,
        "contentDetails": {"duration": "PT4M"},
    }


ITEMS = [
    # (table, run, captured_at, item_index, item)
    ("videos", "r0", "2026-11-30 22:00+00", 0, _video_item("vidAAAAAAAA", 100, "Hourly video")),
    ("videos", "r0", "2026-11-30 22:00+00", 1, _video_item("vidBBBBBBBB", 1000, "Daily video")),
    ("videos", "r0", "2026-11-30 22:00+00", 2, _video_item("vidEEEEEEEE", 50, "Deleted later")),
    (
        "video_batch_stats",
        "r1",
        "2026-11-30 23:00+00",
        0,
        _stats_item("vidAAAAAAAA", {"viewCount": "130", "commentCount": "2"}),
    ),
    (
        "video_batch_stats",
        "r2",
        "2026-12-01 00:00+00",
        0,
        _stats_item("vidAAAAAAAA", {"viewCount": "190", "likeCount": "7", "commentCount": "3"}),
    ),
    (
        "video_batch_stats",
        "r2",
        "2026-12-01 00:00+00",
        1,
        _stats_item("vidBBBBBBBB", {"viewCount": "12x", "likeCount": "9", "commentCount": "1"}),
    ),
]

PLAN = [
    # run_id, planned_at, video_id, reason, chosen, due_at, next_due_at, hours_stale, method
    (
        "r1",
        "2026-11-30 22:59+00",
        "vidAAAAAAAA",
        "young",
        True,
        "2026-11-30 22:55+00",
        "2026-11-30 23:55+00",
        1.0,
        "videos.batchGetStats",
    ),
    (
        "r2",
        "2026-11-30 23:59+00",
        "vidAAAAAAAA",
        "young",
        True,
        "2026-11-30 23:55+00",
        "2026-12-01 00:55+00",
        1.0,
        "videos.batchGetStats",
    ),
    (
        "r2",
        "2026-11-30 23:59+00",
        "vidBBBBBBBB",
        "floor",
        True,
        "2026-11-30 22:00+00",
        "2026-12-01 23:59+00",
        2.0,
        "videos.batchGetStats",
    ),
    (
        "r2",
        "2026-11-30 23:59+00",
        "vidCCCCCCCC",
        "floor",
        False,
        "2026-11-30 20:00+00",
        None,
        30.0,
        None,
    ),
    (
        "r2",
        "2026-11-30 23:59+00",
        "vidDDDDDDDD",
        "recheck",
        True,
        "2026-11-30 21:59+00",
        None,
        200.0,
        None,
    ),
]

# The page ledger of r2's batchGetStats call: it asked for vidEEEEEEEE too, which the answer
# left out (deleted since r0).
PAGES = [
    # run_id, resource, request_key, page_token, request, captured_at, item_count, cost_units
    (
        "r2",
        "video_batch_stats",
        "ids",
        "",
        json.dumps({"id": "vidAAAAAAAA,vidBBBBBBBB,vidEEEEEEEE"}),
        "2026-12-01 00:00+00",
        2,
        1,
    ),
]

# The runs' records: the stats runs carry their plan's figures, as the extractor writes them
# (RefreshPlan.summary; only the staleness is read here).
RUNS = [
    # run_id, started_at, refresh_summary
    ("r0", "2026-11-30 22:00+00", None),
    ("r1", "2026-11-30 22:59+00", {"staleness_hours": {"p50": 1.0, "p95": 1.0, "max": 1.0}}),
    ("r2", "2026-11-30 23:59+00", {"staleness_hours": {"p50": 2.5, "p95": 29.9, "max": 30.0}}),
]

LEDGER = [
    # run_id, requested_at, method, resource, units, pacific_day, http_status, reason, bucket
    ("r0", "2026-11-30 22:00+00", "videos.list", "videos", 1, "2026-11-30", 200, None, "default"),
    (
        "r1",
        "2026-11-30 23:00+00",
        "videos.batchGetStats",
        "video_batch_stats",
        1,
        "2026-11-30",
        200,
        None,
        "stats",
    ),
    (
        "r2",
        "2026-12-01 00:00+00",
        "videos.batchGetStats",
        "video_batch_stats",
        1,
        "2026-11-30",
        200,
        None,
        "stats",
    ),
    (
        "r2",
        "2026-12-01 00:00+00",
        "videos.batchGetStats",
        "video_batch_stats",
        0,
        "2026-11-30",
        403,
        "quotaExceeded",
        "stats",
    ),
    (
        "r3",
        "2026-12-01 09:00+00",
        "videos.list",
        "videos",
        1,
        "2026-12-01",
        None,
        "timeout",
        "default",
    ),
]


@pytest.fixture(scope="module")
def built(module_warehouse: ConnectionInfo) -> ConnectionInfo:
    conn = psycopg2.connect(module_warehouse.url)
    with conn, conn.cursor() as cur:
        schema.ensure_schema(cur)
        for table, run, at, index, item in ITEMS:
            cur.execute(
                f"insert into raw_youtube.{table} (run_id, captured_at, request_key, page_token, "
                "item_index, request, item) values (%s, %s, 'ids', '', %s, '{}', %s)",
                (run, at, index, json.dumps(item)),
            )
        cur.executemany(
            "insert into raw_youtube.refresh_plan (run_id, planned_at, video_id, reason, chosen, "
            "due_at, next_due_at, hours_stale, method) values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            PLAN,
        )
        cur.executemany(
            "insert into raw_youtube.extract_runs (run_id, started_at, status, refresh_summary) "
            "values (%s, %s, 'succeeded', %s)",
            [(run, at, None if s is None else json.dumps(s)) for run, at, s in RUNS],
        )
        cur.executemany(
            "insert into raw_youtube.pages (run_id, resource, request_key, page_token, request, "
            "captured_at, item_count, cost_units) values (%s, %s, %s, %s, %s, %s, %s, %s)",
            PAGES,
        )
        cur.executemany(
            "insert into raw_youtube.quota_ledger (run_id, requested_at, method, resource, units, "
            "pacific_day, http_status, reason, bucket) "
            "values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            LEDGER,
        )
    conn.close()
    summary = transform.build(module_warehouse)
    assert summary.success, summary.failures
    return module_warehouse


def test_batch_stats_are_parsed_safely(built: ConnectionInfo) -> None:
    rows = query(
        built,
        "select video_id, run_id, view_count, like_count, is_like_count_hidden, problem "
        "from staging.stg_youtube__video_batch_stats order by captured_at, item_index",
    )
    assert rows == [
        ("vidAAAAAAAA", "r1", 130, None, True, None),
        ("vidAAAAAAAA", "r2", 190, 7, False, None),
        ("vidBBBBBBBB", "r2", None, 9, False, "statistics.viewCount is not a count"),
    ]


def test_batch_stats_join_the_history_and_the_latest_counts(built: ConnectionInfo) -> None:
    history = query(
        built,
        "select video_id, captured_at, view_count, is_chart_capture from marts.video_stats "
        "order by video_id, captured_at",
    )
    assert [(v, c.isoformat(), n) for v, c, n, _ in history] == [
        ("vidAAAAAAAA", "2026-11-30T22:00:00+00:00", 100),
        ("vidAAAAAAAA", "2026-11-30T23:00:00+00:00", 130),
        ("vidAAAAAAAA", "2026-12-01T00:00:00+00:00", 190),
        ("vidBBBBBBBB", "2026-11-30T22:00:00+00:00", 1000),
        ("vidBBBBBBBB", "2026-12-01T00:00:00+00:00", None),
        ("vidEEEEEEEE", "2026-11-30T22:00:00+00:00", 50),
    ]
    videos = {
        r[0]: r[1:]
        for r in query(
            built,
            "select video_id, title, channel_id, view_count, like_count, last_captured_at, "
            "views_per_hour_recent, hours_since_capture, refresh_reason, next_refresh_due_at "
            "from marts.videos",
        )
    }
    # counts from the latest capture (batchGetStats), title and channel from videos.list
    assert videos["vidAAAAAAAA"] == (
        "Hourly video",
        "UCchannel",
        190,
        7,
        datetime(2026, 12, 1, 0, 0, tzinfo=UTC),
        Decimal("60.00"),
        Decimal("0.00"),
        "young",
        datetime(2026, 12, 1, 0, 55, tzinfo=UTC),
    )
    # an unreadable count is unknown, never 0; its rate is unknown
    assert videos["vidBBBBBBBB"][:4] == ("Daily video", "UCchannel", None, 9)
    assert videos["vidBBBBBBBB"][5] is None
    availability = dict(query(built, "select video_id, is_available from marts.videos"))
    # left out of a batchGetStats answer: gone, as when videos.list leaves it out
    assert availability == {"vidAAAAAAAA": True, "vidBBBBBBBB": True, "vidEEEEEEEE": False}
    days = query(
        built,
        "select stats_date, views_gained, gain_days, is_multi_day_gain "
        "from marts.video_daily_stats "
        "where video_id = 'vidAAAAAAAA' order by stats_date",
    )
    assert days == [(date(2026, 11, 30), None, None, False), (date(2026, 12, 1), 60, 1, False)]


def test_quota_daily_counts_units_requests_and_errors_per_bucket(built: ConnectionInfo) -> None:
    rows = query(
        built,
        "select pacific_day, bucket, units_spent, count_requests, count_errors, "
        "count_quota_exceeded, count_runs from marts.quota_daily order by 1, 2",
    )
    assert rows == [
        (date(2026, 11, 30), "default", 1, 1, 0, 0, 1),
        (date(2026, 11, 30), "stats", 2, 3, 1, 1, 2),
        (date(2026, 12, 1), "default", 1, 1, 1, 0, 1),
    ]


def test_refresh_runs_and_videos_overdue(built: ConnectionInfo) -> None:
    runs = query(
        built,
        "select run_id, count_videos_due, count_videos_chosen, count_videos_refreshed, "
        "count_refreshed_young, count_refreshed_floor, count_refreshed_recheck, "
        "count_refreshed_by_batch_stats, count_videos_left_stale, hours_stale_p50, "
        "hours_stale_p95, hours_stale_max from marts.refresh_runs order by run_id",
    )
    # the staleness is the extractor's, over every available video (on the run's record)
    assert runs == [
        ("r1", 1, 1, 1, 1, 0, 0, 1, 0, Decimal("1.00"), Decimal("1.00"), Decimal("1.00")),
        ("r2", 4, 3, 2, 1, 1, 0, 2, 2, Decimal("2.50"), Decimal("29.90"), Decimal("30.00")),
    ]
    overdue = query(
        built,
        "select video_id, run_id, refresh_reason, is_chosen, hours_stale, hours_overdue "
        "from marts.videos_overdue order by video_id",
    )
    assert overdue == [
        ("vidCCCCCCCC", "r2", "floor", False, Decimal("30.00"), Decimal("3.98")),
        ("vidDDDDDDDD", "r2", "recheck", True, Decimal("200.00"), Decimal("2.00")),
    ]
