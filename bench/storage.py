"""Storage: bytes per ``video_stats`` row and per year for 5,400 videos hourly, with and
without the raw retention policy (``extract.retention``), and proof that it loses nothing.

Target: a year under 1 GB without losing history (a snapshot-table design is estimated at
6-7 GB a year for 5,400 videos hourly).

In a throwaway PostgreSQL:

1. land ``--hours`` hourly captures of 5,400 videos (``bench.history``: what ``extract/``
   lands, with a daily playlist crawl), ``dbt build --full-refresh``; measure every raw table
   and mart and fingerprint every mart (row count and an order-independent hash of its rows);
2. run the retention policy with ``--keep-hours`` (so that most of the history is older than
   the horizon), ``VACUUM FULL`` (the space back to the system, to measure it);
3. ``dbt build --full-refresh`` again: every mart's fingerprint must be unchanged.

A year is projected from the per-capture sizes: marts that grow per capture or per day, raw
without retention (everything kept whole), raw with retention (compacted captures, plus the
``--keep-hours`` window kept whole, which does not grow with time).

Run it as ``python -m bench.storage`` from the repository root. ``--smoke``: tiny sizes.
Results: a table on stdout and ``bench/results/storage.json`` (``--smoke``: none).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
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
    query,
    quiet,
    results_path,
    stderr_progress,
)
from bench.dbt_incremental import (
    BenchConfig,
    DbtSetup,
    land,
    new_warehouse,
)
from bench.history import HISTORY_END, Catalogue, CopyError, History
from extract import retention
from extract.database import DatabaseError
from flows import transform

YEAR_HOURS = 8760
YEAR_DAYS = 365
TARGET_GB_PER_YEAR = 1.0
SEED_GB_PER_YEAR = (6.0, 7.0)
# Marts that grow with time, and by what: a row per video per capture, per chart entry per
# capture, per video per day, per video per month. The others hold current state.
PER_CAPTURE = ("video_stats", "trending_videos")
PER_DAY = ("video_daily_stats", "channel_daily_stats")
PER_MONTH = ("video_monthly_stats",)


@dataclass(frozen=True)
class StorageConfig:
    videos: int = 5400
    hours: int = 120
    keep_hours: int = 24
    channels: int = 10
    regions: int = 5
    chart_size: int = 50
    crawl_every_hours: int = 24
    seed: int = 42
    mode: str = "full"

    def history_config(self) -> BenchConfig:
        return BenchConfig(
            videos=self.videos,
            hours=self.hours,
            channels=self.channels,
            regions=self.regions,
            chart_size=self.chart_size,
            crawl_every_hours=self.crawl_every_hours,
            seed=self.seed,
        )


SMOKE = StorageConfig(
    videos=60,
    hours=30,
    keep_hours=6,
    channels=3,
    regions=2,
    chart_size=10,
    crawl_every_hours=8,
    mode="smoke",
)


def sizes(conn: Any, schema: str) -> dict[str, dict[str, int]]:
    """Rows and bytes (heap, TOAST and indexes) of every table in ``schema``."""
    tables = query(
        conn,
        "select c.relname, pg_total_relation_size(c.oid) from pg_class c"
        " join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = %s and c.relkind = 'r' order by 1",
        (schema,),
    )
    return {
        name: {
            "bytes": int(size),
            "rows": query(conn, f"select count(*) from {schema}.{name}")[0][0],
        }
        for name, size in tables
    }


def fingerprints(conn: Any) -> dict[str, tuple[int, int]]:
    """Per mart: (rows, sum of the rows' hashes): equal marts give equal fingerprints."""
    marts = [
        name
        for name, _ in query(
            conn,
            "select table_name, 1 from information_schema.tables"
            " where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1",
        )
    ]
    return {
        mart: tuple(
            query(
                conn,
                f"select count(*), coalesce(sum(hashtext(t::text)::bigint), 0)"
                f" from marts.{mart} as t",
            )[0]
        )
        for mart in marts
    }


def _total(tables: dict[str, dict[str, int]]) -> int:
    return sum(t["bytes"] for t in tables.values())


def project_year(
    config: StorageConfig,
    marts: dict[str, dict[str, int]],
    raw_before: dict[str, dict[str, int]],
    raw_after: dict[str, dict[str, int]],
    captures: int,
    compacted_hours: float,
) -> dict[str, Any]:
    """GB a year of ``config.videos`` videos hourly adds, per part."""
    days = captures / 24
    per_year = {}
    for name, table in marts.items():
        if name in PER_CAPTURE:
            per_year[f"marts.{name}"] = table["bytes"] / captures * YEAR_HOURS
        elif name in PER_DAY:
            per_year[f"marts.{name}"] = table["bytes"] / max(days, 1) * YEAR_DAYS
        elif name in PER_MONTH:
            per_year[f"marts.{name}"] = table["bytes"] / max(days / 30.4, 1) * 12
    marts_year = sum(per_year.values())
    raw_whole = _total(raw_before)
    raw_whole_year = raw_whole / captures * YEAR_HOURS
    # After retention: the compacted hours at their new size, the window kept whole.
    whole_per_hour = raw_whole / captures
    window_hours = captures - compacted_hours
    compacted_bytes = max(_total(raw_after) - window_hours * whole_per_hour, 0.0)
    compacted_per_hour = compacted_bytes / compacted_hours if compacted_hours else float("nan")
    raw_retained_year = compacted_per_hour * YEAR_HOURS
    window_bytes = config.keep_hours * whole_per_hour
    video_stats = marts.get("video_stats", {"bytes": 0, "rows": 1})
    return {
        "video_stats_bytes_per_row": video_stats["bytes"] / max(video_stats["rows"], 1),
        "video_stats_gb": per_year.get("marts.video_stats", 0.0) / 1e9,
        "growing_marts_gb": {k: v / 1e9 for k, v in per_year.items()},
        "marts_gb": marts_year / 1e9,
        "raw_without_retention_gb": raw_whole_year / 1e9,
        "raw_with_retention_gb": raw_retained_year / 1e9,
        "raw_window_gb": window_bytes / 1e9,
        "raw_bytes_per_capture_whole": whole_per_hour,
        "raw_bytes_per_capture_compacted": compacted_per_hour,
        "total_without_retention_gb": (marts_year + raw_whole_year) / 1e9,
        "total_with_retention_gb": (marts_year + raw_retained_year) / 1e9,
    }


def run_benchmark(
    config: StorageConfig,
    admin: Any,
    workdir: Path,
    progress: Progress = quiet,
    dbt: DbtSetup | None = None,
) -> dict[str, Any]:
    dbt = dbt or DbtSetup()
    started = time.perf_counter()
    history_config = config.history_config()
    catalogue = Catalogue.generate(
        history_config.catalogue_spec(), HISTORY_END - timedelta(hours=config.hours)
    )
    history = History(catalogue, config.hours, config.crawl_every_hours)
    wh = new_warehouse("storage", admin, workdir)
    progress(f"storage: landing {config.hours} hourly captures of {config.videos} videos")
    landed = land(history, wh, range(config.hours))
    execute(wh.conn, "vacuum (analyze)")
    dbt.run(["parse"], wh.conn, wh.target)
    progress("storage: dbt build --full-refresh")
    build_started = datetime.now(UTC)
    before_build = dbt.run(["build", "--full-refresh"], wh.conn, wh.target)
    retention.mark_transformed(wh.conn, build_started)  # as the pipeline flow does
    execute(wh.conn, "vacuum (full, analyze)")
    marts = sizes(wh.conn, "marts")
    raw_before = sizes(wh.conn, "raw_youtube")
    prints_before = fingerprints(wh.conn)

    last = history.capture_time(config.hours - 1)
    progress(f"storage: raw retention, keeping {config.keep_hours} h whole")
    report = retention.compact(
        wh.conn, keep=timedelta(hours=config.keep_hours), now=last, vacuum="full"
    )
    if report.horizon is None:
        raise BenchError(f"the retention pass did nothing: {report.reason}")
    raw_after = sizes(wh.conn, "raw_youtube")
    progress("storage: dbt build --full-refresh on the compacted raw tables")
    after_build = dbt.run(["build", "--full-refresh"], wh.conn, wh.target)
    prints_after = fingerprints(wh.conn)
    differing = sorted(m for m in prints_before if prints_before[m] != prints_after.get(m))
    compacted_hours = (report.horizon - history.capture_time(0)).total_seconds() / 3600
    year = project_year(config, marts, raw_before, raw_after, config.hours, compacted_hours)
    execute(admin, f'drop database "{wh.conn.dbname}"')
    return {
        "benchmark": "storage",
        "mode": config.mode,
        "parameters": asdict(config),
        "machine": machine_facts(admin),
        "landed": landed,
        "marts": marts,
        "raw_before": raw_before,
        "raw_after": raw_after,
        "retention": {
            "horizon": report.horizon.isoformat(),
            "compacted_hours": compacted_hours,
            "rows": report.rows,
            "seconds": report.seconds,
            "compact_seconds": report.compact_seconds,
        },
        "full_refresh_seconds": {
            "whole_raw": before_build["wall_seconds"],
            "compacted_raw": after_build["wall_seconds"],
        },
        "marts_identical": not differing,
        "marts_differing": differing,
        "marts_compared": len(prints_before),
        "year": year,
        "target_gb_per_year": TARGET_GB_PER_YEAR,
        "seed_gb_per_year": list(SEED_GB_PER_YEAR),
        "meets_target": year["total_with_retention_gb"] <= TARGET_GB_PER_YEAR and not differing,
        "total_seconds": time.perf_counter() - started,
    }


def render_markdown(result: dict[str, Any]) -> str:
    y, p = result["year"], result["parameters"]
    ret = result["retention"]
    full = result["full_refresh_seconds"]
    raw_before = _total(result["raw_before"])
    raw_after = _total(result["raw_after"])
    same = (
        f"all {result['marts_compared']} marts identical after a full refresh"
        if result["marts_identical"]
        else f"**marts differ: {', '.join(result['marts_differing'])}**"
    )
    lines = [
        f"## Storage: {p['videos']:,} videos hourly, projected to a year "
        f"(from {p['hours']} captures)",
        "",
        machine_line(result["machine"]),
        "",
        "| per year | without raw retention | with raw retention |",
        "|---|---:|---:|",
        f"| `marts.video_stats` ({y['video_stats_bytes_per_row']:.1f} B/row) | "
        f"{y['video_stats_gb']:.2f} GB | {y['video_stats_gb']:.2f} GB |",
        f"| all growing marts | {y['marts_gb']:.2f} GB | {y['marts_gb']:.2f} GB |",
        f"| raw tables | {y['raw_without_retention_gb']:.1f} GB | "
        f"{y['raw_with_retention_gb']:.1f} GB (+ {y['raw_window_gb']:.2f} GB: the last "
        f"{p['keep_hours']} h kept whole) |",
        f"| **total** | **{y['total_without_retention_gb']:.1f} GB** | "
        f"**{y['total_with_retention_gb']:.1f} GB** |",
        "",
        f"Raw per capture: {y['raw_bytes_per_capture_whole'] / 1e6:.2f} MB whole, "
        f"{y['raw_bytes_per_capture_compacted'] / 1e6:.2f} MB compacted. Retention pass over "
        f"{ret['compacted_hours']:.0f} h: {ret['compact_seconds']:.1f} s (then VACUUM FULL: "
        f"{ret['seconds'] - ret['compact_seconds']:.1f} s), raw tables "
        f"{raw_before / 1e9:.2f} GB → {raw_after / 1e9:.2f} GB; {same}; full refresh "
        f"{full['whole_raw']:.1f} s from whole raw, {full['compacted_raw']:.1f} s from "
        "compacted raw.",
        "",
        f"Target: a year under {result['target_gb_per_year']:g} GB: "
        + ("met." if result["meets_target"] else "**missed**")
        + f" (snapshot-table design's estimate: {result['seed_gb_per_year'][0]:g}–"
        f"{result['seed_gb_per_year'][1]:g} GB).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.storage",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    defaults = StorageConfig()
    parser.add_argument("--hours", type=int, default=defaults.hours, help="hourly captures")
    parser.add_argument(
        "--keep-hours", type=int, default=defaults.keep_hours, help="kept whole by retention"
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes")
    parser.add_argument("--workdir", type=Path, help="where the throwaway PostgreSQL goes")
    parser.add_argument("--output", type=Path, help="results JSON (default bench/results/)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    config = SMOKE if args.smoke else StorageConfig(hours=args.hours, keep_hours=args.keep_hours)
    if config.mode == "full" and config != replace(StorageConfig(), mode="full"):
        config = replace(config, mode="custom")
    try:
        with isolated_cluster(args.workdir) as (admin, workdir):
            result = run_benchmark(config, admin, workdir, stderr_progress())
    except (BenchError, CopyError, DatabaseError, transform.DbtError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    publish(render_markdown(result), result, results_path("storage", config.mode, args.output))
    if non_finite(result) or not result["marts_identical"]:
        return 1
    return 1 if args.strict and not result["meets_target"] else 0


if __name__ == "__main__":
    sys.exit(main())
