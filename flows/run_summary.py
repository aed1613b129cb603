"""What one pipeline run did, for people and for tools: a markdown summary (the run's Prefect
artifact) and a JSON file (``<state folder>/runs/<run_id>.json``, the timing log the
benchmarks read).

The JSON holds: ``run_id``, ``mode``, ``status``, ``seconds`` (the whole run),
``extract`` (``status``, ``seconds``, ``api_seconds``, ``landing_seconds``, ``pages``,
``units_spent``, ``units_by_method``, ``rows_landed``, ``failures``...), ``dbt``
(``parse_seconds``, ``build_seconds``, ``counts`` of pass/warn/error/skip, ``failures``,
``nodes`` with each node's status and seconds) and ``problems`` (why the run failed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from extract.settings import state_dir
from flows.transform import status_counts

STATUS_ICON = {"succeeded": "✅", "failed": "❌"}


def summarize(
    run_id: str,
    mode: str,
    extracted: dict[str, Any],
    built: dict[str, Any] | None,
    problems: list[str],
    seconds: float,
    published: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``published``: the site publish after the run, when one was due (``published``,
    ``seconds``, or ``skipped``: why not)."""
    built = built or {}
    nodes = built.get("nodes", [])
    return {
        "run_id": run_id,
        "mode": mode,
        "status": "failed" if problems else "succeeded",
        "seconds": round(seconds, 3),
        "extract": {
            key: extracted.get(key)
            for key in (
                "status",
                "seconds",
                "api_seconds",
                "landing_seconds",
                "pages",
                "pages_not_modified",
                "pages_reused",
                "units_spent",
                "units_by_method",
                "units_by_bucket",
                "refresh",
                "rows_landed",
                "failures",
                "notices",
            )
        },
        "dbt": {
            "success": built.get("success", False),
            "parse_seconds": round(built.get("parse_seconds", 0.0), 3),
            "build_seconds": round(built.get("wall_seconds", 0.0), 3),
            "counts": status_counts(built.get("counts", {})),
            "failures": built.get("failures", []),
            "nodes": [
                {k: n[k] for k in ("unique_id", "resource_type", "status", "seconds")}
                for n in nodes
            ],
        },
        "problems": problems,
        "publish": published,
    }


def write(summary: dict[str, Any], folder: Path | None = None) -> Path:
    folder = folder or state_dir() / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{summary['run_id']}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
    return path


def _cell(text: object) -> str:
    """Table-safe: no pipes or newlines breaking the row, no HTML."""
    return (
        str(text)
        .replace("|", "\\|")
        .replace("\n", " ")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def markdown(summary: dict[str, Any]) -> str:
    ext, dbt = summary["extract"], summary["dbt"]
    counts = dbt["counts"]
    lines = [
        f"# {STATUS_ICON[summary['status']]} {summary['mode']} run `{summary['run_id']}`: "
        f"{summary['status']} in {summary['seconds']:.1f} s",
        "",
    ]
    if summary["problems"]:
        lines += ["## Why it failed", ""]
        lines += [f"- {_cell(p)}" for p in summary["problems"]]
        lines.append("")
    lines += [
        "## Time",
        "",
        "| API | landing | dbt parse | dbt build | whole run |",
        "|---:|---:|---:|---:|---:|",
        f"| {ext['api_seconds'] or 0:.1f} s | {ext['landing_seconds'] or 0:.1f} s "
        f"| {dbt['parse_seconds']:.1f} s | {dbt['build_seconds']:.1f} s "
        f"| {summary['seconds']:.1f} s |",
        "",
        f"## Extract: {ext['status']}",
        "",
        f"**{ext['units_spent'] or 0:,} quota units** spent, {ext['pages'] or 0:,} pages "
        f"({ext['pages_not_modified'] or 0:,} not modified, "
        f"{ext['pages_reused'] or 0:,} re-used from an earlier attempt).",
        "",
        "| raw table | rows landed |",
        "|---|---:|",
    ]
    rows = ext["rows_landed"] or {}
    lines += [f"| {_cell(t)} | {n:,} |" for t, n in sorted(rows.items())] or ["| (none) | 0 |"]
    if ext["units_by_method"]:
        lines += ["", "| API method | units |", "|---|---:|"]
        lines += [f"| {_cell(m)} | {u:,} |" for m, u in sorted(ext["units_by_method"].items())]
    lines += _refresh_lines(ext.get("units_by_bucket") or {}, ext.get("refresh") or {})
    lines += [
        "",
        f"## dbt build: {counts['pass']} pass, {counts['warn']} warn, {counts['error']} error, "
        f"{counts['skip']} skipped",
        "",
    ]
    failed = [n for n in dbt["nodes"] if n["status"] in ("fail", "error", "runtime error")]
    if failed or dbt["failures"]:
        lines += ["| failed node | status |", "|---|---|"]
        lines += [f"| {_cell(n['unique_id'])} | {n['status']} |" for n in failed]
        lines += ["", *[f"- {_cell(f)}" for f in dbt["failures"]]]
    else:
        lines.append("No model or test failed.")
    notices = list(ext.get("notices") or [])
    published = summary.get("publish") or {}
    if published.get("skipped"):
        notices.append(published["skipped"])
    if notices:
        lines += ["", "## Skipped (not failures)", "", *[f"- {_cell(n)}" for n in notices]]
    if published.get("published"):
        seconds = published.get("seconds")
        took = f" in {seconds:.0f} s" if seconds is not None else ""
        lines += ["", f"Reports and dbt docs published{took}."]
    return "\n".join(lines) + "\n"


def _refresh_lines(buckets: dict[str, int], refresh: dict[str, Any]) -> list[str]:
    """The quota buckets and, for a stats run, what its refresh plan chose and left."""
    if not buckets and not refresh:
        return []
    lines = ["", "| quota bucket | units this run | planned | left today before the run |"]
    lines.append("|---|---:|---:|---:|")
    for bucket in sorted(set(buckets) | ({"stats"} if refresh else set())):
        planned = left = ""
        if bucket == "stats" and refresh:
            planned = f"{refresh.get('planned_units', 0):,}"
            left = f"{refresh.get('units_left_today', 0):,}"
        lines.append(f"| {_cell(bucket)} | {buckets.get(bucket, 0):,} | {planned} | {left} |")
    if not refresh:
        return lines
    refreshed = refresh.get("refreshed_by_reason") or {}
    left_out = refresh.get("left_by_reason") or {}
    lines += ["", "## Statistics refresh", "", "| reason | refreshed | due, left for later |"]
    lines.append("|---|---:|---:|")
    for reason in sorted(set(refreshed) | set(left_out)):
        lines.append(
            f"| {_cell(reason)} | {refreshed.get(reason, 0):,} | {left_out.get(reason, 0):,} |"
        )
    stale = refresh.get("staleness_hours") or {}
    if stale.get("max") is not None:
        lines += [
            "",
            f"Hours since the last capture of the available videos when planned: "
            f"p50 {stale['p50']:g}, p95 {stale['p95']:g}, max {stale['max']:g}.",
        ]
    return lines
