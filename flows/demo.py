"""The demo: the whole pipeline on the embedded defaults against the local API emulator.

Starts the embedded PostgreSQL and the emulator, runs the pipeline twice with the
emulator's clock one hour apart (so the history has two captures), builds the reports and
prints what landed and where to look.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, datetime, timedelta

from emulator import Clock, EmulatorServer, World
from extract import database
from flows import children, reports, transform
from flows.env import prepare, use_connection
from flows.site_server import DEFAULT_URL

log = logging.getLogger(__name__)

DEMO_API_KEY = "demo-key-for-the-local-emulator"


def run_demo(runs: int = 2, seed: int = 42, build_reports: bool = True) -> None:
    prepare()
    started = time.monotonic()
    children.use_local_prefect_server()  # before prefect is imported: see flows/children
    conn = database.resolve()
    use_connection(conn)
    print(f"warehouse: {conn.display_url}{' (embedded)' if conn.embedded else ''}")
    world = World.generate(seed=seed)
    # the runs an hour apart end now: an answer dated ahead of this machine's clock would not
    # be taken as its capture time (extract/client.py), so the earlier runs are in the past
    clock = Clock(start=datetime.now(UTC) - timedelta(hours=runs - 1))
    with EmulatorServer(world, clock) as emulator:
        summary = world.summary()
        os.environ.update(
            {
                "YOUTUBE_API_URL": emulator.url,
                "YOUTUBE_API_KEY": DEMO_API_KEY,
                "YOUTUBE_CHANNEL_IDS": ",".join(summary["tracked_channel_ids"]),
                "YOUTUBE_REGIONS": ",".join(summary["region_codes"]),
            }
        )
        print(f"emulator: {emulator.url} ({len(summary['tracked_channel_ids'])} channels)")
        from flows.pipeline import pipeline  # after the environment is prepared

        for number in range(1, runs + 1):
            if number > 1:
                clock.advance(timedelta(hours=1))
            print(f"pipeline run {number}/{runs} at emulator time {clock.now():%Y-%m-%d %H:%M}Z")
            # The first build is a full refresh: marts left by an earlier version of the
            # project (an older demo) are rebuilt from the raw history to today's contracts.
            pipeline(full_refresh=number == 1)
        quota = emulator.quota()
    print(f"quota units spent: {quota['total']} ({runs} runs)")
    site = reports.build(conn) if build_reports else None
    transform.invoke(["run-operation", "print_mart_row_counts"], conn)
    print(f"\ndemo finished in {time.monotonic() - started:.0f}s. Where to look:")
    if site is not None:
        print(f"  reports:   built in {site}")
        print(f"             `.venv/bin/ytw reports --serve` serves them on {DEFAULT_URL}")
    print('  warehouse: `.venv/bin/ytw env` prints the connection (psql "$DATABASE_URL")')
    print("  schedules: `.venv/bin/ytw ui` serves the hourly and daily deployments, with the")
    print("             Prefect UI on http://127.0.0.1:4200")
    print("  dbt docs:  `.venv/bin/ytw docs` serves lineage and column docs on :8080")
