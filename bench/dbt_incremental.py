"""Does an hourly incremental ``dbt build`` grow with history? The dbt-at-scale benchmark.

Requirement: with a history of at least 5 million ``video_stats`` rows (5,400 videos hourly
for 40 days), one incremental ``dbt build`` that adds one more capture takes at most 10% of a
full refresh, and at most 1.5x the same incremental run on a 10x shorter history; and the
snapshot history costs far fewer bytes per row than the 6-7 GB a year estimated for a
snapshot-table design.

What it does, in a throwaway PostgreSQL (pgserver) under a temporary folder:

1. For a small history (``hours / small_factor`` captures) and then the large one, each in a
   database of its own: land a synthetic raw history (``bench.history``: what ``extract/``
   lands, via COPY), ``VACUUM ANALYZE``, ``dbt parse``.
2. Time ``dbt build --full-refresh`` (the whole project, as the product runs it: in-process
   through ``flows.transform.invoke``); ``VACUUM ANALYZE`` (what autovacuum would have done
   by the next hourly run).
3. ``incremental_runs`` times: land one more hourly capture, ``CHECKPOINT``, time
   ``dbt build``. dbt's own per-node timings come from ``run_results.json``.
4. Measure ``marts.video_stats`` and the raw schema on disk.

Run it as ``python -m bench.dbt_incremental`` from the repository root (not as a script:
dbt imports any top-level module named ``dbt_*`` it finds on ``sys.path``). ``--smoke`` runs
tiny sizes in well under a minute. Results: a markdown table on stdout and
``bench/results/dbt_incremental.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import (
    BenchError,
    create_database,
    execute,
    isolated_cluster,
    machine_facts,
    non_finite,
    publish,
    query,
    rate,
    require_free_disk,
    results_path,
    seconds_text,
    stderr_progress,
)
from bench.history import (
    HISTORY_END,
    Catalogue,
    CatalogueSpec,
    CopyError,
    History,
    LandStats,
    has_quota_ledger,
)
from extract.database import ConnectionInfo, DatabaseError
from extract.load import RawStore
from extract.settings import project_root
from flows import transform
from flows.env import prepare, use_connection

RESULTS = Path(__file__).resolve().parent / "results"
MAX_INCREMENTAL_OVER_FULL = 0.10
MAX_LARGE_OVER_SMALL = 1.5
SEED_GB_PER_YEAR = (6.0, 7.0)  # a snapshot-table design's estimate for 5,400 videos hourly
# At most half that design's low estimate.
MAX_GB_PER_YEAR = SEED_GB_PER_YEAR[0] / 2
YEAR_ROWS = 5400 * 8760  # video_stats rows a year of hourly captures of 5,400 videos adds
SLOWEST = 8
# Database bytes per landed videos.list row, raw and marts together (measured: about 2,600).
DISK_BYTES_PER_VIDEO_ROW = 3000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BenchConfig:
    """Sizes of the two histories (same videos, ``small_factor`` times fewer captures)."""

    videos: int = 5400
    hours: int = 960
    small_factor: int = 10
    channels: int = 10
    regions: int = 5
    chart_size: int = 50
    playlists_per_channel: int = 4
    crawl_every_hours: int = 24
    incremental_runs: int = 2
    seed: int = 42
    mode: str = "full"

    @property
    def small_hours(self) -> int:
        return max(2, round(self.hours / self.small_factor))

    def catalogue_spec(self) -> CatalogueSpec:
        regions = ("US", "GB", "DE", "JP", "BR", "FR", "IN", "KR", "MX", "CA")
        if not 1 <= self.regions <= len(regions):
            raise BenchError(f"--regions must be between 1 and {len(regions)}")
        return CatalogueSpec(
            videos=self.videos,
            channels=self.channels,
            regions=regions[: self.regions],
            chart_size=self.chart_size,
            playlists_per_channel=self.playlists_per_channel,
            seed=self.seed,
        )


SMOKE = BenchConfig(videos=60, hours=24, channels=3, regions=2, chart_size=10, mode="smoke")


# ------------------------------------------------------------------------------------ dbt


@dataclass(frozen=True)
class DbtSetup:
    """Which dbt project to build: the repository's (default, through ``flows.transform``,
    exactly as the pipeline runs it) or another checkout of it, e.g. a ``git archive`` of a
    commit (``--project-dir``: the same in-process ``dbtRunner`` call, pointed there)."""

    project_dir: Path | None = None
    verbose: bool = False
    label: str | None = None  # e.g. the commit a --project-dir copy was archived from

    def run(self, args: list[str], conn: ConnectionInfo, target: Path) -> dict[str, Any]:
        """One timed dbt call; wall time, dbt's elapsed time, per-node times (run_results).

        Each history has its own target path: partial parsing stays valid between builds.
        """
        full = [*args, "--target-path", str(target)] + ([] if self.verbose else ["--quiet"])
        started = time.perf_counter()
        if self.project_dir is None:
            summary = transform.invoke(full, conn)
        else:
            summary = self._invoke_elsewhere(full, conn)
        wall = time.perf_counter() - started
        if not summary.success:
            failures = "; ".join(summary.failures) or "see dbt's log"
            raise BenchError(f"dbt {' '.join(args)} failed on database {conn.dbname}: {failures}")
        run = {"command": " ".join(args), "wall_seconds": wall, "counts": summary.counts}
        if args[0] in {"build", "run"}:
            run.update(read_run_results(target))
            run["overhead_seconds"] = max(0.0, wall - run["dbt_elapsed_seconds"])
            run["slowest_nodes"] = slowest_nodes(run["nodes"])
        return run

    def describe(self) -> dict[str, Any]:
        """Which project was built: its folder and, in a git checkout, commit and dirtiness."""
        folder = self.project_dir or project_root()
        return {"dir": str(folder), "label": self.label, **git_state(folder)}

    def _invoke_elsewhere(self, args: list[str], conn: ConnectionInfo) -> transform.DbtSummary:
        prepare()
        use_connection(conn)
        from dbt.cli.main import dbtRunner  # after prepare(), like flows.transform

        root = str(self.project_dir)
        result = dbtRunner().invoke([*args, "--project-dir", root, "--profiles-dir", root])
        if result.exception is not None:
            raise BenchError(f"dbt {' '.join(args)} could not run: {result.exception}")
        return transform._summarize(args[0], result)


def read_run_results(target: Path) -> dict[str, Any]:
    """dbt's elapsed time and each node's execution time (seconds) from run_results.json."""
    data = json.loads((target / "run_results.json").read_text())
    nodes = {
        result["unique_id"]: round(float(result.get("execution_time") or 0.0), 4)
        for result in data.get("results", [])
    }
    return {"dbt_elapsed_seconds": float(data.get("elapsed_time") or 0.0), "nodes": nodes}


def slowest_nodes(nodes: dict[str, float], count: int = SLOWEST) -> list[tuple[str, float]]:
    return sorted(nodes.items(), key=lambda item: -item[1])[:count]


def git_state(folder: Path) -> dict[str, Any]:
    """The commit of a checkout and whether its dbt files differ from it (read-only git)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    head = git("rev-parse", "HEAD")
    if head is None:
        return {"git_head": None, "dbt_files_modified": None}
    changes = git("status", "--porcelain", "--", "dbt_project", "dbt_project.yml", "profiles.yml")
    return {"git_head": head, "dbt_files_modified": bool(changes)}


