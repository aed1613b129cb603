"""Raw landing throughput: ``RawStore.land_page`` against the limit (a bare COPY of the same
rows) and against a per-row upsert (a SELECT, then an UPDATE or an INSERT, and a
commit, per video).

Requirements: landing pages the way the extractor does (one transaction per 50-item page,
with its ``raw_youtube.pages`` ledger row, exactly once) keeps at least 50% of the rows per
second of one bare COPY of the same rows into an identical table on the same server, and is
at least 100x the per-row method.

The rows are ``videos.list`` items rendered by the emulator (the default world's videos, with
their statistics at a fixed instant), cycled with fresh ids up to ``--rows`` (1,000,000).
The ways, each into a fresh table:

- ``land_page``: ``RawStore.land_page`` per page of 50 (JSON and COPY-text rendering
  included), each page one transaction with its ledger row;
- ``bare_copy``: the same rows rendered the same way (``extract.load.copy_rows``) and
  streamed into one COPY in one transaction;
- ``bare_copy_prerendered``: only the COPY of those bytes, rendered beforehand (the
  server's ceiling);
- ``per_row``: a per-row upsert, as many collectors land rows: per video, ``SELECT`` it by id
  from a table keyed by video id, then ``UPDATE`` it or ``INSERT`` it (the item as jsonb,
  encoded by psycopg2's ``Json``, the capture time), then ``COMMIT``; the server's default
  settings (synchronous commit). Half the videos are new (INSERT), half seen before
  (UPDATE), as in an hourly refresh. ``--per-row-rows`` of them (slow: its rate is
  extrapolated to ``--rows``);
- ``per_row_async``: the same with ``synchronous_commit = off`` (what ``RawStore`` uses), to
  show how much of the gap is the commits' flushes.

The first three are timed ``--repeat`` times (median kept), in rotating order; the per-row
ones once per repeat on fresh tables. Run it as ``python -m bench.landing`` from the
repository root: a throwaway PostgreSQL (pgserver) in a temporary folder, deleted at the end.
``--smoke`` lands a few thousand rows once. Results: a table on stdout and
``bench/results/landing.json`` (not for ``--smoke``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg2.extras

from bench.common import (
    RESULTS,
    Progress,
    machine_facts,
    machine_line,
    quiet,
    rate,
    stderr_progress,
    throwaway_cluster,
    write_results,
)
from emulator import World, api
from extract import resources
from extract.database import ConnectionInfo
from extract.load import ITEM_COLUMNS, SCHEMA, RawStore, copy_rows, request_key
from extract.pagination import Page

TARGET_VS_COPY = 0.5  # land_page keeps at least half of a bare COPY's rows per second
TARGET_OVER_PER_ROW = 100.0  # and is at least 100x the per-row method
AT = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
PARTS = {"snippet", "statistics", "contentDetails", "status"}
COPY_WAYS = ("land_page", "bare_copy", "bare_copy_prerendered")
PER_ROW_WAYS = ("per_row", "per_row_async")
LABELS = {
    "land_page": "`RawStore.land_page` (a transaction per page of 50, ledger row)",
    "bare_copy": "bare COPY, one transaction (rendering included)",
    "bare_copy_prerendered": "bare COPY of rows rendered beforehand (the server's ceiling)",
    "per_row": "per-row SELECT + UPDATE/INSERT + COMMIT (per-row upsert)",
    "per_row_async": "per-row, with `synchronous_commit = off`",
}


@dataclass(frozen=True)
class Config:
    rows: int = 1_000_000
    per_row_rows: int = 20_000
    repeat: int = 3
    smoke: bool = False


SMOKE = Config(rows=5_000, per_row_rows=400, repeat=1, smoke=True)


def video_items(rows: int) -> list[dict[str, Any]]:
    """``rows`` videos.list items: the emulator's default world, cycled with fresh ids."""
    world = World.generate()
    base = [api.render_video(world, v, PARTS, AT) for v in world.videos.values()]
    items = []
    for n in range(rows):
        item = dict(base[n % len(base)])
        item["id"] = f"bench{n:07d}"[:11].ljust(11, "x")
        items.append(item)
    return items


