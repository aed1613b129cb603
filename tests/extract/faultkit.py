"""Helpers for the resilience tests: fast settings, the expected world, and checks on what
landed (duplicates, partial pages, the quota ledger, the API key anywhere in the database)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg2

from emulator import EmulatorServer, World
from extract.database import ConnectionInfo
from extract.settings import Settings
from tests.conftest import query, settings_for

ROOT = Path(__file__).resolve().parents[2]
# Distinctive, so a leak anywhere is found by a plain substring search.
KEY = "AIzaSyTEST-k3y-Sh0uld-N3v3r-L3ak-7f3a9"
ITEM_TABLES = (
    "channels",
    "playlists",
    "playlist_items",
    "videos",
    "most_popular_videos",
    "video_categories",
    "i18n_regions",
)


def paged_world() -> World:
    """The small world with listings longer than a page (103- and 120-item playlists)."""
    return World.small(videos_per_channel=(120, 16))


def fast(server: EmulatorServer, **overrides: Any) -> Settings:
    """Settings for the emulator with short timeouts and retry delays (tests stay fast)."""
    values: dict[str, Any] = {
        "api_key": KEY,
        "timeout_seconds": 2.0,
        "retry_attempts": 4,
        "retry_backoff_seconds": 0.01,
        "retry_max_seconds": 5.0,
        "regions": server.world.region_codes,
    }
    values.update(overrides)
    return settings_for(server, **values)


def env_for(server: EmulatorServer, warehouse: ConnectionInfo, **extra: str) -> dict[str, str]:
    """The environment of a ``python -m extract`` subprocess against the emulator."""
    env = {
        **os.environ,
        "DATABASE_URL": warehouse.url,
        "YOUTUBE_API_URL": server.url,
        "YOUTUBE_API_KEY": KEY,
        "YOUTUBE_CHANNEL_IDS": ",".join(server.world.tracked_channel_ids),
        "YOUTUBE_REGIONS": ",".join(server.world.region_codes),
        "YOUTUBE_TIMEOUT_SECONDS": "2",
        "YOUTUBE_RETRY_ATTEMPTS": "3",
        "YOUTUBE_RETRY_BACKOFF_SECONDS": "0.01",
        "YOUTUBE_RETRY_MAX_SECONDS": "3",
    }
    env.update(extra)
    return env


def extract_cli(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extract", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


def expected(world: World, at: datetime, regions: list[str] | None = None) -> dict[str, Any]:
    """What a complete run lands from ``world`` at ``at``, and its units."""
    regions = regions if regions is not None else world.region_codes
    crawled = world.crawled_playlists()
    pages = world.minimum_pages(at, regions)
    return {
        "playlists": {
            p.playlist_id for c in world.tracked_channel_ids for p in world.playlists_of(c)
        },
        "playlist_items": {i.playlist_item_id for p in crawled for i in p.items},
        "videos": world.available_video_ids(),
        "charts": {r: world.chart(r, "0", at) for r in regions},
        "categories": sum(len(world.categories[r]) for r in regions),
        "pages": pages,
        "units": sum(pages.values()),
        "minimum": sum(pages.values()) - pages["reference"],  # the formula
    }


def ids(conn: ConnectionInfo, table: str, run_id: str | None = None) -> set[str]:
    """Item ids in a raw table; of one run, its not-modified pages resolved (see below)."""
    if run_id is None:
        return {r[0] for r in query(conn, f"select item->>'id' from raw_youtube.{table}")}
    return {item["id"] for item in run_items(conn, table, run_id)}


def run_items(conn: ConnectionInfo, table: str, run_id: str) -> list[dict[str, Any]]:
    """A run's items of one raw table, a not-modified page standing for the items landed (by
    an earlier run) with the same resource, request key, page token and ETag: the contract
    the dbt models resolve 304s with."""
    sql = f"""
        with pages as (
            select p.request_key, p.page_token,
                case when not p.not_modified then p.run_id else (
                    select l.run_id from raw_youtube.pages l
                    where l.resource = p.resource and l.request_key = p.request_key
                        and l.page_token = p.page_token and l.etag = p.etag
                        and not l.not_modified
                    order by l.captured_at desc, l.landed_at desc limit 1
                ) end as items_run_id
            from raw_youtube.pages p
            where p.run_id = %s and p.resource = %s
        )
        select t.item from raw_youtube.{table} t
        join pages on t.run_id = pages.items_run_id and t.request_key = pages.request_key
            and t.page_token = pages.page_token
        order by t.request_key, t.item_index"""
    return [r[0] for r in query(conn, sql, (run_id, table))]


def assert_complete(conn: ConnectionInfo, world: World, at: datetime, run_id: str) -> None:
    """The run landed everything a clean run lands (items by id), each exactly once."""
    want = expected(world, at)
    assert ids(conn, "channels", run_id) == set(world.tracked_channel_ids)
    assert ids(conn, "playlists", run_id) == want["playlists"]
    assert ids(conn, "playlist_items", run_id) == want["playlist_items"]
    assert ids(conn, "videos", run_id) == want["videos"]
    charts = query(
        conn,
        "select request->>'regionCode', item->>'id' from raw_youtube.most_popular_videos "
        "where run_id = %s order by request->>'regionCode', item_index",
        (run_id,),
    )
    landed: dict[str, list[str]] = {}
    for region, video_id in charts:
        landed.setdefault(region, []).append(video_id)
    assert landed == want["charts"]
    assert_no_duplicates(conn)
    assert_pages_whole(conn)


def assert_no_duplicates(conn: ConnectionInfo) -> None:
    for table in ITEM_TABLES:
        dupes = query(
            conn,
            f"select run_id, request_key, page_token, item_index, count(*) "
            f"from raw_youtube.{table} group by 1, 2, 3, 4 having count(*) > 1",
        )
        assert dupes == [], (table, dupes[:3])


def assert_pages_whole(conn: ConnectionInfo) -> None:
    """Every landed page has exactly its items, and every item row has its page."""
    for table in ITEM_TABLES:
        rows = query(
            conn,
            f"""select p.run_id, p.request_key, p.page_token, p.item_count, count(t.item)
                from raw_youtube.pages p
                left join raw_youtube.{table} t using (run_id, request_key, page_token)
                where p.resource = %s and not p.not_modified
                group by 1, 2, 3, 4 having count(t.item) <> p.item_count""",
            (table,),
        )
        assert rows == [], (table, rows[:3])
        orphans = query(
            conn,
            f"""select count(*) from raw_youtube.{table} t
                where not exists (select 1 from raw_youtube.pages p
                    where p.run_id = t.run_id and p.request_key = t.request_key
                        and p.page_token = t.page_token and p.resource = %s)""",
            (table,),
        )[0][0]
        assert orphans == 0, table


def page_snapshot(conn: ConnectionInfo, run_id: str) -> Counter[tuple[Any, ...]]:
    """A run's landed rows, comparable across runs and databases (run id left out)."""
    snapshot: Counter[tuple[Any, ...]] = Counter()
    for table in ITEM_TABLES:
        for row in query(
            conn,
            f"select request_key, page_token, item_index, item::text from raw_youtube.{table} "
            "where run_id = %s",
            (run_id,),
        ):
            snapshot[(table, *row)] += 1
    return snapshot


