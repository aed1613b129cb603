"""``python -m bench`` (``make bench``): every benchmark, one after the other, then one table.

Each benchmark runs as its own process (``python -m bench.<name>``: its own throwaway
PostgreSQL and state folder) and writes its JSON into ``bench/results/``; the combined table
is rendered from those files, so ``--table`` alone reprints it from the latest results.

    python -m bench                      # all of them (about 40 minutes on 2 cores, ~25 GB free)
    python -m bench --only quota landing # some of them
    python -m bench --table              # the table from bench/results/*.json
    python -m bench --smoke              # tiny sizes, results in a temporary folder
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import RESULTS, machine_line

# In the order they run: the cheap ones first.
BENCHES = (
    "quota",
    "landing",
    "storage",
    "e2e",
    "dbt_scale",
    "dbt_incremental",
    "refresh",
    "reports",
)


def run(names: list[str], results: Path, smoke: bool, extra: list[str]) -> dict[str, int]:
    codes = {}
    for name in names:
        output = results / f"{name}.json"
        args = [sys.executable, "-m", f"bench.{name}", "--output", str(output), *extra]
        if smoke:
            args.append("--smoke")
        print(f"\n=== python -m bench.{name} ===", file=sys.stderr, flush=True)
        started = time.perf_counter()
        codes[name] = subprocess.run(args).returncode
        print(
            f"=== bench.{name}: exit {codes[name]} after {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    return codes


def load(results: Path) -> dict[str, dict[str, Any]]:
    found = {}
    for name in BENCHES:
        path = results / f"{name}.json"
        if path.exists():
            found[name] = json.loads(path.read_text())
    return found


def _ok(flag: bool) -> str:
    return "✔" if flag else "✘ **missed**"


def _rows_landing(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rate, ratios, meets = r["rows_per_second"], r["ratios"], r["meets"]
    return [
        (
            "1 landing",
            f"`RawStore.land_page`, {r['rows']:,} `videos.list` items",
            f"{rate['land_page']:,.0f} rows/s",
            "",
        ),
        (
            "",
            "vs bare COPY of the same rows (rendering included / pre-rendered)",
            f"{ratios['vs_bare_copy']:.0%} / {ratios['vs_prerendered_copy']:.0%}",
            f"≥ 50 %: {_ok(meets['vs_bare_copy'])} / {_ok(meets['vs_prerendered_copy'])}",
        ),
        (
            "",
            f"vs a per-row SELECT + UPDATE/INSERT + COMMIT ({rate['per_row']:,.0f} rows/s)",
            f"{ratios['over_per_row']:.0f}×",
            f"≥ 100×: {_ok(meets['over_per_row'])} (a bare COPY: "
            f"{ratios['prerendered_copy_over_per_row']:.0f}×)",
        ),
    ]


def _rows_quota(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows = []
    for world in r["worlds"]:
        ours, naive = world["ours"], world["naive"]
        full, stats = ours["full"], ours["stats"]
        at_min = full["units"] == full["minimum"] and stats["units"] == stats["minimum"]
        day = world["per_day"]["units"]
        rows.append(
            (
                "2 quota" if not rows else "",
                f"{world['label']} ({world['world']['available_videos']:,} videos): full run / "
                "hourly refresh (minimum) · naive",
                f"{full['units']:,} / {stats['units']:,} ({full['minimum']:,} / "
                f"{stats['minimum']:,}) · {naive['full']['units']:,} / "
                f"{naive['stats']['units']:,}",
                f"= minimum: {_ok(at_min)}; a day {day['ours']:,} units "
                f"({day['ours'] / r['daily_quota']:.0%} of 10,000; naive "
                f"{day['naive'] / day['ours']:.0f}×)",
            )
        )
    return rows


def _rows_dbt(
    scale: dict[str, Any] | None, incremental: dict[str, Any] | None
) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    if scale:
        sizes = scale["sizes"]
        rows.append(
            (
                "3 dbt",
                "incremental `dbt build`, "
                + " / ".join(s["label"] for s in sizes)
                + " `video_stats` rows",
                " / ".join(f"{s['incremental_seconds']['median']:.1f} s" for s in sizes),
                f"largest ≤ 1.5× smallest: {scale['largest_over_smallest']:.2f}× "
                f"{_ok(scale['incremental_ok'])}",
            )
        )
        rows.append(
            (
                "",
                "the slowest of those builds, and the build with stale planner statistics",
                " / ".join(
                    f"{s['incremental_seconds']['max']:.1f} s, "
                    f"{s['stale_statistics_seconds'] or 0:.1f} s"
                    for s in sizes
                ),
                "",
            )
        )
        raw = scale.get("raw_built")
        if raw:
            rows.append(
                (
                    "",
                    f"full refresh from raw, {raw['storage']['video_stats_rows']:,} rows",
                    f"{raw['full_refresh']['wall_seconds']:.1f} s",
                    f"incremental: {raw['incremental_seconds']['median'] / raw['full_refresh']['wall_seconds']:.2f} of it",  # noqa: E501
                )
            )
    if incremental:
        large = incremental["histories"]["large"]
        rows.append(
            (
                "" if rows else "3 dbt",
                f"full refresh from raw, {large['storage']['video_stats_rows']:,} rows "
                "(`bench.dbt_incremental`)",
                f"{large['full_refresh']['wall_seconds']:.1f} s",
                f"incremental: {incremental['ratios']['incremental_over_full']:.2f} of it",
            )
        )
    if scale:
        queries = scale["sizes"][-1].get("report_queries", [])
        if queries:
            slowest = max(queries, key=lambda q: q["seconds"])
            rows.append(
                (
                    "",
                    f"report source queries at {scale['sizes'][-1]['label']} rows "
                    f"({len(queries)}), slowest `{slowest['query']}`",
                    f"{slowest['seconds']:.3f} s",
                    f"< 1 s each: {_ok(scale['queries_ok'])}",
                )
            )
    return rows


def _rows_e2e(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows = []
    for world in r["worlds"]:
        full, stats = world["runs"]["full"], world["runs"]["stats"]
        rows.append(
            (
                "4 end to end" if not rows else "",
                f"`ytw run` {world['label']}: full / hourly (`--mode stats`)",
                f"{full['wall_seconds']:.0f} s / {stats['wall_seconds']:.0f} s",
                f"hourly: start-up {stats['startup_seconds']:.1f} s, API "
                f"{stats['api_seconds']:.1f} s, landing {stats['landing_seconds']:.1f} s, dbt "
                f"parse {stats['dbt_parse_seconds']:.1f} s + build "
                f"{stats['dbt_build_seconds']:.1f} s",
            )
        )
    return rows


def _rows_storage(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    y = r["year"]
    return [
        (
            "5 storage",
            f"`video_stats` bytes per row; per year ({r['parameters']['videos']:,} videos hourly)",
            f"{y['video_stats_bytes_per_row']:.1f} B; {y['video_stats_gb']:.1f} GB",
            "seed estimate 6–7 GB/year",
        ),
        (
            "",
            "raw tables, a year: without / with raw retention (+ the window kept whole, "
            f"{r['parameters']['keep_hours']} h)",
            f"{y['raw_without_retention_gb']:.1f} GB / {y['raw_with_retention_gb']:.1f} GB "
            f"(+ {y['raw_window_gb']:.2f} GB)",
            "",
        ),
        (
            "",
            "a year, marts + raw: without / with raw retention",
            f"{y['total_without_retention_gb']:.1f} GB / {y['total_with_retention_gb']:.1f} GB",
            f"< 1 GB: {_ok(r['meets_target'])}; marts identical after compaction: "
            f"{_ok(r['marts_identical'])}",
        ),
    ]


def _rows_refresh(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The refresh planner's rows (``bench.refresh.table_rows``), its items numbered inside."""
    from bench.refresh import table_rows

    rows = []
    item = ""
    for number, (label, measure, result, target) in enumerate(table_rows(r)):
        item = label.split(" ")[0] if label else item
        rows.append(("6 refresh" if number == 0 else "", f"({item}) {measure}", result, target))
    return rows


