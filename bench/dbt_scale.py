"""dbt at scale: the hourly incremental ``dbt build`` with 1M, 5M and 20M ``video_stats`` rows,
and every report query at the largest size.

Requirements: the incremental build at 20M rows takes at most 1.5x the build at 1M rows;
every report source query (``reports/sources/**/*.sql``, run by Evidence on PostgreSQL
against the marts) answers in under a second at 20M rows.

A year of 5,400 videos hourly is 47M rows; landing 20M through raw JSON would take ~45 GB
and an hour, so the history is inserted directly into the marts, and the build then runs for
real on top of it. For each size, in a database of its own:

1. land a raw window (``bench.history``: what ``extract/`` lands, ``--raw-hours`` hourly
   captures of 5,400 videos, a playlist crawl a day) and build everything with
   ``dbt build --full-refresh``;
2. insert the older history straight into ``marts.video_stats`` (each video's counts going
   back hour by hour) and into ``marts.trending_videos`` (each region's chart, one run per
   hour); rewrite both in capture order, as a warehouse built hour after hour has them on
   disk (``--layout full-refresh``: by video, as a full refresh leaves them); rebuild what dbt
   derives from those two (``video_daily_stats``, ``video_monthly_stats``,
   ``trending_summary``) with ``dbt run --full-refresh --select ...``, so every incremental
   mart holds a consistent long history; ``VACUUM ANALYZE`` (autovacuum's job by then);
3. the timed hourly builds, the sizes interleaved (round after round, rotating which goes
   first, so the machine's load weighs on each the same): land the next capture in raw,
   ``CHECKPOINT``, time ``dbt build`` (no full refresh: models and tests, as the pipeline runs
   it). A warm-up build each; ``--incremental-runs`` builds with the raw tables analyzed after
   landing (fresh planner statistics: these give the ratio); then ``stale_captures`` (4)
   builds without, the last of which reads only captures newer than the statistics, as the
   hourly builds do between autovacuum's analyzes of a big raw table.

A full refresh needs the whole raw history: it is timed where that exists, on a fourth
database holding the smallest size as raw JSON (186 hourly captures for 1M rows), then three
incremental builds on it, which also checks the inserted histories against a real one
(``--no-full-refresh`` skips it).
``bench.dbt_incremental`` times it at 5.2M rows; beyond that it grows linearly.

At the largest size every report source query is timed (median of 3, after one warm-up).

Run it as ``python -m bench.dbt_scale`` from the repository root (not as a script: dbt
imports modules named ``dbt_*``). ``--smoke``: tiny sizes; ``--keep``: keep the largest
database to experiment on. Results: a table on stdout and ``bench/results/dbt_scale.json``
(``--smoke``: none).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import (
    BenchError,
    Progress,
    execute,
    isolated_cluster,
    machine_facts,
    machine_line,
    non_finite,
    publish,
    quiet,
    rate,
    require_free_disk,
    results_path,
    seconds_text,
    stderr_progress,
)
from bench.dbt_incremental import (
    BenchConfig,
    DbtSetup,
    Warehouse,
    land,
    new_warehouse,
    slowest_nodes,
    storage,
    time_full_refresh,
)
from bench.history import HISTORY_END, Catalogue, CatalogueSpec, CopyError, History
from extract.database import DatabaseError
from extract.settings import project_root
from flows import transform

MAX_LARGEST_OVER_SMALLEST = 1.5
MAX_QUERY_SECONDS = 1.0
REPORT_SOURCES = project_root() / "reports" / "sources"
# Marts whose rows dbt derives from video_stats and trending_videos (rebuilt after inserting).
DERIVED = ("video_daily_stats", "video_monthly_stats", "trending_summary")
INSERT_CHUNK_HOURS = 96
KEEP_LARGEST = False  # --keep: the largest size's database stays, for experiments
# How the history tables' rows lie on disk, which decides what their BRIN index on
# captured_at can skip. "appended": in capture order, as a warehouse built hour after hour
# has them (the default). "full-refresh": all of it as a full refresh leaves it (by video:
# every block range spans the whole history, so the BRIN index skips nothing). "as-built":
# left as it is, the raw window as the full refresh of step 1 wrote it, the inserted history
# after it in capture order: the first hourly builds after a full refresh.
LAYOUTS: dict[str, dict[str, str]] = {
    "as-built": {},
    "appended": {
        "video_stats": "captured_at, video_id",
        "trending_videos": "captured_at, region_code, chart_category_id, chart_rank",
    },
    "full-refresh": {
        "video_stats": "video_id, captured_at",
        "trending_videos": "region_code, chart_category_id, video_id, captured_at",
    },
}


@dataclass(frozen=True)
class ScaleConfig:
    sizes: tuple[int, ...] = (1_000_000, 5_000_000, 20_000_000)
    videos: int = 5400
    channels: int = 10
    regions: int = 5
    chart_size: int = 50
    raw_hours: int = 48
    crawl_every_hours: int = 24
    incremental_runs: int = 3  # timed with fresh statistics, after one warm-up build
    # Builds without ANALYZE after that: each hourly build reads the raw captures newer than
    # its models' newest rows minus the 3-hour lookback, so from the 4th capture after an
    # ANALYZE on it reads only rows newer than anything in the planner's statistics.
    stale_captures: int = 4
    layout: str = "appended"  # see LAYOUTS
    full_refresh: bool = True  # also time a full refresh on the smallest size, all raw
    query_repeat: int = 3
    seed: int = 42
    mode: str = "full"

    def hours_for(self, rows: int) -> int:
        """Hourly captures of every video that make ``rows`` video_stats rows."""
        return max(self.raw_hours, math.ceil(rows / self.videos))

    def history_config(self) -> BenchConfig:
        return BenchConfig(
            videos=self.videos,
            hours=self.hours_for(min(self.sizes)),
            channels=self.channels,
            regions=self.regions,
            chart_size=self.chart_size,
            crawl_every_hours=self.crawl_every_hours,
            incremental_runs=self.incremental_runs,
            seed=self.seed,
        )

    def catalogue_spec(self) -> CatalogueSpec:
        return self.history_config().catalogue_spec()


# The smaller size is the raw window alone, the larger one has 14 h of history inserted; the
# all-raw full refresh is bench.dbt_incremental's code, which its own smoke runs.
SMOKE = ScaleConfig(
    sizes=(360, 1_200),
    videos=60,
    channels=3,
    regions=2,
    chart_size=10,
    raw_hours=6,
    crawl_every_hours=3,
    incremental_runs=1,
    stale_captures=1,
    full_refresh=False,
    query_repeat=1,
    mode="smoke",
)


# ------------------------------------------------------------------------- inserted history

_STATS_CHUNK = """
insert into marts.video_stats
    (captured_at, view_count, like_count, comment_count, video_id, is_chart_capture)