def ledger(conn: ConnectionInfo, run_id: str | None = None) -> list[tuple[Any, ...]]:
    """(method, resource, units, http_status, reason, pacific_day) per request, in order."""
    sql = (
        "select method, resource, units, http_status, reason, pacific_day "
        "from raw_youtube.quota_ledger"
    )
    if run_id is None:
        return query(conn, sql + " order by requested_at")
    return query(conn, sql + " where run_id = %s order by requested_at", (run_id,))


def run_row(conn: ConnectionInfo, run_id: str) -> tuple[str, str | None, int | None]:
    (row,) = query(
        conn,
        "select status, message, units_spent from raw_youtube.extract_runs where run_id = %s",
        (run_id,),
    )
    return row


def tables_containing(conn: ConnectionInfo, needle: str) -> list[str]:
    """Every table (any schema but the catalogs) with a row whose text contains ``needle``."""
    tables = query(
        conn,
        """select table_schema, table_name from information_schema.tables
           where table_schema not in ('pg_catalog', 'information_schema')
             and table_type in ('BASE TABLE', 'VIEW')""",
    )
    found = []
    for schema, table in tables:
        hits = query(
            conn,
            f'select count(*) from "{schema}"."{table}" t where t::text like %s',
            (f"%{needle}%",),
        )[0][0]
        if hits:
            found.append(f"{schema}.{table}")
    return found


def terminate_extractor_backends(conn: ConnectionInfo) -> int:
    """Cut the extractor's database connections (what a restart or a failover does)."""
    admin = psycopg2.connect(conn.url)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity "
                "where datname = current_database() and application_name = 'tubewarehouse' "
                "and pid <> pg_backend_pid()"
            )
            return cur.fetchone()[0]
    finally:
        admin.close()
