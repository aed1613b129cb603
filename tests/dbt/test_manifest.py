"""The dbt project's documentation is complete: every model, column and source described,
every model states its grain, and every mart's contract is enforced."""

from __future__ import annotations

import json

import pytest

from extract.settings import project_root
from flows import transform


@pytest.fixture(scope="module")
def manifest(pg_cluster) -> dict:
    summary = transform.invoke(["parse"], pg_cluster)
    assert summary.success
    return json.loads((project_root() / "target" / "manifest.json").read_text())


def models(manifest: dict) -> list[dict]:
    return [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["package_name"] == "tubewarehouse"
    ]


def test_every_model_and_column_is_described_and_states_its_grain(manifest) -> None:
    problems = []
    for node in models(manifest):
        if not node["description"].strip():
            problems.append(f"{node['name']}: no description")
        elif "grain" not in node["description"].lower():
            problems.append(f"{node['name']}: description does not state the grain")
        sql_columns = set(node["columns"])
        if not sql_columns:
            problems.append(f"{node['name']}: no documented columns")
        for name, column in node["columns"].items():
            if not column["description"].strip():
                problems.append(f"{node['name']}.{name}: no description")
    assert not problems, "\n".join(problems)


def test_every_mart_enforces_a_typed_contract(manifest) -> None:
    """Contracts make dbt fail when a mart's columns differ from the documented ones."""
    for node in models(manifest):
        if node["config"]["materialized"] in {"table", "incremental"}:
            assert node["config"]["contract"]["enforced"], node["name"]
            assert all(c["data_type"] for c in node["columns"].values()), node["name"]


def test_every_source_table_is_described(manifest) -> None:
    for source in manifest["sources"].values():
        assert source["description"].strip(), source["name"]
        assert source["loaded_at_field"], source["name"]
