"""The end-to-end benchmark's smoke: one real ``ytw run`` process on the small world, whose
run report (the pipeline's timing log) gives every part of the breakdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common import machine_facts
from bench.e2e import breakdown, measure_world, render_markdown
from emulator import World
from extract.database import ConnectionInfo

pytestmark = pytest.mark.slow


def test_one_ytw_run_and_its_breakdown(pg_cluster: ConnectionInfo, tmp_path: Path) -> None:
    world = World.small()
    measured = measure_world(pg_cluster, world, "small", tmp_path, modes=("full",))

    run = measured["runs"]["full"]
    assert run["status"] == "succeeded" and run["run_id"]
    assert run["wall_seconds"] >= run["run_seconds"] > 0
    for part in ("api_seconds", "landing_seconds", "dbt_parse_seconds", "dbt_build_seconds"):
        assert run[part] > 0, part
    assert run["api_seconds"] + run["landing_seconds"] <= run["extract_seconds"]
    assert run["units_spent"] > 0 and run["pages"] > 0
    assert run["rows_landed"] > 0 and run["dbt_counts"]["error"] == 0
    table = render_markdown({"worlds": [measured], "machine": machine_facts(pg_cluster)})
    assert "| small (" in table and "`ytw run` (full crawl, first run)" in table


def test_breakdown_of_a_report() -> None:
    report = {
        "run_id": "r",
        "status": "succeeded",
        "seconds": 10.0,
        "extract": {"seconds": 4.0, "api_seconds": 2.5, "landing_seconds": 1.0, "pages": 3},
        "dbt": {"parse_seconds": 2.0, "build_seconds": 3.5, "counts": {"pass": 1}},
    }
    parts = breakdown(12.0, report)
    assert parts["startup_seconds"] == pytest.approx(2.0)
    assert parts["extract_other_seconds"] == pytest.approx(0.5)
    assert parts["run_other_seconds"] == pytest.approx(0.5)
