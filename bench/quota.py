"""Quota units per full run and per hourly refresh, against the theoretical minimum and
against the naive approach, for worlds of 1, 10 and 100 channels (about 500 videos each).

Requirement: every run spends exactly the minimum. The minima, counted from the world
(``World.minimum_pages``, one unit per call):

- a full run (the daily crawl): 1 per 50 channels + Σ⌈playlists/50⌉ per channel +
  Σ⌈items/50⌉ per playlist (uploads included) + ⌈videos/50⌉ (available videos, 50 ids a
  call) + chart pages; on a first run (and then daily) also the reference data:
  1 ``i18nRegions.list`` + 1 ``videoCategories.list`` per region;
- an hourly refresh (``mode="stats"``): 1 per 50 channels + 1 page per uploads playlist (new
  videos, newest first) + ⌈videos/50⌉ + chart pages.

For each world, on one emulator (frozen clock, ``search.list`` served) and a fresh database:

1. ``extract/``'s first full run (cold), then its hourly refresh one hour later; units read
   from the emulator (what it charged) and from ``raw_youtube.quota_ledger`` (what the
   extractor recorded). A 304 costs 1 unit, as any call (the emulator's default and the
   extractor's assumption: Google does not document it); what the refresh would cost if 304s
   were free is that minus its 304 pages (each 304 costs exactly ``not_modified_cost``);
2. the naive connector (``bench.naive``: ``search.list`` discovery at 100 units a page, one id
   per ``videos.list`` call, no ETags) doing the same two runs.

A day is one full run and 23 hourly refreshes; the default daily quota is 10,000 units.
Run it as ``python -m bench.quota`` from the repository root (a throwaway PostgreSQL in a
temporary folder). ``--smoke`` uses the emulator's small world. Results: a table on stdout
and ``bench/results/quota.json`` (not for ``--smoke``).
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import (
    RESULTS,
    Progress,
    create_database,
    machine_facts,
    machine_line,
    query,
    quiet,
    stderr_progress,
    throwaway_cluster,
    write_results,
)
from bench.naive import NaiveConnector
from emulator import Clock, EmulatorServer, World
from extract.database import ConnectionInfo
from extract.run import run_extract
from extract.settings import Settings

START = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
DAILY_QUOTA = 10_000
HOURLY_RUNS_PER_DAY = 23  # besides the daily full run
VIDEOS_PER_CHANNEL = 500
API_KEY = "bench-key"


@dataclass(frozen=True)
class WorldSize:
    """A world of ``channels`` tracked channels with ``videos`` videos each (the emulator's
    default mix of playlists, regions and charts)."""

    channels: int
    videos: int = VIDEOS_PER_CHANNEL

    @property
    def label(self) -> str:
        return f"{self.channels} channel{'s' if self.channels > 1 else ''}"

    def world(self) -> World:
        return World.generate(channels=self.channels, videos_per_channel=(self.videos,))


SIZES = (WorldSize(1), WorldSize(10), WorldSize(100))


def _ledger_units(conn_info: ConnectionInfo, run_id: str) -> dict[str, int]:
    rows = query(
        conn_info,
        "select method, sum(units) from raw_youtube.quota_ledger where run_id = %s "
        "group by 1 order by 1",
        (run_id,),
    )
    return {method: int(units) for method, units in rows}


def _settings(server: EmulatorServer) -> Settings:
    summary = server.world.summary()
    return Settings(
        api_key=API_KEY,
        api_url=server.url,
        channel_ids=summary["tracked_channel_ids"],
        regions=summary["region_codes"],
        timeout_seconds=60,
    )


def minimum(world: World, at: datetime, mode: str) -> dict[str, int]:
    """The fewest units a run of ``mode`` can spend at ``at``, by step."""
    pages = world.minimum_pages(at)
    if mode == "full":
        return pages
    return {
        "channels": pages["channels"],
        "uploads": len(world.tracked_channel_ids),
        "videos": pages["videos"],
        "charts": pages["charts"],
    }


def measure_world(
    admin: ConnectionInfo, world: World, label: str, progress: Progress = quiet
) -> dict[str, Any]:
    """extract/'s full run then hourly refresh, then the naive connector's, on one emulator."""
    conn = create_database(admin, f"quota_{uuid.uuid4().hex[:8]}")
    clock = Clock(START, frozen=True)
    ours: dict[str, Any] = {}
    naive: dict[str, Any] = {}
    with EmulatorServer(world, clock, search=True) as server:
        for mode, at in (("full", START), ("stats", START + timedelta(hours=1))):
            clock.set(at)
            before = server.quota()["total"]
            started = time.perf_counter()
            result = run_extract(_settings(server), conn, run_id=f"{mode}-run", mode=mode)
            ledger = _ledger_units(conn, result.run_id)
            floor = minimum(world, at, mode)
            ours[mode] = {
                "status": result.status,
                "units": server.quota()["total"] - before,
                "units_ledger": sum(ledger.values()),
                "by_method": ledger,
                "pages_not_modified": result.pages_not_modified,
                "minimum": sum(floor.values()),
                "minimum_by_step": floor,
                "seconds": time.perf_counter() - started,
            }
            ours[mode]["units_if_304_free"] = ours[mode]["units"] - result.pages_not_modified
            progress(f"quota, {label}: extract/ {mode} run {ours[mode]['units']:,} units")
        connector = NaiveConnector(
            server.url, API_KEY, world.tracked_channel_ids, world.region_codes
        )
        for mode, at in (("full", START), ("stats", START + timedelta(hours=1))):
            clock.set(at)
            before = server.quota()
            started = time.perf_counter()
            calls = connector.run(mode)
            after = server.quota()
            naive[mode] = {
                "units": after["total"] - before["total"],
                "by_method": {
                    method: units - before["by_method"].get(method, 0)
                    for method, units in after["by_method"].items()
                    if units != before["by_method"].get(method, 0)
                },
                "calls": calls,
                "seconds": time.perf_counter() - started,
            }
            progress(f"quota, {label}: naive {mode} run {naive[mode]['units']:,} units")
    summary = world.summary()
    return {
        "label": label,
        "world": {
            "tracked_channels": len(world.tracked_channel_ids),
            "regions": len(world.region_codes),
            "available_videos": len(world.available_video_ids()),
            "crawled_playlists": len(world.crawled_playlists()),
            "tracked_videos": summary["counts"]["tracked_videos"],
        },
        "ours": ours,
        "naive": naive,
        "per_day": per_day(ours, naive),
        "meets_target": all(
            run["units"] == run["minimum"] and run["status"] == "succeeded" for run in ours.values()
        ),
    }


def per_day(ours: dict[str, Any], naive: dict[str, Any]) -> dict[str, Any]:
    """Units a day of one full run and 23 hourly refreshes costs, against the daily quota."""

    def day(full: int, hourly: int) -> int:
        return full + HOURLY_RUNS_PER_DAY * hourly

    days = {
        "ours": day(ours["full"]["units"], ours["stats"]["units"]),
        "ours_if_304_free": day(
            ours["full"]["units_if_304_free"], ours["stats"]["units_if_304_free"]
        ),
        "minimum": day(ours["full"]["minimum"], ours["stats"]["minimum"]),
        "naive": day(naive["full"]["units"], naive["stats"]["units"]),
    }
    return {
        "units": days,
        "share_of_daily_quota": {k: v / DAILY_QUOTA for k, v in days.items()},
        "fits_daily_quota": {k: v <= DAILY_QUOTA for k, v in days.items()},
    }


def run_benchmark(
    admin: ConnectionInfo,
    sizes: tuple[WorldSize, ...] = SIZES,
    progress: Progress = quiet,
    worlds: dict[str, World] | None = None,
) -> dict[str, Any]:
    """Every world size (or the given ``worlds``, by label)."""
    chosen = worlds or {size.label: size.world() for size in sizes}
    measured = [measure_world(admin, world, label, progress) for label, world in chosen.items()]
    return {
        "benchmark": "quota",
        "videos_per_channel": VIDEOS_PER_CHANNEL,
        "daily_quota": DAILY_QUOTA,
        "worlds": measured,
        "meets_target": all(w["meets_target"] for w in measured),
        "machine": machine_facts(admin),
    }


def render_markdown(result: dict[str, Any]) -> str:
    lines = [
        "## Quota units per run: `extract/` vs the minimum vs the naive approach",
        "",
        machine_line(result["machine"]),
        "",
        "| world | run | minimum | `extract/` | 304 pages (if free) | naive | naive / ours |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for world in result["worlds"]:
        w = world["world"]
        name = (
            f"{world['label']} ({w['available_videos']:,} videos, "
            f"{w['crawled_playlists']:,} playlists)"
        )
        for mode, label in (("full", "full (first, cold)"), ("stats", "hourly refresh")):
            ours, naive = world["ours"][mode], world["naive"][mode]
            mark = "" if ours["units"] == ours["minimum"] else " ✘"
            lines.append(
                f"| {name} | {label} | {ours['minimum']:,} | **{ours['units']:,}**{mark} | "
                f"{ours['pages_not_modified']:,} ({ours['units_if_304_free']:,}) | "
                f"{naive['units']:,} | {naive['units'] / ours['units']:.0f}× |"
            )
            name = ""
        day = world["per_day"]
        lines.append(
            f"| | a day (1 full + {HOURLY_RUNS_PER_DAY} hourly) | {day['units']['minimum']:,} | "
            f"{day['units']['ours']:,} ({day['share_of_daily_quota']['ours']:.0%} of 10,000) | "
            f"({day['units']['ours_if_304_free']:,}) | {day['units']['naive']:,} | "
            f"{day['units']['naive'] / day['units']['ours']:.0f}× |"
        )
    verdict = "every run at the minimum" if result["meets_target"] else "**above the minimum**"
    lines += [
        "",
        f"`extract/`: {verdict}. A 304 is assumed to cost 1 unit (undocumented); the figures in "
        "brackets are what a run would cost if 304s were free.",
    ]
    return "\n".join(lines)


def world_arguments(
    prog: str, description: str, argv: list[str] | None, strict_help: str
) -> tuple[argparse.Namespace, tuple[WorldSize, ...]]:
    """The command line of the benchmarks that run worlds of SIZES (quota, e2e)."""
    parser = argparse.ArgumentParser(prog=prog, description=description.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="the emulator's small world only")
    parser.add_argument(
        "--channels",
        type=int,
        nargs="+",
        help=f"world sizes in channels (default {' '.join(str(s.channels) for s in SIZES)})",
    )
    parser.add_argument("--workdir", type=Path, help="where the throwaway folders go")
    parser.add_argument("--output", type=Path, help="results JSON (default bench/results/)")
    parser.add_argument("--strict", action="store_true", help=strict_help)
    args = parser.parse_args(argv)
    return args, tuple(WorldSize(n) for n in args.channels) if args.channels else SIZES


def main(argv: list[str] | None = None) -> int:
    args, sizes = world_arguments(
        "python -m bench.quota", __doc__, argv, "exit 1 when a target is missed"
    )
    with throwaway_cluster(args.workdir) as admin:
        worlds = {"small world": World.small()} if args.smoke else None
        result = run_benchmark(admin, sizes, stderr_progress(), worlds)
    print(render_markdown(result))
    output = args.output or (None if args.smoke else RESULTS / "quota.json")
    if output is not None:
        print(f"\nresults: {write_results(result, output)}")
    return 1 if args.strict and not result["meets_target"] else 0


if __name__ == "__main__":
    sys.exit(main())