def has_unit_tests(target: Path) -> bool:
    manifest = json.loads((target / "manifest.json").read_text())
    return bool(manifest.get("unit_tests"))


# -------------------------------------------------------------------------------- storage


def storage(conn: ConnectionInfo) -> dict[str, Any]:
    """Sizes on disk: marts.video_stats (with indexes and TOAST), every mart, the raw schema."""
    (rows, heap, indexes, total) = query(
        conn,
        "select count(*), pg_relation_size('marts.video_stats'),"
        " pg_indexes_size('marts.video_stats'), pg_total_relation_size('marts.video_stats')"
        " from marts.video_stats",
    )[0]
    raw = query(
        conn,
        "select c.relname, pg_total_relation_size(c.oid) from pg_class c"
        " join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = 'raw_youtube' and c.relkind = 'r' order by 1",
    )
    marts = query(
        conn,
        "select c.relname, pg_total_relation_size(c.oid) from pg_class c"
        " join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = 'marts' and c.relkind in ('r', 'm') order by 1",
    )
    (raw_video_rows,) = query(conn, "select count(*) from raw_youtube.videos")[0]
    (database_bytes,) = query(conn, "select pg_database_size(current_database())")[0]
    raw_bytes = sum(size for _, size in raw)
    bytes_per_row = total / rows if rows else float("nan")
    return {
        "video_stats_rows": rows,
        "video_stats_heap_bytes": heap,
        "video_stats_index_bytes": indexes,
        "video_stats_total_bytes": total,
        "video_stats_bytes_per_row": bytes_per_row,
        "projected_gb_per_year": bytes_per_row * YEAR_ROWS / 1e9,
        "marts_bytes": dict(marts),
        "raw_bytes": dict(raw),
        "raw_total_bytes": raw_bytes,
        "raw_video_rows": raw_video_rows,
        "raw_bytes_per_video_row": raw_bytes / raw_video_rows if raw_video_rows else float("nan"),
        "raw_videos_bytes_per_row": dict(raw).get("videos", 0) / max(raw_video_rows, 1),
        "database_bytes": database_bytes,
    }


