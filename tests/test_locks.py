"""The dependency locks: complete, consistent with pyproject.toml and package.json, and what
the test suite runs on.

A range in pyproject.toml says what may work; the locks say what was tested. `make install`
builds the venv from requirements-dev.lock with hashes checked and the reports install runs
`npm ci`, so a fresh clone gets exactly the tested set. `make lock` / `make lock-upgrade`
refresh the locks and run the whole suite on them before they are committed.
"""

from __future__ import annotations

import json
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked(path: Path) -> dict[str, Version]:
    """The pins of a uv/pip-compile lock that apply to this interpreter and platform."""
    pins: dict[str, Version] = {}
    lines = path.read_text().splitlines()
    for number, line in enumerate(lines):
        match = PIN.match(line)
        if not match:
            continue
        name, version, marker = match.groups()
        following = lines[number + 1] if number + 1 < len(lines) else ""
        assert "--hash=sha256:" in following, f"{path.name}: {name} has no hash"
        if marker and not Requirement(f"x; {marker}").marker.evaluate(default_environment()):
            continue
        pins[canonicalize_name(name)] = Version(version)
    return pins


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements.lock", []), ("requirements-dev.lock", ["dev"])]
)
def test_every_declared_dependency_is_pinned_within_its_range(lock: str, extras: list[str]) -> None:
    pins = locked(ROOT / lock)
    declared = list(project()["dependencies"])
    for extra in extras:
        declared += project()["optional-dependencies"][extra]
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{lock} has no pin for {text}: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock} pins {name}=={pins[name]} outside {text}: run `make lock`"
        )


def test_the_runtime_lock_is_the_dev_lock_without_the_dev_tools() -> None:
    runtime, dev = locked(ROOT / "requirements.lock"), locked(ROOT / "requirements-dev.lock")
    differ = {name: (version, dev.get(name)) for name, version in runtime.items()}
    assert {n: v for n, v in differ.items() if v[0] != v[1]} == {}


def test_the_suite_runs_on_exactly_the_locked_versions() -> None:
    """The venv is the lock: no package missing, none at another version (duckdb included)."""
    wrong = {}
    for name, version in locked(ROOT / "requirements-dev.lock").items():
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (str(version), str(installed))
    assert wrong == {}, "installed differs from requirements-dev.lock: run `make install`"


def test_the_build_backend_is_pinned() -> None:
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    assert all("==" in text for text in requires), requires


def test_the_npm_lock_records_package_json_exactly_for_every_platform() -> None:
    reports = ROOT / "reports"
    package = json.loads((reports / "package.json").read_text())
    lock = json.loads((reports / "package-lock.json").read_text())
    packages = lock["packages"]
    assert packages[""]["dependencies"] == package["dependencies"]
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"package.json: {name} is a range"
        assert packages[f"node_modules/{name}"]["version"] == version
    # `npm ci` refuses a lock made on one platform only (the optional native packages of the
    # others missing): rollup's and esbuild's for macOS and Windows must be recorded too.
    optional = {key.rsplit("/", 1)[-1] for key in packages if "/@rollup/rollup-" in key}
    assert {"rollup-darwin-arm64", "rollup-win32-x64-msvc", "rollup-linux-x64-gnu"} <= optional
    unchecked = [key for key, entry in packages.items() if key and "integrity" not in entry]
    assert unchecked == [], "package-lock.json entries without an integrity hash"
