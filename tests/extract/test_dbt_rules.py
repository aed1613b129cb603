"""Raw retention follows the dbt project's own rules, written once: its playlist items step
is the macro latest_crawl_pages rendered over the raw ledger, and its lookback is the dbt
var incremental_lookback_hours."""

from __future__ import annotations

import inspect
import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from extract import dbt_rules, retention_sql
from extract.settings import project_root

MACRO_CTES = ("crawls", "latest_crawl", "crawl_pages", "page_landings")


def _defined(sql: str) -> list[str]:
    """The names of the CTEs a statement defines, in order."""
    return re.findall(r"(?:with|,)\s+(\w+) as \(", sql)


def test_the_playlist_items_step_is_the_macro_rendered_over_the_raw_ledger() -> None:
    sql = retention_sql.playlist_items_sql()

    assert dbt_rules.latest_crawl_pages("pages", "playlist_id") in sql
    defined = _defined(sql)
    assert defined == ["pages", *MACRO_CTES, "latest_etag", "reusable", "kept"]
    assert "partition by playlist_id" in sql and "from pages" in sql
    assert "not_modified as is_not_modified" in sql  # the columns the macro reads


def test_retention_holds_no_second_copy_of_the_rule() -> None:
    source = inspect.getsource(retention_sql)
    for cte in MACRO_CTES:
        assert f"{cte} as (" not in source, cte
    for detail in ("is_complete", "crawl_recency", "next_page_token is null"):
        assert detail not in source, detail


def test_the_items_macro_builds_on_the_pages_macro() -> None:
    items = (project_root() / "dbt_project" / "macros" / "latest_crawl_items.sql").read_text()
    assert "latest_crawl_pages(pages, group_column)" in items
    assert not any(f"{cte} as (" in items for cte in MACRO_CTES)


def test_the_lookback_is_the_dbt_var() -> None:
    project = yaml.safe_load((project_root() / "dbt_project.yml").read_text())
    hours = project["vars"]["incremental_lookback_hours"]
    assert dbt_rules.incremental_lookback() == timedelta(hours=hours)


def test_a_macro_using_more_than_its_arguments_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text(
        "macro-paths: [m]\nvars:\n  incremental_lookback_hours: yes\n"
    )
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "latest_crawl_pages.sql").write_text(
        "{% macro latest_crawl_pages(pages, group_column) %}{{ var('x') }}{% endmacro %}"
    )
    with pytest.raises(Exception, match="undefined"):
        dbt_rules.latest_crawl_pages("pages", "playlist_id", root=tmp_path)
    with pytest.raises(dbt_rules.DbtProjectError, match="incremental_lookback_hours"):
        dbt_rules.incremental_lookback(root=tmp_path)