# ---------------------------------------------------------------------------- measurement


@dataclass(frozen=True)
class Warehouse:
    """One history's database and the dbt target path its builds share."""

    label: str
    conn: ConnectionInfo
    target: Path
    quota_ledger: bool  # the extractor's raw schema has one: fill it too


def new_warehouse(label: str, admin: ConnectionInfo, workdir: Path) -> Warehouse:
    conn = create_database(admin, f"bench_{label}_{uuid.uuid4().hex[:8]}")
    store = RawStore(conn)
    try:
        store.ensure_schema()
    finally:
        store.close()
    return Warehouse(label, conn, workdir / f"target-{label}", has_quota_ledger(conn))


def land(history: History, wh: Warehouse, hours: range) -> dict[str, Any]:
    """COPY captures into the raw schema; rows per table and the rate (generation included)."""
    stats: LandStats = history.land(wh.conn, hours, quota_ledger=wh.quota_ledger)
    return {
        "captures": stats.captures,
        "rows": stats.rows,
        "total_rows": stats.total_rows,
        "seconds": stats.seconds,
        "rows_per_second": rate(stats.total_rows, stats.seconds),
        "video_rows_per_second": rate(stats.rows.get("videos", 0), stats.seconds),
        "copy_megabytes": stats.copy_chars / 1e6,
    }


def time_full_refresh(wh: Warehouse, dbt: DbtSetup, progress: Progress) -> dict[str, Any]:
    """Parse once (later builds parse partially, as hourly runs do), then a full refresh."""
    parse = dbt.run(["parse"], wh.conn, wh.target)
    if has_unit_tests(wh.target):
        # Unit tests on incremental models need the relations to exist (see stack notes).
        prime = ["run", "--select", "+config.materialized:incremental", "--empty"]
        dbt.run(prime, wh.conn, wh.target)
    execute(wh.conn, "checkpoint")
    progress(f"{wh.label}: dbt build --full-refresh")
    full = dbt.run(["build", "--full-refresh"], wh.conn, wh.target)
    full["parse_seconds"] = parse["wall_seconds"]
    # By the next hourly run autovacuum would have processed the new tables: do it now.
    full["settle_vacuum_seconds"] = execute(wh.conn, "vacuum (analyze)")
    progress(f"{wh.label}: full refresh {full['wall_seconds']:.1f} s")
    return full


def time_incremental(
    wh: Warehouse, history: History, runs: int, dbt: DbtSetup, progress: Progress
) -> list[dict[str, Any]]:
    """Land the next hourly capture, then ``dbt build``; ``runs`` times."""
    builds = []
    for run in range(runs):
        hour = history.hours + run
        landed = land(history, wh, range(hour, hour + 1))
        execute(wh.conn, "checkpoint")
        build = dbt.run(["build"], wh.conn, wh.target)
        build["landed"] = landed
        builds.append(build)
        progress(f"{wh.label}: incremental build {run + 1}: {build['wall_seconds']:.1f} s")
    return builds


def measure_history(
    label: str,
    history: History,
    config: BenchConfig,
    admin: ConnectionInfo,
    workdir: Path,
    progress: Progress,
    dbt: DbtSetup,
) -> dict[str, Any]:
    """Land a history in a new database, full-refresh it, then time incremental builds."""
    wh = new_warehouse(label, admin, workdir)
    progress(f"{label}: landing {history.hours} hourly captures of {config.videos} videos")
    loaded = land(history, wh, range(history.hours))
    progress(
        f"{label}: {loaded['total_rows']:,} raw rows in {loaded['seconds']:.1f} s "
        f"({loaded['rows_per_second']:,.0f} rows/s); vacuum analyze"
    )
    loaded["vacuum_analyze_seconds"] = execute(wh.conn, "vacuum (analyze)")
    full = time_full_refresh(wh, dbt, progress)
    incremental = time_incremental(wh, history, config.incremental_runs, dbt, progress)
    walls = [run["wall_seconds"] for run in incremental]
    elapsed = [run["dbt_elapsed_seconds"] for run in incremental]
    return {
        "label": label,
        "database": wh.conn.dbname,
        "hours": history.hours,
        "snapshot_rows_landed": loaded["rows"].get("videos", 0),
        "generation": loaded,
        "full_refresh": full,
        "incremental_runs": incremental,
        "incremental_seconds": {"median": statistics.median(walls), "min": min(walls)},
        "incremental_dbt_seconds": {"median": statistics.median(elapsed), "min": min(elapsed)},
        "storage": storage(wh.conn),
    }