select
    first_rows.captured_at - hours.h * interval '1 hour',
    greatest(first_rows.view_count - hours.h * first_rows.step, 0),
    first_rows.like_count * greatest(first_rows.view_count - hours.h * first_rows.step, 0)
        / nullif(first_rows.view_count, 0),
    first_rows.comment_count * greatest(first_rows.view_count - hours.h * first_rows.step, 0)
        / nullif(first_rows.view_count, 0),
    first_rows.video_id,
    false
from bench_first_rows as first_rows
cross join generate_series(%(high)s, %(low)s, -1) as hours (h)
order by 1, 5
"""

_POOL = """
create unlogged table bench_pool as
select
    row_number() over (order by video_id) - 1 as n,
    video_id, channel_id, channel_title, title, category_id, published_at, view_count,
    like_count, comment_count
from marts.videos
where is_available and view_count is not null;
alter table bench_pool add primary key (n);
analyze bench_pool
"""
# Each region's chart, one synthetic run an hour, with its videos rotating from day to day
# (a video charts for about a day in a region, as real charts churn) through the videos
# the warehouse knows, each entry with that video's own attributes.
_CHARTS = """
with
first_run as (
    select * from marts.trending_videos
    where run_id = (
        select run_id from marts.trending_videos order by captured_at asc, run_id asc limit 1
    )
),
entries as (
    select
        first_run.*,
        (row_number() over (order by region_code, chart_category_id, chart_rank) - 1) * 7
            as offset_in_pool
    from first_run
)
insert into marts.trending_videos
    (region_code, chart_category_id, captured_at, chart_rank, video_id, run_id, channel_id,
     channel_title, title, category_id, published_at, view_count, like_count, comment_count)