def pages_of(items: list[dict[str, Any]]) -> Iterator[Page]:
    size = resources.MAX_PAGE_SIZE
    for start in range(0, len(items), size):
        chunk = items[start : start + size]
        params = {"id": ",".join(item["id"] for item in chunk)}
        body = {"kind": "youtube#videoListResponse", "etag": f"e{start}", "items": chunk}
        yield Page(resources.VIDEOS, params, "", 0, body, AT, 1)


def rendered_pages(items: list[dict[str, Any]]) -> Iterator[bytes]:
    """The rows ``RawStore`` writes for these items, a page (a request key per 50) at a time."""
    size = resources.MAX_PAGE_SIZE
    for start in range(0, len(items), size):
        chunk = items[start : start + size]
        key = request_key({"id": ",".join(item["id"] for item in chunk)})
        yield copy_rows("bench", AT, key, "", 0, {}, chunk)


class ChunkReader:
    """A file for ``copy_expert`` over an iterable of byte chunks: each ``read`` hands over
    the next chunk (psycopg2 sends whatever ``read`` returns)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)

    def read(self, size: int = -1) -> bytes:
        return next(self._chunks, b"")


def _execute(conn_info: ConnectionInfo, *statements: str) -> None:
    conn = conn_info.connect()
    try:
        with conn, conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    finally:
        conn.close()


def _fresh_table(conn_info: ConnectionInfo, name: str, shape: str) -> str:
    table = f"bench_landing.{name}"
    _execute(
        conn_info,
        "create schema if not exists bench_landing",
        f"drop table if exists {table}",
        f"create table {table} {shape}",
        "checkpoint",
    )
    return table


def time_land_page(conn_info: ConnectionInfo, items: list[dict[str, Any]]) -> float:
    """Seconds for the extractor's own path: one ``land_page`` per page of 50 items."""
    _execute(
        conn_info,
        f"truncate {SCHEMA}.videos",
        f"delete from {SCHEMA}.pages where run_id = 'bench'",
        "checkpoint",
    )
    pages = list(pages_of(items))
    store = RawStore(conn_info)
    try:
        started = time.perf_counter()
        landed = sum(store.land_page("bench", page) for page in pages)
        seconds = time.perf_counter() - started
    finally:
        store.close()
    assert landed == len(items), (landed, len(items))
    _execute(conn_info, f"truncate {SCHEMA}.videos")  # the disk space, for the next way
    return seconds


def time_bare_copy(
    conn_info: ConnectionInfo, items: list[dict[str, Any]], prerendered: bool
) -> float:
    """Seconds for one COPY of the same rows (rendering streamed in unless ``prerendered``)."""
    name = "videos_prerendered" if prerendered else "videos_copy"
    table = _fresh_table(conn_info, name, f"(like {SCHEMA}.videos including all)")
    conn = conn_info.connect()
    try:
        conn.set_client_encoding("UTF8")
        chunks: Iterable[bytes] = list(rendered_pages(items)) if prerendered else ()
        started = time.perf_counter()
        if not prerendered:
            chunks = rendered_pages(items)
        with conn, conn.cursor() as cur:
            cur.copy_expert(f"copy {table} ({ITEM_COLUMNS}) from stdin", ChunkReader(chunks))
        seconds = time.perf_counter() - started
        del chunks
        with conn, conn.cursor() as cur:
            cur.execute(f"select count(*) from {table}")
            assert cur.fetchone()[0] == len(items)
    finally:
        conn.close()
    _execute(conn_info, f"drop table {table}")
    return seconds


SEED_TABLE_SHAPE = """(
    video_id text primary key,
    captured_at timestamptz not null,
    item jsonb not null,
    updated_at timestamptz not null default now()
)"""


