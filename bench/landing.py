"""Raw landing throughput: ``RawStore.land_page`` against a bare COPY of the same rows.

Requirement: landing pages the way the extractor does (one transaction per 50-item page, with
its ``raw_youtube.pages`` ledger row, exactly once) keeps at least 50% of the rows per second
of one bare COPY of the same rows into an identical table on the same server.

The rows are ``videos.list`` items rendered by the emulator (the default world's videos, with
their statistics at a fixed instant), cycled with fresh ids up to ``--rows``. Three ways to
land them, each into a fresh table of the same shape (``create table ... (like
raw_youtube.videos including all)``):

- ``land_page``: ``RawStore.land_page`` per page of 50 (JSON and COPY-text rendering
  included), each page one transaction with its ledger row;
- ``bare COPY``: the same rows rendered the same way (``extract.load.copy_rows``), then one
  COPY in one transaction;
- ``bare COPY, pre-rendered``: only the COPY of those ready bytes (the server's ceiling).

Each is timed ``--repeat`` times (median kept), in rotating order. Run it as
``python -m bench.landing`` from the repository root: a throwaway PostgreSQL (pgserver) in a
temporary folder, deleted at the end. ``--smoke`` lands a few thousand rows once. Results: a
table on stdout and ``bench/results/landing.json`` (not for ``--smoke``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from extract import resources
from extract.database import ConnectionInfo, from_url
from extract.emulator import World, api
from extract.load import ITEM_COLUMNS, SCHEMA, RawStore, copy_rows, request_key
from extract.pagination import Page
from extract.settings import project_root

RESULTS = project_root() / "bench" / "results"
TARGET = 0.5  # land_page must keep at least half of a bare COPY's rows per second
AT = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
PARTS = {"snippet", "statistics", "contentDetails", "status"}


@dataclass(frozen=True)
class Config:
    rows: int = 200_000
    repeat: int = 3
    smoke: bool = False


SMOKE = Config(rows=5_000, repeat=1, smoke=True)


def video_items(rows: int) -> list[dict[str, Any]]:
    """``rows`` videos.list items: the emulator's default world, cycled with fresh ids."""
    world = World.generate()
    base = [api.render_video(world, v, PARTS, AT) for v in world.videos.values()]
    items = []
    for n in range(rows):
        item = dict(base[n % len(base)])
        item["id"] = f"bench{n:06d}"[:11].ljust(11, "x")
        items.append(item)
    return items


def pages_of(items: list[dict[str, Any]]) -> Iterator[Page]:
    size = resources.MAX_PAGE_SIZE
    for start in range(0, len(items), size):
        chunk = items[start : start + size]
        params = {"id": ",".join(item["id"] for item in chunk)}
        body = {"kind": "youtube#videoListResponse", "etag": f"e{start}", "items": chunk}
        yield Page(resources.VIDEOS, params, "", 0, body, AT, 1)


def render(items: list[dict[str, Any]]) -> io.BytesIO:
    """The rows ``RawStore`` writes for these items (a request key per 50, like the pages)."""
    size = resources.MAX_PAGE_SIZE
    chunks = []
    for start in range(0, len(items), size):
        chunk = items[start : start + size]
        key = request_key({"id": ",".join(item["id"] for item in chunk)})
        chunks.append(copy_rows("bench", AT, key, "", 0, {}, chunk))
    return io.BytesIO(b"".join(chunks))


def _execute(conn_info: ConnectionInfo, *statements: str) -> None:
    conn = conn_info.connect()
    try:
        with conn, conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    finally:
        conn.close()


def _fresh_table(conn_info: ConnectionInfo, name: str) -> str:
    """An empty table shaped like raw_youtube.videos (columns, defaults, indexes)."""
    table = f"bench_landing.{name}"
    _execute(
        conn_info,
        "create schema if not exists bench_landing",
        f"drop table if exists {table}",
        f"create table {table} (like {SCHEMA}.videos including all)",
    )
    return table


def time_land_page(conn_info: ConnectionInfo, items: list[dict[str, Any]]) -> float:
    """Seconds for the extractor's own path: one ``land_page`` per page of 50 items."""
    store = RawStore(conn_info)
    try:
        _execute(
            conn_info,
            f"truncate {SCHEMA}.videos",
            f"delete from {SCHEMA}.pages where run_id = 'bench'",
            "checkpoint",
        )
        pages = list(pages_of(items))
        started = time.perf_counter()
        landed = sum(store.land_page("bench", page) for page in pages)
        seconds = time.perf_counter() - started
    finally:
        store.close()
    assert landed == len(items), (landed, len(items))
    return seconds


def time_bare_copy(
    conn_info: ConnectionInfo, items: list[dict[str, Any]], prerendered: bool
) -> float:
    """Seconds for one COPY of the same rows (rendering included unless ``prerendered``)."""
    table = _fresh_table(conn_info, "videos_prerendered" if prerendered else "videos_copy")
    _execute(conn_info, "checkpoint")
    conn = conn_info.connect()
    try:
        conn.set_client_encoding("UTF8")
        buffer = render(items) if prerendered else None
        started = time.perf_counter()
        if buffer is None:
            buffer = render(items)
        with conn, conn.cursor() as cur:
            cur.copy_expert(f"copy {table} ({ITEM_COLUMNS}) from stdin", buffer)
        seconds = time.perf_counter() - started
        with conn.cursor() as cur:
            cur.execute(f"select count(*) from {table}")
            assert cur.fetchone()[0] == len(items)
    finally:
        conn.close()
    return seconds