select
    entries.region_code,
    entries.chart_category_id,
    entries.captured_at - hours.h * interval '1 hour',
    entries.chart_rank,
    pool.video_id,
    'synthetic-' || lpad(hours.h::text, 6, '0'),
    pool.channel_id,
    pool.channel_title,
    pool.title,
    pool.category_id,
    pool.published_at,
    greatest(pool.view_count - hours.h * greatest(pool.view_count / %(span)s, 1), 0),
    pool.like_count,
    pool.comment_count
from entries
cross join generate_series(%(hours)s, 1, -1) as hours (h)
inner join bench_pool as pool
    on pool.n = (entries.offset_in_pool + (hours.h / 24) * 131) %% %(pool_size)s
order by 3, 1, 2, 4
"""


def insert_history(wh: Warehouse, hours: int, progress: Progress) -> dict[str, Any]:
    """``hours`` more hourly captures of every video before the raw window, straight into the
    marts, oldest first; returns rows and seconds."""
    started = time.perf_counter()
    span = hours + 1
    conn = wh.conn.connect()
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "create unlogged table bench_first_rows as"
                " select distinct on (video_id) video_id, captured_at, view_count, like_count,"
                " comment_count, greatest(view_count / %s, 1) as step"
                " from marts.video_stats order by video_id, captured_at",
                (2 * span,),
            )
        stats_rows = 0
        for high in range(hours, 0, -INSERT_CHUNK_HOURS):
            low = max(1, high - INSERT_CHUNK_HOURS + 1)
            with conn, conn.cursor() as cur:
                cur.execute(_STATS_CHUNK, {"high": high, "low": low})
                stats_rows += cur.rowcount
            progress(f"{wh.label}: {stats_rows:,} history rows inserted")
        with conn, conn.cursor() as cur:
            cur.execute(_POOL)
            cur.execute("select count(*) from bench_pool")
            (pool_size,) = cur.fetchone()
            cur.execute(_CHARTS, {"hours": hours, "span": 2 * span, "pool_size": pool_size})
            chart_rows = cur.rowcount
            cur.execute("drop table bench_first_rows, bench_pool")
    finally:
        conn.close()
    return {
        "hours": hours,
        "video_stats_rows": stats_rows,
        "trending_videos_rows": chart_rows,
        "seconds": time.perf_counter() - started,
    }


def lay_out(wh: Warehouse, layout: str, progress: Progress) -> float:
    """Rewrite the history marts' rows in the order ``layout`` says; returns seconds."""
    started = time.perf_counter()
    conn = wh.conn.connect()
    try:
        for table, order in LAYOUTS[layout].items():
            with conn, conn.cursor() as cur:
                cur.execute(f"create unlogged table bench_layout as select * from marts.{table}")
                cur.execute(f"truncate marts.{table}")
                cur.execute(
                    f"insert into marts.{table} select * from bench_layout order by {order}"
                )
                cur.execute("drop table bench_layout")
    finally:
        conn.close()
    seconds = time.perf_counter() - started
    progress(f"{wh.label}: history marts laid out {layout} ({seconds:.0f} s)")
    return seconds


# ------------------------------------------------------------------------------ measuring


RAW_TABLES = ("pages", "videos", "most_popular_videos", "channels", "playlist_items")


