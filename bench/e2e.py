"""End to end: ``ytw run`` wall time for 1, 10 and 100 channels against the emulator, and
where each run spends it, from the run's own timing log.

For each world (``bench.quota.WorldSize``: about 500 videos a channel, the emulator's mix of
playlists, 14 regions' charts), in a database of its own and with a state folder of its own
(``TUBEWAREHOUSE_HOME``: Prefect's home and the run reports):

1. ``ytw run`` (the daily full crawl, then ``dbt build``) on an empty warehouse;
2. the emulator's clock one hour later, ``ytw run --mode stats`` (the hourly refresh).

Each is a fresh ``ytw`` process, as a scheduler or a user starts it: its wall time includes
Python's start-up and Prefect's temporary local server. The breakdown is read from the run
report the pipeline writes (``$TUBEWAREHOUSE_HOME/runs/<run_id>.json``): the run's seconds;
extract's API and landing seconds (the rest of extract: planning, reading ETags back,
bookkeeping); dbt's parse and build seconds; the rest of the wall time is process and
Prefect start-up.

Run it as ``python -m bench.e2e`` from the repository root. ``--smoke``: the emulator's small
world only. Results: a table on stdout and ``bench/results/e2e.json`` (``--smoke``: none).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import (
    RESULTS,
    Progress,
    create_database,
    machine_facts,
    machine_line,
    quiet,
    stderr_progress,
    throwaway_cluster,
    write_results,
)
from bench.quota import SIZES, WorldSize, world_arguments
from emulator import Clock, EmulatorServer, World
from extract.database import ConnectionInfo

START = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
API_KEY = "bench-e2e-key"
RUNS = (("full", "`ytw run` (full crawl, first run)"), ("stats", "`ytw run --mode stats` (+1 h)"))


class E2EError(RuntimeError):
    """A ``ytw run`` failed or left no run report; the message has its output."""


def ytw() -> str:
    """The ``ytw`` script next to this interpreter (the project's venv)."""
    script = Path(sys.executable).with_name("ytw")
    if not script.exists():
        raise E2EError(f"no ytw script next to {sys.executable}: install the project first")
    return str(script)


def run_ytw(
    mode: str, env: dict[str, str], home: Path, timeout: float = 3600
) -> tuple[float, dict[str, Any]]:
    """One ``ytw run`` process: its wall time and the run report it wrote."""
    runs = home / "runs"
    before = set(runs.glob("*.json")) if runs.exists() else set()
    args = [ytw(), "run"] + (["--mode", mode] if mode != "full" else [])
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - started
    new = sorted(set(runs.glob("*.json")) - before) if runs.exists() else []
    if done.returncode != 0 or not new:
        output = (done.stdout + done.stderr).strip().splitlines()[-15:]
        raise E2EError(
            f"ytw run --mode {mode} exited {done.returncode}"
            + ("" if new else f" and wrote no report in {runs}")
            + ":\n  "
            + "\n  ".join(output)
        )
    return wall, json.loads(new[-1].read_text())


def breakdown(wall: float, report: dict[str, Any]) -> dict[str, Any]:
    """Where one run's wall time went, from its report."""
    ext, dbt = report.get("extract") or {}, report.get("dbt") or {}
    api = float(ext.get("api_seconds") or 0.0)
    landing = float(ext.get("landing_seconds") or 0.0)
    extract_seconds = float(ext.get("seconds") or 0.0)
    parse = float(dbt.get("parse_seconds") or 0.0)
    build = float(dbt.get("build_seconds") or 0.0)
    run_seconds = float(report.get("seconds") or 0.0)
    return {
        "run_id": report.get("run_id"),
        "status": report.get("status"),
        "wall_seconds": wall,
        "run_seconds": run_seconds,
        "api_seconds": api,
        "landing_seconds": landing,
        "extract_other_seconds": max(extract_seconds - api - landing, 0.0),
        "extract_seconds": extract_seconds,
        "dbt_parse_seconds": parse,
        "dbt_build_seconds": build,
        # Prefect's task and flow bookkeeping inside the run, outside extract and dbt
        "run_other_seconds": max(run_seconds - extract_seconds - parse - build, 0.0),
        "startup_seconds": max(wall - run_seconds, 0.0),
        "pages": ext.get("pages"),
        "units_spent": ext.get("units_spent"),
        "rows_landed": sum((ext.get("rows_landed") or {}).values()),
        "dbt_counts": dbt.get("counts"),
    }


def measure_world(
    admin: ConnectionInfo,
    world: World,
    label: str,
    workdir: Path,
    progress: Progress = quiet,
    modes: tuple[str, ...] = tuple(mode for mode, _ in RUNS),
) -> dict[str, Any]:
    """``ytw run`` in each of ``modes`` (the first on an empty warehouse, then an hour apart)."""
    conn = create_database(admin, f"e2e_{uuid.uuid4().hex[:8]}")
    home = workdir / f"home-{uuid.uuid4().hex[:6]}"
    home.mkdir(parents=True)
    clock = Clock(START, frozen=True)
    runs = {}
    with EmulatorServer(world, clock) as server:
        env = {
            **os.environ,
            "TUBEWAREHOUSE_HOME": str(home),
            "DATABASE_URL": conn.url,
            "YOUTUBE_API_URL": server.url,
            "YOUTUBE_API_KEY": API_KEY,
            "YOUTUBE_CHANNEL_IDS": ",".join(world.tracked_channel_ids),
            "YOUTUBE_REGIONS": ",".join(world.region_codes),
            "PREFECT_HOME": str(home / "prefect"),
            "DBT_LOG_PATH": str(home / "dbt-logs"),
            "PREFECT_LOGGING_LEVEL": "WARNING",
        }
        for number, mode in enumerate(modes):
            if number:
                clock.advance(timedelta(hours=1))
            wall, report = run_ytw(mode, env, home)
            runs[mode] = breakdown(wall, report)
            progress(
                f"e2e, {label}: {mode} run {wall:.1f} s (run {runs[mode]['run_seconds']:.1f} s)"
            )
    return {
        "label": label,
        "world": {
            "tracked_channels": len(world.tracked_channel_ids),
            "available_videos": len(world.available_video_ids()),
            "crawled_playlists": len(world.crawled_playlists()),
            "regions": len(world.region_codes),
        },
        "runs": runs,
    }


def run_benchmark(
    admin: ConnectionInfo,
    workdir: Path,
    sizes: tuple[WorldSize, ...] = SIZES,
    progress: Progress = quiet,
    worlds: dict[str, World] | None = None,
) -> dict[str, Any]:
    chosen = worlds or {size.label: size.world() for size in sizes}
    measured = [
        measure_world(admin, world, label, workdir, progress) for label, world in chosen.items()
    ]
    return {"benchmark": "e2e", "worlds": measured, "machine": machine_facts(admin)}


def _s(seconds: float) -> str:
    return f"{seconds:,.1f}"


def render_markdown(result: dict[str, Any]) -> str:
    lines = [
        "## End to end: `ytw run` against the emulator (seconds)",
        "",
        machine_line(result["machine"]),
        "",
        "| world | run | wall | of which: start-up | API | landing | other extract | "
        "dbt parse | dbt build | quota units | raw rows |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for world in result["worlds"]:
        w = world["world"]
        name = f"{world['label']} ({w['available_videos']:,} videos)"
        for mode, label in RUNS:
            if mode not in world["runs"]:
                continue
            r = world["runs"][mode]
            lines.append(
                f"| {name} | {label} | **{_s(r['wall_seconds'])}** | "
                f"{_s(r['startup_seconds'])} | {_s(r['api_seconds'])} | "
                f"{_s(r['landing_seconds'])} | {_s(r['extract_other_seconds'])} | "
                f"{_s(r['dbt_parse_seconds'])} | {_s(r['dbt_build_seconds'])} | "
                f"{r['units_spent'] or 0:,} | {r['rows_landed']:,} |"
            )
            name = ""
    lines += [
        "",
        "Start-up: the `ytw` process and Prefect's temporary local server (the wall time "
        "minus the run's own seconds). API: waiting on the emulator (which shares the two "
        "cores). The rest of each run is Prefect's bookkeeping.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args, sizes = world_arguments(
        "python -m bench.e2e", __doc__, argv, "no target here: accepted, no-op"
    )
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="tubewarehouse-bench-e2e-", dir=args.workdir))
    try:
        with throwaway_cluster(workdir) as admin:
            worlds = {"small world": World.small()} if args.smoke else None
            result = run_benchmark(admin, workdir, sizes, stderr_progress(), worlds)
    except E2EError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(render_markdown(result))
    output = args.output or (None if args.smoke else RESULTS / "e2e.json")
    if output is not None:
        print(f"\nresults: {write_results(result, output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
