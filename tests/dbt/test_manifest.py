"""The dbt project's documentation is complete: every model, column, source and exposure
described, every model states its grain, every mart's contract is enforced, every column the
database actually has (the catalog) is documented, and `dbt docs generate` warns about
nothing."""

from __future__ import annotations

import json

import pytest

from extract.settings import project_root
from flows import transform
from tests.dbt.conftest import History


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
        if not node["columns"]:
            problems.append(f"{node['name']}: no documented columns")
        for name, column in node["columns"].items():
            if not column["description"].strip():
                problems.append(f"{node['name']}.{name}: no description")
    assert not problems, "\n".join(problems)


def test_every_mart_enforces_a_typed_contract(manifest) -> None:
    """Contracts make dbt fail when a mart's columns differ from the documented ones."""
    marts = [n for n in models(manifest) if "marts" in n["fqn"]]
    assert len(marts) >= 13
    for node in marts:
        assert node["config"]["contract"]["enforced"], node["name"]
        assert all(c["data_type"] for c in node["columns"].values()), node["name"]


def test_every_source_table_and_exposure_is_described(manifest) -> None:
    for source in manifest["sources"].values():
        assert source["description"].strip(), source["name"]
        assert source["loaded_at_field"], source["name"]
    assert manifest["exposures"], "the Evidence pages are declared as exposures"
    for exposure in manifest["exposures"].values():
        assert exposure["description"].strip(), exposure["name"]
        assert exposure["depends_on"]["nodes"], exposure["name"]


def test_every_key_is_tested(manifest) -> None:
    """Each model has a uniqueness test (on a column or a column combination)."""
    tested = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        name = (node.get("test_metadata") or {}).get("name")
        if name in {"unique", "unique_combination_of_columns"}:
            tested.update(node["depends_on"]["nodes"])
    untested = [n["name"] for n in models(manifest) if n["unique_id"] not in tested]
    assert not untested, untested


def test_the_docs_site_documents_every_real_column_without_warnings(history: History) -> None:
    """`dbt docs generate` on a built warehouse: the catalog lists the columns the database
    really has; each must be documented, and nothing documented may be missing."""
    summary, warnings = _docs_generate(history)
    assert summary.success
    assert not warnings, warnings
    target = project_root() / "target"
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    problems = []
    for unique_id, entry in catalog["nodes"].items():
        node = manifest["nodes"].get(unique_id)
        if node is None or node["package_name"] != "tubewarehouse":
            continue
        for column in entry["columns"]:
            if not node["columns"].get(column, {}).get("description", "").strip():
                problems.append(f"{node['name']}.{column}: in the database, not documented")
        for column in node["columns"]:
            if column not in entry["columns"]:
                problems.append(f"{node['name']}.{column}: documented, not in the database")
    assert not problems, "\n".join(problems)
    assert (target / "index.html").exists()


def _docs_generate(history: History) -> tuple[transform.DbtSummary, list[str]]:
    """Run `dbt docs generate`, collecting dbt's warning events."""
    from dbt_common.events.base_types import EventLevel

    warnings: list[str] = []

    def collect(event) -> None:  # dbt's EventMsg
        if event.info.level in (EventLevel.WARN, EventLevel.ERROR):
            warnings.append(event.info.msg)

    summary = transform.invoke(["docs", "generate"], history.conn, callbacks=[collect])
    return summary, warnings