@dataclass
class Size:
    """One size's database, its raw history and what was measured on it."""

    rows: int
    wh: Warehouse
    history: History
    next_hour: int
    measured: dict[str, Any]


def set_up_size(
    rows: int,
    config: ScaleConfig,
    catalogue: Catalogue,
    admin: Any,
    workdir: Path,
    dbt: DbtSetup,
    progress: Progress,
) -> Size:
    """A database with a raw window, built, with the older history inserted in the marts."""
    label = f"{rows / 1e6:g}M" if rows >= 1e6 else f"{rows:,}"
    history = History(catalogue, config.raw_hours, config.crawl_every_hours)
    safe = label.lower().replace(".", "_").replace(",", "")
    wh = replace(new_warehouse(f"scale_{safe}", admin, workdir), label=label)
    progress(f"{label}: landing a {config.raw_hours} h raw window")
    landed = land(history, wh, range(config.raw_hours))
    execute(wh.conn, "vacuum (analyze)")
    window = time_full_refresh(wh, dbt, progress)
    extra = config.hours_for(rows) - config.raw_hours
    inserted = insert_history(wh, extra, progress) if extra > 0 else {"hours": 0, "seconds": 0.0}
    inserted["layout"] = config.layout
    inserted["layout_seconds"] = lay_out(wh, config.layout, progress)
    if extra > 0:
        derived = ["run", "--full-refresh", "--select", *DERIVED]
        started = time.perf_counter()
        dbt.run(derived, wh.conn, wh.target)
        inserted["derived_rebuild_seconds"] = time.perf_counter() - started
    inserted["vacuum_analyze_seconds"] = execute(wh.conn, "vacuum (analyze)")
    progress(f"{label}: history in place")
    measured = {
        "label": label,
        "target_rows": rows,
        "hours": config.hours_for(rows),
        "raw_window": landed,
        "window_full_refresh": {k: window[k] for k in ("wall_seconds", "dbt_elapsed_seconds")},
        "inserted": inserted,
    }
    return Size(rows, wh, history, config.raw_hours, measured)


def hourly_build(size: Size, dbt: DbtSetup, analyze: bool) -> dict[str, Any]:
    """Land the next capture (then ANALYZE the raw tables if ``analyze``) and ``dbt build``."""
    hour = size.next_hour
    size.next_hour += 1
    landed = land(size.history, size.wh, range(hour, hour + 1))
    if analyze:
        landed["analyze_seconds"] = execute(
            size.wh.conn, "analyze " + ", ".join(f"raw_youtube.{t}" for t in RAW_TABLES)
        )
    execute(size.wh.conn, "checkpoint")
    build = dbt.run(["build"], size.wh.conn, size.wh.target)
    build["landed"] = landed
    build["analyzed"] = analyze
    return build


def _summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    walls = [run["wall_seconds"] for run in runs]
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls)}


def measure_sizes(
    sizes: list[Size], config: ScaleConfig, dbt: DbtSetup, progress: Progress
) -> None:
    """The timed builds, interleaved across the sizes (rotating which goes first), so the
    machine's load weighs on each the same.

    1. a warm-up build each (the first read of tables just rewritten is a cold one);
    2. ``incremental_runs`` rounds with fresh statistics: land, ``ANALYZE`` the raw tables,
       build (what every hourly build costs once the raw tables are analyzed after landing);
    3. ``stale_captures`` rounds without: the last one reads only captures newer than
       the statistics, as hourly builds do between autovacuum's analyzes (on a big raw table,
       weeks apart: it analyzes after 10 % of the rows changed).
    """
    phases = [("warmup", 1, True), ("fresh", config.incremental_runs, True)]
    phases.append(("stale", config.stale_captures, False))
    for size in sizes:
        size.measured.update({"warmup_run": None, "incremental_runs": [], "stale_runs": []})
    order = list(sizes)
    for phase, rounds, analyze in phases:
        for number in range(rounds):
            for size in order:
                build = hourly_build(size, dbt, analyze)
                label = size.measured["label"]
                progress(f"{label}: {phase} build {number + 1}: {build['wall_seconds']:.1f} s")
                if phase == "warmup":
                    size.measured["warmup_run"] = build
                elif phase == "fresh":
                    size.measured["incremental_runs"].append(build)
                else:
                    size.measured["stale_runs"].append(build)
            order = order[1:] + order[:1]
    for size in sizes:
        m = size.measured
        m["incremental_seconds"] = _summary(m["incremental_runs"])
        elapsed = [run["dbt_elapsed_seconds"] for run in m["incremental_runs"]]
        m["incremental_dbt_seconds"] = {"median": statistics.median(elapsed), "min": min(elapsed)}
        stale = m["stale_runs"]
        m["stale_statistics_seconds"] = stale[-1]["wall_seconds"] if stale else None
        m["storage"] = storage(size.wh.conn)


