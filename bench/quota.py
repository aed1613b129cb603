"""Quota units a full run spends, against the theoretical minimum for the emulator's world.

Requirement: a first run spends exactly the minimum, and an unchanged second run spends less
than that (ETags). The minimum of one full run over the default world
(``World.generate()``, its 3 tracked channels and 14 regions), counted by hand from the world:

    1 (channels.list, 3 ids) + Σ⌈playlists/50⌉ per channel + Σ⌈items/50⌉ per playlist
    (uploads included) + ⌈videos/50⌉ (available videos, 50 ids per call) + chart pages

plus, on a first run only, the reference data: 1 i18nRegions.list + 1 videoCategories.list
per region (refreshed daily, so an hourly run does not pay them again).

Runs, each on a fresh emulator (frozen clock) and a fresh database:

1. a first run (cold: nothing in the warehouse);
2. a second run one hour later, nothing changed but the statistics and the charts, with a 304
   costing 1 unit (the emulator's default, and the extractor's assumption: Google does not
   document conditional requests as free);
3. the same second run if a 304 cost nothing (``not_modified_cost=0``).

Units are read from the emulator (what it charged) and from ``raw_youtube.quota_ledger``
(what the extractor recorded). Run it as ``python -m bench.quota`` from the repository root
(a throwaway PostgreSQL in a temporary folder). ``--smoke`` uses the small world. Results: a
table on stdout and ``bench/results/quota.json`` (not for ``--smoke``).
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg2

from bench.landing import throwaway_cluster
from extract.database import ConnectionInfo
from extract.emulator import Clock, EmulatorServer, World
from extract.run import run_extract
from extract.settings import Settings, project_root

RESULTS = project_root() / "bench" / "results"
START = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
PAGE = 50


def _database(admin: ConnectionInfo) -> ConnectionInfo:
    name = f"quota_{uuid.uuid4().hex[:8]}"
    conn = psycopg2.connect(admin.url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'create database "{name}"')
    conn.close()
    return ConnectionInfo(admin.host, admin.port, admin.user, admin.password, name)


def _ledger_units(conn_info: ConnectionInfo, run_id: str) -> dict[str, int]:
    conn = conn_info.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select method, sum(units) from raw_youtube.quota_ledger where run_id = %s "
                "group by 1 order by 1",
                (run_id,),
            )
            return {method: int(units) for method, units in cur.fetchall()}
    finally:
        conn.close()


def _settings(server: EmulatorServer) -> Settings:
    summary = server.world.summary()
    return Settings(
        api_key="bench-key",
        api_url=server.url,
        channel_ids=summary["tracked_channel_ids"],
        regions=summary["region_codes"],
        timeout_seconds=30,
    )


def run_pair(admin: ConnectionInfo, world: World, not_modified_cost: int) -> dict[str, Any]:
    """A first run, then an unchanged second run an hour later, in a fresh database."""
    conn = _database(admin)
    clock = Clock(START, frozen=True)
    runs: dict[str, Any] = {}
    with EmulatorServer(world, clock, not_modified_cost=not_modified_cost) as server:
        for name in ("first", "second"):
            if name == "second":
                clock.advance(timedelta(hours=1))
            before = server.quota()["total"]
            result = run_extract(_settings(server), conn, run_id=name)
            ledger = _ledger_units(conn, name)
            runs[name] = {
                "status": result.status,
                "units_charged": server.quota()["total"] - before,
                "units_ledger": sum(ledger.values()),
                "by_method": ledger,
                "pages_not_modified": result.pages_not_modified,
                "minimum": world.minimum_pages(clock.now()),
            }
    return runs


def run_benchmark(admin: ConnectionInfo, world: World) -> dict[str, Any]:
    charged = run_pair(admin, world, not_modified_cost=1)
    free = run_pair(admin, world, not_modified_cost=0)
    first_min = charged["first"]["minimum"]
    formula = sum(v for k, v in first_min.items() if k != "reference")
    rows = [
        ("first run (cold)", charged["first"], formula + first_min["reference"]),
        ("second run, +1 h, 304 = 1 unit (assumed)", charged["second"], formula),
        ("second run, +1 h, if 304 were free", free["second"], formula),
    ]
    table = [
        {
            "run": label,
            "units_charged": run["units_charged"],
            "units_ledger": run["units_ledger"],
            "pages_not_modified": run["pages_not_modified"],
            "formula_minimum": formula,
            "minimum_for_this_run": floor,
            "vs_formula": run["units_charged"] - formula,
            "status": run["status"],
        }
        for label, run, floor in rows
    ]
    return {
        "world": {
            "channels": len(world.tracked_channel_ids),
            "regions": len(world.region_codes),
            "minimum_by_step": first_min,
        },
        "formula_minimum": formula,
        "runs": table,
        "meets_target": (
            table[0]["units_charged"] == table[0]["minimum_for_this_run"]
            and table[1]["units_charged"] <= formula
            and table[2]["units_charged"] < formula
        ),
        "details": {"not_modified_cost_1": charged, "not_modified_cost_0": free},
    }


def render_markdown(result: dict[str, Any]) -> str:
    world = result["world"]
    steps = ", ".join(f"{k} {v}" for k, v in world["minimum_by_step"].items())
    lines = [
        f"quota units of a full run: {world['channels']} channels, {world['regions']} regions "
        f"(minimum by step: {steps})",
        "",
        "| run | units (emulator) | units (ledger) | 304 pages | minimum | vs formula |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in result["runs"]:
        lines.append(
            f"| {row['run']} | {row['units_charged']} | {row['units_ledger']} | "
            f"{row['pages_not_modified']} | {row['minimum_for_this_run']} | "
            f"{row['vs_formula']:+d} |"
        )
    lines += [
        "",
        f"formula minimum (1 + Σ⌈playlists/50⌉ + Σ⌈items/50⌉ + ⌈videos/50⌉ + chart pages): "
        f"{result['formula_minimum']}; a first run also needs the reference data "
        f"({world['minimum_by_step']['reference']} units, then daily).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quota", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="the small world")
    parser.add_argument("--output", type=Path, help="results JSON (default bench/results/)")
    args = parser.parse_args(argv)
    world = World.small() if args.smoke else World.generate()
    with throwaway_cluster() as admin:
        result = run_benchmark(admin, world)
    print(render_markdown(result))
    output = args.output or (None if args.smoke else RESULTS / "quota.json")
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, indent=2, default=str) + "\n")
        print(f"\nresults: {output}")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