def ratios(small: dict[str, Any], large: dict[str, Any]) -> dict[str, Any]:
    incremental = large["incremental_seconds"]["median"]
    over_full = incremental / large["full_refresh"]["wall_seconds"]
    over_small = incremental / small["incremental_seconds"]["median"]
    dbt_only = large["incremental_dbt_seconds"]["median"]
    return {
        "incremental_over_full": over_full,
        "incremental_over_full_target": MAX_INCREMENTAL_OVER_FULL,
        "incremental_over_full_ok": over_full <= MAX_INCREMENTAL_OVER_FULL,
        "large_over_small": over_small,
        "large_over_small_target": MAX_LARGE_OVER_SMALL,
        "large_over_small_ok": over_small <= MAX_LARGE_OVER_SMALL,
        # the same ratios on dbt's own elapsed time (no parsing or start-up)
        "dbt_incremental_over_full": dbt_only / large["full_refresh"]["dbt_elapsed_seconds"],
        "dbt_large_over_small": dbt_only / small["incremental_dbt_seconds"]["median"],
        "gb_per_year": large["storage"]["projected_gb_per_year"],
        "gb_per_year_target": MAX_GB_PER_YEAR,
        "storage_ok": large["storage"]["projected_gb_per_year"] <= MAX_GB_PER_YEAR,
    }


def run_benchmark(
    config: BenchConfig,
    admin: ConnectionInfo,
    workdir: Path,
    progress: Progress | None = None,
    dbt: DbtSetup | None = None,
) -> dict[str, Any]:
    """The whole benchmark against a running PostgreSQL (``admin`` may create databases)."""
    progress = progress or stderr_progress()
    large_hours, small_hours = config.hours, config.small_hours
    started = time.perf_counter()
    # Every video is published before the first capture of the longer history.
    first_capture = HISTORY_END - timedelta(hours=large_hours - 1)
    catalogue = Catalogue.generate(config.catalogue_spec(), first_capture)
    histories = {}
    for label, hours in (("small", small_hours), ("large", large_hours)):
        history = History(catalogue, hours, config.crawl_every_hours)
        histories[label] = measure_history(
            label, history, config, admin, workdir, progress, dbt or DbtSetup()
        )
    return {
        "benchmark": "dbt_incremental",
        "mode": config.mode,
        "parameters": {
            **asdict(config),
            "small_hours": small_hours,
        },
        "dbt_project": (dbt or DbtSetup()).describe(),
        "machine": machine_facts(admin),
        "histories": histories,
        "ratios": ratios(histories["small"], histories["large"]),
        "seed_gb_per_year": list(SEED_GB_PER_YEAR),
        "total_seconds": time.perf_counter() - started,
    }


# -------------------------------------------------------------------------------- report


def _ok(flag: bool) -> str:
    return "pass" if flag else "**FAIL**"


