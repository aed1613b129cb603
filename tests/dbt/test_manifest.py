"""The dbt project's documentation is complete: every model, column, source and exposure
described, every model states its grain, every mart's contract is enforced, every column the
database actually has (the catalog) is documented, and `dbt docs generate` warns about
nothing."""

from __future__ import annotations

import json
import re

import pytest
import yaml

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


# --- the project's layout ---------------------------------------------------------------------

DBT = project_root() / "dbt_project"
MARTS = DBT / "models" / "marts"
MACROS = DBT / "macros"
ADAPTERS = ("default__", "postgres__", "duckdb__")


def _macro_names(path) -> list[str]:
    return re.findall(r"\{%-?\s*macro\s+(\w+)\s*\(", path.read_text())


def test_every_mart_is_in_a_domain_folder_with_its_models_yml() -> None:
    """marts/<domain>/<mart>.sql, documented in marts/<domain>/_<domain>__models.yml."""
    assert not list(MARTS.glob("*.sql")), "marts belong in a domain folder"
    assert not list(MARTS.glob("*.yml")), "mart YAML belongs in its domain folder"
    problems = []
    for folder in sorted(p for p in MARTS.iterdir() if p.is_dir()):
        yml = folder / f"_{folder.name}__models.yml"
        if not yml.exists():
            problems.append(f"{folder.name}: no {yml.name}")
            continue
        documented = {m["name"] for m in yaml.safe_load(yml.read_text()).get("models", [])}
        for sql in folder.glob("*.sql"):
            if sql.stem not in documented:
                problems.append(f"{sql.stem}: not documented in {yml.name}")
        problems += [
            f"{yml.name}: {name} has no SQL here"
            for name in documented - {sql.stem for sql in folder.glob("*.sql")}
        ]
        assert not list(folder.glob("*/*.sql")), f"{folder.name}: one level of domain folders"
    assert not problems, "\n".join(problems)


def test_one_macro_per_file_named_after_it() -> None:
    """A file holds one macro, named like the file, plus that macro's adapter
    implementations; the test materialization and generic tests keep a file each."""
    problems = []
    for path in sorted(MACROS.glob("*.sql")):
        names = _macro_names(path)
        text = path.read_text()
        if path.stem.startswith("materialization_"):
            if "{%- materialization" not in text and "{% materialization" not in text:
                problems.append(f"{path.name}: no materialization")
        elif path.stem.startswith("test_"):
            if not re.search(r"\{%-?\s*test\s+" + path.stem[len("test_") :] + r"\s*\(", text):
                problems.append(f"{path.name}: no generic test {path.stem[len('test_') :]}")
        elif not names:
            problems.append(f"{path.name}: no macro")
        problems += [
            f"{path.name}: holds {name}"
            for name in names
            if name != path.stem and not any(name == a + path.stem for a in ADAPTERS)
        ]
    assert not problems, "\n".join(problems)


def test_every_macro_is_documented(manifest) -> None:
    """Each macro of the project is described, with its arguments, in macros/_macros.yml;
    adapter implementations are covered by their macro's entry."""
    macros = {
        m["name"]: m for m in manifest["macros"].values() if m["package_name"] == "tubewarehouse"
    }
    problems = []
    for name, macro in sorted(macros.items()):
        if any(name.startswith(a) and name[len(a) :] in macros for a in ADAPTERS):
            continue
        if not macro["description"].strip():
            problems.append(f"{name}: not described in macros/_macros.yml")
            continue
        if not macro["patch_path"] or not macro["patch_path"].endswith("macros/_macros.yml"):
            problems.append(f"{name}: described outside macros/_macros.yml")
        source = (project_root() / macro["original_file_path"]).read_text()
        match = re.search(r"\{%-?\s*macro\s+" + name + r"\s*\(([^)]*)\)", source)
        arguments = [a.split("=")[0].strip() for a in match.group(1).split(",")] if match else []
        documented = {a["name"] for a in macro["arguments"]}
        problems += [
            f"{name}: argument {a} not documented" for a in arguments if a and a not in documented
        ]
    assert not problems, "\n".join(problems)


def test_no_model_repeats_a_folder_config() -> None:
    """The marts' contract and on_schema_change are set once, in dbt_project.yml."""
    problems = []
    for path in sorted((DBT / "models").rglob("*.yml")):
        for model in yaml.safe_load(path.read_text()).get("models", []) or []:
            config = model.get("config") or {}
            problems += [
                f"{path.name}: {model['name']} sets {key}"
                for key in ("contract", "on_schema_change", "schema")
                if key in config
            ]
    for path in sorted((DBT / "models").rglob("*.sql")):
        text = path.read_text()
        problems += [
            f"{path.name}: sets {key}"
            for key in ("contract", "on_schema_change", "schema=")
            if re.search(r"config\([^)]*\b" + key, text, re.S)
        ]
    assert not problems, "\n".join(problems)


def test_every_model_sql_states_its_grain() -> None:
    """Each model opens with a Jinja comment stating its grain: `{# grain: ... #}`."""
    problems = []
    for path in sorted((DBT / "models").rglob("*.sql")):
        text = path.read_text()
        opening = re.match(r"\{#-?(.*?)-?#\}", text, re.S)
        if not opening or not opening.group(1).strip().lower().startswith("grain:"):
            problems.append(str(path.relative_to(DBT)))
    assert not problems, "models whose first comment does not state the grain: " + str(problems)


def test_report_pages_read_marts_not_computations() -> None:
    """The report sources select from one mart each, without aggregating: every number a
    page shows is a mart column."""
    problems = []
    for path in sorted((project_root() / "reports" / "sources" / "warehouse").glob("*.sql")):
        sql = re.sub(r"--[^\n]*", "", path.read_text()).lower()
        marts = set(re.findall(r"\bmarts\.(\w+)", sql))
        if len(marts) != 1:
            problems.append(f"{path.name}: reads {sorted(marts)}")
        for word in ("group by", "sum(", "count(", "over (", "row_number"):
            if word in sql:
                problems.append(f"{path.name}: computes ({word})")
    assert not problems, "\n".join(problems)
