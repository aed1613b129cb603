"""``python -m bench`` prints one table of every benchmark from the results files: the
committed results (those the README quotes) render with all six parts."""

from __future__ import annotations

from bench.__main__ import BENCHES, load, render_table
from bench.common import RESULTS


def test_the_committed_results_render_as_one_table() -> None:
    results = load(RESULTS)
    assert set(results) == set(BENCHES), f"missing results: {set(BENCHES) - set(results)}"
    table = render_table(results)
    for part in ("1 landing", "2 quota", "3 dbt", "4 end to end", "5 storage", "6 refresh"):
        assert f"| {part} |" in table, part
    assert "| 7 reports |" in table
    assert "nan" not in table.lower()