def render_markdown(result: dict[str, Any]) -> str:
    small, large = result["histories"]["small"], result["histories"]["large"]
    r, m, p = result["ratios"], result["machine"], result["parameters"]
    st_small, st_large = small["storage"], large["storage"]
    seed = result["seed_gb_per_year"]
    gen = [h["generation"] for h in (small, large)]
    rows = [
        ("hourly captures", f"{small['hours']:,}", f"{large['hours']:,}", ""),
        (
            "video_stats rows",
            f"{st_small['video_stats_rows']:,}",
            f"{st_large['video_stats_rows']:,}",
            "large ≥ 5,000,000",
        ),
        (
            "history generation + COPY",
            f"{seconds_text(gen[0]['seconds'])} ({gen[0]['rows_per_second']:,.0f} rows/s)",
            f"{seconds_text(gen[1]['seconds'])} ({gen[1]['rows_per_second']:,.0f} rows/s)",
            "minutes",
        ),
        (
            "`dbt build --full-refresh`",
            seconds_text(small["full_refresh"]["wall_seconds"]),
            seconds_text(large["full_refresh"]["wall_seconds"]),
            "",
        ),
        (
            "`dbt build` incremental, median / min",
            "{} / {}".format(*map(seconds_text, small["incremental_seconds"].values())),
            "{} / {}".format(*map(seconds_text, large["incremental_seconds"].values())),
            "",
        ),
        (
            "  of which parse and start-up",
            seconds_text(small["incremental_runs"][-1]["overhead_seconds"]),
            seconds_text(large["incremental_runs"][-1]["overhead_seconds"]),
            "",
        ),
        (
            "incremental / full refresh",
            f"{small['incremental_seconds']['median'] / small['full_refresh']['wall_seconds']:.2f}",
            f"{r['incremental_over_full']:.2f}",
            f"≤ {r['incremental_over_full_target']:.2f}: {_ok(r['incremental_over_full_ok'])}",
        ),
        (
            "incremental large / small",
            "",
            f"{r['large_over_small']:.2f}",
            f"≤ {r['large_over_small_target']:.1f}: {_ok(r['large_over_small_ok'])}",
        ),
        (
            "video_stats bytes per row (with indexes)",
            f"{st_small['video_stats_bytes_per_row']:.1f}",
            f"{st_large['video_stats_bytes_per_row']:.1f}",
            "",
        ),
        (
            "video_stats GB/year, 5,400 videos hourly",
            f"{st_small['projected_gb_per_year']:.2f}",
            f"{st_large['projected_gb_per_year']:.2f}",
            f"≤ {r['gb_per_year_target']:g} (snapshot-table design: {seed[0]:g}–{seed[1]:g}): "
            f"{_ok(r['storage_ok'])}",
        ),
        (
            "  heap / indexes per row",
            "{:.1f} / {:.1f}".format(*_per_row(st_small)),
            "{:.1f} / {:.1f}".format(*_per_row(st_large)),
            "",
        ),
        (
            "raw schema bytes per captured video row",
            f"{st_small['raw_bytes_per_video_row']:,.0f}",
            f"{st_large['raw_bytes_per_video_row']:,.0f}",
            "report only",
        ),
    ]
    lines = [
        f"## dbt incremental build vs history ({p['videos']:,} videos, "
        f"{large['hours']:,} h vs {small['hours']:,} h, mode {p['mode']})",
        "",
        f"{m['date']}: {m['cpu_count']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB RAM, "
        f"PostgreSQL {m['postgres_version']} (pgserver), dbt-core {m['dbt_version']}, "
        f"Python {m['python_version']}. {_project_line(result['dbt_project'])}",
        "",
        "| measure | small history | large history | target |",
        "|---|---:|---:|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
        f"Ratios on dbt's own elapsed time (without parsing): incremental / full "
        f"{r['dbt_incremental_over_full']:.2f}, large / small {r['dbt_large_over_small']:.2f}.",
        "",
        *render_slowest(small, large),
    ]
    return "\n".join(lines)


def _project_line(project: dict[str, Any]) -> str:
    line = f"dbt project: `{project['dir']}`"
    if project.get("label"):
        line += f" ({project['label']})"
    if project.get("git_head"):
        line += f" at {project['git_head'][:10]}"
        line += " with uncommitted changes" if project["dbt_files_modified"] else ""
    return line + "."


def _per_row(st: dict[str, Any]) -> tuple[float, float]:
    rows = max(st["video_stats_rows"], 1)
    return st["video_stats_heap_bytes"] / rows, st["video_stats_index_bytes"] / rows


def render_slowest(small: dict[str, Any], large: dict[str, Any]) -> list[str]:
    large_nodes = large["incremental_runs"][-1]["nodes"]
    small_nodes = small["incremental_runs"][-1]["nodes"]
    full_nodes = large["full_refresh"]["nodes"]
    lines = [
        f"### Slowest {SLOWEST} nodes of the last incremental build (dbt execution time)",
        "",
        "| node | large | small | large / small | large, full refresh |",
        "|---|---:|---:|---:|---:|",
    ]
    for node, seconds in slowest_nodes(large_nodes):
        before = small_nodes.get(node, 0.0)
        growth = f"{seconds / before:.1f}x" if before > 0 else ""
        lines.append(
            f"| `{node}` | {seconds_text(seconds)} | {seconds_text(before)} | {growth} | "
            f"{seconds_text(full_nodes.get(node, 0.0))} |"
        )
    return lines