def measure_raw_built(
    config: ScaleConfig,
    catalogue: Catalogue,
    admin: Any,
    workdir: Path,
    dbt: DbtSetup,
    progress: Progress,
) -> dict[str, Any]:
    """The smallest size as raw JSON: a timed full refresh, then the same incremental builds."""
    from bench.dbt_incremental import measure_history

    history_config = config.history_config()
    history = History(catalogue, history_config.hours, config.crawl_every_hours)
    measured = measure_history("raw_built", history, history_config, admin, workdir, progress, dbt)
    execute(admin, f'drop database "{measured["database"]}"')
    return measured


def report_queries() -> list[Path]:
    return sorted(REPORT_SOURCES.rglob("*.sql"))


def time_report_queries(wh: Warehouse, repeat: int, progress: Progress) -> list[dict[str, Any]]:
    """Each report source query: rows, median seconds over ``repeat`` runs after a warm-up."""
    timed = []
    for path in report_queries():
        sql = path.read_text()
        conn = wh.conn.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                rows = len(cur.fetchall())
                seconds = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    cur.execute(sql)
                    cur.fetchall()
                    seconds.append(time.perf_counter() - started)
            conn.rollback()
        finally:
            conn.close()
        median = statistics.median(seconds)
        name = str(path.relative_to(REPORT_SOURCES))
        timed.append(
            {
                "query": name,
                "rows": rows,
                "seconds": median,
                "all_seconds": seconds,
                "ok": median < MAX_QUERY_SECONDS,
            }
        )
        progress(f"{wh.label}: report query {name}: {median:.3f} s, {rows:,} rows")
    return timed


def run_benchmark(
    config: ScaleConfig,
    admin: Any,
    workdir: Path,
    progress: Progress = quiet,
    dbt: DbtSetup | None = None,
) -> dict[str, Any]:
    dbt = dbt or DbtSetup()
    started = time.perf_counter()
    # Every video is published before the first capture of the longest history.
    longest = config.hours_for(max(config.sizes))
    catalogue = Catalogue.generate(config.catalogue_spec(), HISTORY_END - timedelta(hours=longest))
    sizes = [
        set_up_size(rows, config, catalogue, admin, workdir, dbt, progress) for rows in config.sizes
    ]
    measure_sizes(sizes, config, dbt, progress)
    largest = sizes[-1]
    largest.measured["report_queries"] = time_report_queries(
        largest.wh, config.query_repeat, progress
    )
    for size in sizes:
        if not (size is largest and KEEP_LARGEST):
            execute(admin, f'drop database "{size.wh.conn.dbname}"')
    raw_built = (
        measure_raw_built(config, catalogue, admin, workdir, dbt, progress)
        if config.full_refresh
        else None
    )
    measured = [size.measured for size in sizes]
    smallest, biggest = measured[0], measured[-1]
    ratio = biggest["incremental_seconds"]["median"] / smallest["incremental_seconds"]["median"]
    dbt_ratio = (
        biggest["incremental_dbt_seconds"]["median"] / smallest["incremental_dbt_seconds"]["median"]
    )
    queries = biggest["report_queries"]
    return {
        "benchmark": "dbt_scale",
        "mode": config.mode,
        "parameters": asdict(config),
        "dbt_project": dbt.describe(),
        "machine": machine_facts(admin),
        "sizes": measured,
        "raw_built": raw_built,
        "largest_over_smallest": ratio,
        "dbt_largest_over_smallest": dbt_ratio,
        "largest_over_smallest_target": MAX_LARGEST_OVER_SMALLEST,
        "incremental_ok": ratio <= MAX_LARGEST_OVER_SMALLEST,
        "stale_statistics_seconds": [m["stale_statistics_seconds"] for m in measured],
        "stale_statistics_slowest_node": [
            slowest_nodes(m["stale_runs"][-1]["nodes"], 1)[0] if m["stale_runs"] else None
            for m in measured
        ],
        "queries_ok": all(q["ok"] for q in queries),
        "slowest_query": max((q["seconds"] for q in queries), default=0.0),
        "total_seconds": time.perf_counter() - started,
    }