def _rows_reports(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The reports' publishing costs (``bench.reports.table_rows``)."""
    from bench.reports import table_rows

    return [("7 reports" if label else "", *rest) for label, *rest in table_rows(r)]


def render_table(results: dict[str, dict[str, Any]]) -> str:
    rows: list[tuple[str, str, str, str]] = []
    if "landing" in results:
        rows += _rows_landing(results["landing"])
    if "quota" in results:
        rows += _rows_quota(results["quota"])
    rows += _rows_dbt(results.get("dbt_scale"), results.get("dbt_incremental"))
    if "e2e" in results:
        rows += _rows_e2e(results["e2e"])
    if "storage" in results:
        rows += _rows_storage(results["storage"])
    if "refresh" in results:
        rows += _rows_refresh(results["refresh"])
    if "reports" in results:
        rows += _rows_reports(results["reports"])
    machine = next(
        (r["machine"] for r in results.values() if "cpu_model" in r.get("machine", {})), None
    )
    dates = sorted(
        {r["machine"]["date"][:10] for r in results.values() if "date" in r.get("machine", {})}
    )
    lines = ["## Benchmarks", ""]
    if machine:
        lines += [f"{machine_line(machine)} (results of {', '.join(dates)})", ""]
    lines += ["| # | measure | result | target |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run every benchmark and print one table.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("--only", nargs="+", choices=BENCHES, help="run only these")
    parser.add_argument("--table", action="store_true", help="only print the table of results")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (results not kept)")
    parser.add_argument(
        "--results", type=Path, help="results folder (default bench/results; --smoke: a temp one)"
    )
    args, extra = parser.parse_known_args(argv)
    results = args.results or (
        Path(tempfile.mkdtemp(prefix="bench-smoke-")) if args.smoke else RESULTS
    )
    results.mkdir(parents=True, exist_ok=True)
    codes: dict[str, int] = {}
    if not args.table:
        codes = run(list(args.only or BENCHES), results, args.smoke, extra)
    print(render_table(load(results)))
    failed = [name for name, code in codes.items() if code != 0]
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
