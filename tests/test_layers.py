"""The project's layers, read from the source (``ast``, nothing imported but in the last test):

- ``extract/`` (what talks to the API and the raw schema) imports nothing from ``emulator/``,
  ``flows/`` or ``ytw/``; ``emulator/`` (the local API) nothing from ``extract/``, ``flows/``
  or ``ytw/``; ``flows/`` (orchestration) nothing from ``ytw/`` (the command line on top);
- no import cycle between the modules of ``extract/``, ``flows/``, ``emulator/`` and ``ytw/``
  (an import inside a function counts as much as one at the top; one under
  ``if TYPE_CHECKING:`` never runs and does not count);
- no module in ``extract/`` or ``flows/`` longer than 400 lines, unless its docstring says
  why in a sentence starting "Longer than 400 lines because";
- no ``noqa: E402`` (an import after code) in ``flows/``, ``ytw/`` or ``tests/conftest.py``:
  the environment is prepared by the entry points, not by importing;
- importing ``flows.pipeline`` (Prefect included) changes nothing in the environment.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("extract", "flows", "emulator", "ytw")
FORBIDDEN = {
    "extract": {"emulator", "flows", "ytw"},
    "emulator": {"extract", "flows", "ytw"},
    "flows": {"ytw"},
}
MAX_LINES = 400
LONGER_BECAUSE = re.compile(r"(?:^|[.!?]\s+)Longer than 400 lines because\b", re.MULTILINE)


@cache
def modules() -> dict[str, Path]:
    """Every module of the project's packages: dotted name -> file."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "__pycache__" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(tree: ast.AST):  # noqa: ANN202
    """Every node, except what sits under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for other in node.orelse:
                yield other
                yield from _walk(other)
            continue
        yield node
        yield from _walk(node)


@cache
def imports(module: str) -> frozenset[str]:
    """The modules ``module`` imports, anywhere in it (``from a import b`` names ``a.b`` when
    that is a module, else ``a``)."""
    path = modules()[module]
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in modules() else base)
    return frozenset(found)


def _top(name: str) -> str:
    return name.split(".", 1)[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_is_below_it(package: str) -> None:
    wrong = [
        f"{module} imports {name}"
        for module in modules()
        if _top(module) == package
        for name in sorted(imports(module))
        if _top(name) in FORBIDDEN[package]
    ]
    assert not wrong, f"{package}/ may not import {sorted(FORBIDDEN[package])}:\n  " + (
        "\n  ".join(wrong)
    )


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    graph = {m: {n for n in imports(m) if n in modules() and n != m} for m in modules()}
    cycles = _cycles(graph)
    described = [
        " <-> ".join(cycle)
        + ": "
        + "; ".join(f"{a} -> {b}" for a in cycle for b in sorted(graph[a]) if b in cycle)
        for cycle in cycles
    ]
    assert not cycles, "modules that import each other (directly or not):\n  " + (
        "\n  ".join(described)
    )


@pytest.mark.parametrize("package", ["extract", "flows"])
def test_modules_stay_under_400_lines_or_say_why(package: str) -> None:
    too_long = []
    for module, path in modules().items():
        if _top(module) != package:
            continue
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if lines > MAX_LINES and not LONGER_BECAUSE.search(docstring):
            too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not too_long, (
        f"over {MAX_LINES} lines: split by concern, or give the module docstring a sentence "
        '"Longer than 400 lines because ..."\n  ' + "\n  ".join(too_long)
    )


def test_no_import_after_code_where_the_environment_is_prepared() -> None:
    files = [*(ROOT / "flows").rglob("*.py"), *(ROOT / "ytw").rglob("*.py")]
    files.append(ROOT / "tests" / "conftest.py")
    marked = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "noqa: E402" in line
    ]
    assert not marked, "imports after code (prepare the environment in the entry point):\n  " + (
        "\n  ".join(marked)
    )


def test_importing_the_pipeline_sets_nothing(tmp_path: Path) -> None:
    """``flows.pipeline`` imports Prefect: in a fresh process with a clean environment the
    import leaves ``os.environ`` as it was and creates no project state (``prepare()`` is
    the entry points' job: ``ytw``, ``flows.serve``, the tests' ``pytest_configure``)."""
    state = tmp_path / "state"
    script = (
        "import json, os\n"
        "before = dict(os.environ)\n"
        "import flows.pipeline\n"
        "after = dict(os.environ)\n"
        "print(json.dumps({k: [before.get(k), after.get(k)] for k in before.keys() | after.keys()"
        " if before.get(k) != after.get(k)}))\n"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),  # Prefect, unprepared, makes its ~/.prefect there
        "TUBEWAREHOUSE_HOME": str(state),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {}
    assert not state.exists(), "importing flows.pipeline prepared the project's state folder"