def per_row_items(items: list[dict[str, Any]], rows: int) -> list[dict[str, Any]]:
    """``rows`` items for the per-row method: the first half new videos, the second half the
    same videos again with later statistics (an hourly refresh updates what it knows)."""
    half = max(1, rows // 2)
    chosen = []
    for n in range(rows):
        item = dict(items[n % len(items)])
        item["id"] = items[n % half]["id"]
        chosen.append(item)
    return chosen


def time_per_row(
    conn_info: ConnectionInfo, items: list[dict[str, Any]], synchronous: bool
) -> float:
    """Seconds for a per-row upsert: per video SELECT, then UPDATE or INSERT, then COMMIT."""
    table = _fresh_table(conn_info, "seed_videos", SEED_TABLE_SHAPE)
    conn = conn_info.connect()
    try:
        if not synchronous:
            with conn, conn.cursor() as cur:
                cur.execute("set synchronous_commit to off")
        Json = psycopg2.extras.Json
        started = time.perf_counter()
        for item in items:
            video_id = item["id"]
            with conn.cursor() as cur:
                cur.execute(f"select 1 from {table} where video_id = %s", (video_id,))
                if cur.fetchone() is not None:
                    cur.execute(
                        f"update {table} set captured_at = %s, item = %s, updated_at = now()"
                        " where video_id = %s",
                        (AT, Json(item), video_id),
                    )
                else:
                    cur.execute(
                        f"insert into {table} (video_id, captured_at, item) values (%s, %s, %s)",
                        (video_id, AT, Json(item)),
                    )
            conn.commit()
        seconds = time.perf_counter() - started
        with conn, conn.cursor() as cur:
            cur.execute(f"select count(*) from {table}")
            assert cur.fetchone()[0] == len({item["id"] for item in items})
    finally:
        conn.close()
    _execute(conn_info, f"drop table {table}")
    return seconds


def run_benchmark(
    conn_info: ConnectionInfo, config: Config, progress: Progress = quiet
) -> dict[str, Any]:
    """Time every way in ``conn_info``'s database (it empties raw_youtube.videos: only ever
    a throwaway database, which is checked)."""
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
    progress(f"landing: rendering {config.rows:,} items")
    items = video_items(config.rows)
    seed_items = per_row_items(items, config.per_row_rows)
    ways: dict[str, Callable[[], float]] = {
        "land_page": lambda: time_land_page(conn_info, items),
        "bare_copy": lambda: time_bare_copy(conn_info, items, prerendered=False),
        "bare_copy_prerendered": lambda: time_bare_copy(conn_info, items, prerendered=True),
        "per_row": lambda: time_per_row(conn_info, seed_items, synchronous=True),
        "per_row_async": lambda: time_per_row(conn_info, seed_items, synchronous=False),
    }
    timings: dict[str, list[float]] = {name: [] for name in ways}
    names = list(ways)
    for round_number in range(config.repeat):
        shift = round_number % len(names)  # rotate the order: no way always runs first
        for name in names[shift:] + names[:shift]:
            timings[name].append(ways[name]())
            progress(f"landing round {round_number + 1}: {name} {timings[name][-1]:.1f} s")
    _execute(conn_info, "drop schema if exists bench_landing cascade")
    return summarize(config, timings, machine_facts(conn_info))


def summarize(
    config: Config, timings: dict[str, list[float]], machine: dict[str, Any]
) -> dict[str, Any]:
    seconds = {name: statistics.median(values) for name, values in timings.items()}
    counts = {name: config.rows for name in COPY_WAYS} | {
        name: config.per_row_rows for name in PER_ROW_WAYS
    }
    rates = {name: rate(counts[name], s) for name, s in seconds.items()}
    land = rates["land_page"]
    ratios = {
        "vs_bare_copy": land / rates["bare_copy"],
        "vs_prerendered_copy": land / rates["bare_copy_prerendered"],
        "over_per_row": land / rates["per_row"],
        "over_per_row_async": land / rates["per_row_async"],
        # the best any COPY did against the per-row method: the ceiling of that ratio here
        "prerendered_copy_over_per_row": rates["bare_copy_prerendered"] / rates["per_row"],
    }
    meets = {
        "vs_bare_copy": ratios["vs_bare_copy"] >= TARGET_VS_COPY,
        "vs_prerendered_copy": ratios["vs_prerendered_copy"] >= TARGET_VS_COPY,
        "over_per_row": ratios["over_per_row"] >= TARGET_OVER_PER_ROW,
    }
    return {
        "benchmark": "landing",
        "config": asdict(config),
        "rows": config.rows,
        "pages": -(-config.rows // resources.MAX_PAGE_SIZE),
        "repeat": config.repeat,
        "rows_timed": counts,
        "seconds": seconds,
        "all_seconds": timings,
        "rows_per_second": rates,
        "per_row_extrapolated_seconds": {
            name: rate(config.rows, rates[name]) for name in PER_ROW_WAYS
        },
        "ratios": ratios,
        # kept for older readers of this file
        "ratio_vs_bare_copy": ratios["vs_bare_copy"],
        "ratio_vs_prerendered_copy": ratios["vs_prerendered_copy"],
        "targets": {"vs_bare_copy": TARGET_VS_COPY, "over_per_row": TARGET_OVER_PER_ROW},
        "meets": meets,
        "meets_target": meets["vs_bare_copy"] and meets["over_per_row"],
        "machine": machine,
    }


def render_markdown(result: dict[str, Any]) -> str:
    rates, seconds, counts = (
        result["rows_per_second"],
        result["seconds"],
        result["rows_timed"],
    )
    r, meets = result["ratios"], result["meets"]
    lines = [
        f"## Raw landing: {result['rows']:,} `videos.list` items ({result['pages']:,} pages "
        f"of 50), median of {result['repeat']}",
        "",
        machine_line(result["machine"]),
        "",
        "| way | rows timed | seconds | rows/s | `land_page` / way |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, label in LABELS.items():
        ratio = rates["land_page"] / rates[name]
        extra = ""
        if name in PER_ROW_WAYS:
            extra = f" (≈ {result['per_row_extrapolated_seconds'][name]:,.0f} s for all)"
        lines.append(
            f"| {label} | {counts[name]:,} | {seconds[name]:,.1f}{extra} | "
            f"{rates[name]:,.0f} | {ratio:.2f}× |"
        )
    lines += [
        "",
        f"`land_page` keeps **{r['vs_bare_copy']:.0%}** of a bare COPY's rows/s "
        f"(target ≥ {TARGET_VS_COPY:.0%}: {_verdict(meets['vs_bare_copy'])}) and "
        f"{r['vs_prerendered_copy']:.0%} of the pre-rendered one "
        f"({_verdict(meets['vs_prerendered_copy'])}); it is **{r['over_per_row']:.0f}×** the "
        f"per-row method (target ≥ {TARGET_OVER_PER_ROW:.0f}×: "
        f"{_verdict(meets['over_per_row'])}; {r['over_per_row_async']:.1f}× its asynchronous-"
        f"commit variant). A bare COPY of pre-rendered rows is "
        f"{r['prerendered_copy_over_per_row']:.0f}× the per-row method: the most any way "
        "of landing these rows can reach here.",
    ]
    return "\n".join(lines)


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.landing",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--smoke", action="store_true", help="a few thousand rows, once")
    parser.add_argument("--rows", type=int, default=Config.rows, help="items to land")
    parser.add_argument(
        "--per-row-rows", type=int, default=Config.per_row_rows, help="items, per-row method"
    )
    parser.add_argument("--repeat", type=int, default=Config.repeat, help="timings per way")
    parser.add_argument("--workdir", type=Path, help="where the throwaway PostgreSQL goes")
    parser.add_argument("--output", type=Path, help="results JSON (default bench/results/)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    config = (
        SMOKE
        if args.smoke
        else Config(rows=args.rows, per_row_rows=args.per_row_rows, repeat=args.repeat)
    )
    with throwaway_cluster(args.workdir) as conn_info:
        result = run_benchmark(conn_info, config, stderr_progress())
    print(render_markdown(result))
    output = args.output or (None if config.smoke else RESULTS / "landing.json")
    if output is not None:
        print(f"\nresults: {write_results(result, output)}")
    return 1 if args.strict and not result["meets_target"] else 0


if __name__ == "__main__":
    sys.exit(main())