# ----------------------------------------------------------------------------------- CLI


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.dbt_incremental",
        description="Time an hourly incremental `dbt build` against a full refresh on a "
        "synthetic history, and against the same run on a 10x shorter history.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    defaults = BenchConfig()
    parser.add_argument("--videos", type=int, default=defaults.videos, help="videos tracked")
    parser.add_argument(
        "--hours", type=int, default=defaults.hours, help="hourly captures, large history"
    )
    parser.add_argument(
        "--small-factor", type=int, default=defaults.small_factor, help="small = hours / this"
    )
    parser.add_argument("--channels", type=int, default=defaults.channels, help="channels")
    parser.add_argument(
        "--regions", type=int, default=defaults.regions, help="mostPopular chart regions"
    )
    parser.add_argument("--chart-size", type=int, default=defaults.chart_size, help="ranks")
    parser.add_argument(
        "--crawl-every",
        type=int,
        default=defaults.crawl_every_hours,
        help="hours between playlist crawls",
    )
    parser.add_argument(
        "--incremental-runs",
        type=int,
        default=defaults.incremental_runs,
        help="captures landed and incremental builds timed, per history",
    )
    parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, checks that all ran")
    parser.add_argument(
        "--output",
        type=Path,
        help="JSON results (default: bench/results/dbt_incremental.json; other sizes: "
        "dbt_incremental-custom.json; --smoke: none)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="create the throwaway PostgreSQL's folder in here (default: the system temp dir)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the server and its data")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--project-dir",
        type=Path,
        help="build this copy of the dbt project instead of the repository's "
        "(e.g. `git archive HEAD dbt_project dbt_project.yml profiles.yml | tar -x -C DIR`)",
    )
    parser.add_argument("--project-label", help="recorded with the results, e.g. a commit")
    parser.add_argument("-v", "--verbose", action="store_true", help="show dbt's output")
    return parser.parse_args(argv)


def config_from_args(args: argparse.Namespace) -> BenchConfig:
    if args.smoke:
        return SMOKE
    config = BenchConfig(
        videos=args.videos,
        hours=args.hours,
        small_factor=args.small_factor,
        channels=args.channels,
        regions=args.regions,
        chart_size=args.chart_size,
        crawl_every_hours=args.crawl_every,
        incremental_runs=args.incremental_runs,
        seed=args.seed,
    )
    if config.incremental_runs < 1 or config.small_factor < 1 or config.hours < 2:
        raise BenchError("--incremental-runs and --small-factor must be ≥ 1, --hours ≥ 2")
    default = config == replace(BenchConfig(), mode=config.mode)
    return config if default else replace(config, mode="custom")


def check_disk(config: BenchConfig, workdir: Path) -> None:
    """Refuse to start when the disk cannot hold both histories (plus sort spill and WAL)."""
    captures = config.hours + config.small_hours + 2 * config.incremental_runs
    needed = DISK_BYTES_PER_VIDEO_ROW * config.videos * captures * 1.3 + 1e9
    require_free_disk(workdir, needed, "pass --workdir on a bigger disk or fewer --hours")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        config = config_from_args(args)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        with isolated_cluster(
            args.workdir, args.keep, lambda workdir: check_disk(config, workdir)
        ) as (admin, workdir):
            project_dir = args.project_dir.resolve() if args.project_dir else None
            dbt = DbtSetup(project_dir, args.verbose, args.project_label)
            result = run_benchmark(config, admin, workdir, dbt=dbt)
    except (BenchError, CopyError, DatabaseError, transform.DbtError) as exc:
        hint = "" if args.keep else " (rerun with --keep to inspect the databases and dbt's log)"
        print(f"error: {exc}{hint}", file=sys.stderr)
        return 1
    publish(
        render_markdown(result), result, results_path("dbt_incremental", config.mode, args.output)
    )
    return exit_code(result, args.smoke, args.strict)


def exit_code(result: dict[str, Any], smoke: bool, strict: bool) -> int:
    bad = non_finite(result)
    if bad:
        print(f"non-finite numbers in the results: {', '.join(bad)}", file=sys.stderr)
        return 1
    r = result["ratios"]
    missed = not (r["incremental_over_full_ok"] and r["large_over_small_ok"] and r["storage_ok"])
    return 1 if strict and missed and not smoke else 0


if __name__ == "__main__":
    sys.exit(main())