# --------------------------------------------------------------------------------- report


def render_markdown(result: dict[str, Any]) -> str:
    sizes, raw = result["sizes"], result["raw_built"]
    base = sizes[0]["incremental_seconds"]["median"]
    header = "| measure | " + " | ".join(f"{s['label']} rows" for s in sizes) + " |"
    lines = [
        "## dbt at scale: the hourly incremental build vs history size",
        "",
        machine_line(result["machine"]),
        "",
        f"History marts laid out `{result['parameters']['layout']}`; raw window of "
        f"{result['parameters']['raw_hours']} h; sizes interleaved; median of "
        f"{result['parameters']['incremental_runs']} builds after a warm-up build, each after "
        "landing one more capture and analyzing the raw tables.",
        "",
        header,
        "|---|" + "---:|" * len(sizes),
        "| `video_stats` rows | "
        + " | ".join(f"{s['storage']['video_stats_rows']:,}" for s in sizes)
        + " |",
        "| incremental `dbt build`, fresh statistics, median (min) | "
        + " | ".join(
            f"{seconds_text(s['incremental_seconds']['median'])} "
            f"({seconds_text(s['incremental_seconds']['min'])})"
            for s in sizes
        )
        + " |",
        "| the warm-up build before them (cold cache) | "
        + " | ".join(seconds_text(s["warmup_run"]["wall_seconds"]) for s in sizes)
        + " |",
        f"| without ANALYZE since {result['parameters']['stale_captures']} captures "
        "(stale statistics) | "
        + " | ".join(
            seconds_text(s["stale_statistics_seconds"]) if s["stale_statistics_seconds"] else ""
            for s in sizes
        )
        + " |",
        "| of which dbt's own elapsed time | "
        + " | ".join(seconds_text(s["incremental_dbt_seconds"]["median"]) for s in sizes)
        + " |",
        "| vs the smallest | "
        + " | ".join(f"{s['incremental_seconds']['median'] / base:.2f}×" for s in sizes)
        + " |",
        "| `video_stats` bytes per row (heap + indexes) | "
        + " | ".join(f"{s['storage']['video_stats_bytes_per_row']:.1f}" for s in sizes)
        + " |",
    ]
    verdict = "met" if result["incremental_ok"] else "**missed**"
    lines += [
        "",
        f"Largest / smallest: **{result['largest_over_smallest']:.2f}×** (target ≤ "
        f"{result['largest_over_smallest_target']}: {verdict}; on dbt's own elapsed time "
        f"{result['dbt_largest_over_smallest']:.2f}×).",
    ]
    if raw:
        full = raw["full_refresh"]["wall_seconds"]
        incremental = raw["incremental_seconds"]["median"]
        rows = raw["storage"]["video_stats_rows"]
        lines += [
            "",
            f"Full refresh from raw JSON at {rows:,} rows ({raw['hours']} h): {seconds_text(full)} "
            f"({rate(rows, full):,.0f} rows/s); the incremental build on that warehouse "
            f"{seconds_text(incremental)} ({incremental / full:.2f} of the full refresh; "
            f"{incremental / base:.2f}× the inserted-history warehouse of the smallest size).",
        ]
    queries = result["sizes"][-1].get("report_queries", [])
    if queries:
        lines += [
            "",
            f"Report source queries at {result['sizes'][-1]['label']} rows (median of "
            f"{result['parameters']['query_repeat']}, target < {MAX_QUERY_SECONDS:g} s):",
            "",
            "| query | rows | seconds | |",
            "|---|---:|---:|---|",
            *(
                f"| `{q['query']}` | {q['rows']:,} | {q['seconds']:.3f} | "
                f"{'ok' if q['ok'] else '**over 1 s**'} |"
                for q in queries
            ),
        ]
    else:
        lines += ["", "No report source queries found in reports/sources/."]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------ CLI