def run_benchmark(conn_info: ConnectionInfo, config: Config) -> dict[str, Any]:
    """Time the three ways in ``conn_info``'s database (it empties raw_youtube.videos: only
    ever a throwaway database, which is checked)."""
    store = RawStore(conn_info)
    store.ensure_schema()
    with store.conn, store.conn.cursor() as cur:
        cur.execute(f"select exists (select 1 from {SCHEMA}.videos where run_id <> 'bench')")
        (has_data,) = cur.fetchone()
    store.close()
    if has_data:
        raise RuntimeError(
            f"{conn_info.display_url} has extracted videos: the landing benchmark empties "
            "raw_youtube.videos, so it only runs on a database of its own"
        )
    items = video_items(config.rows)
    ways: dict[str, Callable[[], float]] = {
        "land_page": lambda: time_land_page(conn_info, items),
        "bare_copy": lambda: time_bare_copy(conn_info, items, prerendered=False),
        "bare_copy_prerendered": lambda: time_bare_copy(conn_info, items, prerendered=True),
    }
    timings: dict[str, list[float]] = {name: [] for name in ways}
    names = list(ways)
    for round_number in range(config.repeat):
        shift = round_number % len(names)  # rotate the order: no way always runs first
        for name in names[shift:] + names[:shift]:
            timings[name].append(ways[name]())
    seconds = {name: statistics.median(values) for name, values in timings.items()}
    rate = {name: config.rows / s for name, s in seconds.items()}
    _execute(conn_info, "drop schema if exists bench_landing cascade")
    return {
        "rows": config.rows,
        "pages": -(-config.rows // resources.MAX_PAGE_SIZE),
        "repeat": config.repeat,
        "seconds": seconds,
        "all_seconds": timings,
        "rows_per_second": rate,
        "ratio_vs_bare_copy": rate["land_page"] / rate["bare_copy"],
        "ratio_vs_prerendered_copy": rate["land_page"] / rate["bare_copy_prerendered"],
        "target": TARGET,
        "meets_target": rate["land_page"] / rate["bare_copy"] >= TARGET,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "psycopg2": metadata.version("psycopg2-binary"),
            "pgserver": metadata.version("pgserver"),
        },
    }


def render_markdown(result: dict[str, Any]) -> str:
    rate, seconds = result["rows_per_second"], result["seconds"]
    lines = [
        f"raw landing of {result['rows']:,} videos.list items ({result['pages']:,} pages of 50),"
        f" median of {result['repeat']}",
        "",
        "| way | seconds | rows/s | vs land_page |",
        "|---|---:|---:|---:|",
    ]
    labels = {
        "land_page": "RawStore.land_page (page per transaction, ledger row)",
        "bare_copy": "bare COPY, one transaction (rendering included)",
        "bare_copy_prerendered": "bare COPY of pre-rendered rows (server only)",
    }
    for name, label in labels.items():
        ratio = rate["land_page"] / rate[name]
        lines.append(f"| {label} | {seconds[name]:.2f} | {rate[name]:,.0f} | {ratio:.0%} |")
    verdict = "meets" if result["meets_target"] else "MISSES"
    lines += [
        "",
        f"land_page keeps {result['ratio_vs_bare_copy']:.0%} of a bare COPY's rows/s "
        f"({result['ratio_vs_prerendered_copy']:.0%} of the pre-rendered one): {verdict} the "
        f"{result['target']:.0%} target.",
    ]
    return "\n".join(lines)


@contextmanager
def throwaway_cluster() -> Iterator[ConnectionInfo]:
    """A PostgreSQL of our own in a temporary folder, deleted afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="tubewarehouse-bench-"))
    os.environ.setdefault("XDG_RUNTIME_DIR", str(workdir))
    import pgserver

    server = pgserver.get_server(workdir / "pgdata", cleanup_mode="delete")
    try:
        yield from_url(server.get_uri())
    finally:
        server.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.landing", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="a few thousand rows, once")
    parser.add_argument("--rows", type=int, default=Config.rows, help="items to land")
    parser.add_argument("--repeat", type=int, default=Config.repeat, help="timings per way")
    parser.add_argument("--output", type=Path, help="results JSON (default bench/results/)")
    args = parser.parse_args(argv)
    config = SMOKE if args.smoke else Config(rows=args.rows, repeat=args.repeat)
    with throwaway_cluster() as conn_info:
        result = run_benchmark(conn_info, config)
    print(render_markdown(result))
    output = args.output or (None if config.smoke else RESULTS / "landing.json")
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, indent=2) + "\n")
        print(f"\nresults: {output}")
    return 0 if result["meets_target"] or config.smoke else 1


if __name__ == "__main__":
    sys.exit(main())