def check_disk(config: ScaleConfig, workdir: Path) -> None:
    """About 120 B per video_stats row (with the other marts), 2.6 KB per raw row, twice over
    for WAL and sorts, one size at a time."""
    largest = max(config.sizes) * 120 + config.raw_hours * config.videos * 2600
    raw = config.hours_for(min(config.sizes)) * config.videos * 3000 if config.full_refresh else 0
    needed = 2 * max(largest, raw) + 1e9
    require_free_disk(workdir, needed, "pass --workdir on a bigger disk or smaller --sizes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.dbt_scale",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    defaults = ScaleConfig()
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(defaults.sizes), help="video_stats rows"
    )
    parser.add_argument("--raw-hours", type=int, default=defaults.raw_hours, help="raw window")
    parser.add_argument(
        "--incremental-runs", type=int, default=defaults.incremental_runs, help="per size"
    )
    parser.add_argument(
        "--no-full-refresh", action="store_true", help="skip the all-raw smallest size"
    )
    parser.add_argument(
        "--layout",
        choices=sorted(LAYOUTS),
        default=defaults.layout,
        help="how video_stats and trending_videos lie on disk (see LAYOUTS)",
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes")
    parser.add_argument("--workdir", type=Path, help="where the throwaway PostgreSQL goes")
    parser.add_argument("--output", type=Path, help="results JSON (default bench/results/)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the server and the largest size's database (to run queries on it)",
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        help="build this copy of the dbt project instead of the repository's (see "
        "bench.dbt_incremental --project-dir)",
    )
    parser.add_argument("--project-label", help="recorded with the results, e.g. a commit")
    parser.add_argument("-v", "--verbose", action="store_true", help="dbt's own output")
    args = parser.parse_args(argv)
    config = (
        SMOKE
        if args.smoke
        else ScaleConfig(
            sizes=tuple(sorted(args.sizes)),
            raw_hours=args.raw_hours,
            incremental_runs=args.incremental_runs,
            layout=args.layout,
            full_refresh=not args.no_full_refresh,
        )
    )
    if config != replace(ScaleConfig(), mode=config.mode) and config.mode == "full":
        config = replace(config, mode="custom")
    global KEEP_LARGEST
    KEEP_LARGEST = args.keep
    try:
        with isolated_cluster(
            args.workdir, args.keep, lambda workdir: check_disk(config, workdir)
        ) as (admin, workdir):
            result = run_benchmark(
                config,
                admin,
                workdir,
                stderr_progress(),
                DbtSetup(
                    args.project_dir.resolve() if args.project_dir else None,
                    args.verbose,
                    args.project_label,
                ),
            )
    except (BenchError, CopyError, DatabaseError, transform.DbtError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    publish(render_markdown(result), result, results_path("dbt_scale", config.mode, args.output))
    bad = non_finite(result)
    if bad:
        print(f"non-finite numbers in the results: {', '.join(bad)}", file=sys.stderr)
        return 1
    missed = not (result["incremental_ok"] and result["queries_ok"])
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
