"""The project's environment (``flows.env.prepare``: telemetry off, Prefect's home in the
state folder) is in effect in the tests' own process, in what it starts under the guard, and
in every npm command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows import children, npm
from flows.env import TELEMETRY_OFF


def test_the_test_session_runs_with_the_project_environment() -> None:
    from prefect.settings import get_current_settings

    for name, value in TELEMETRY_OFF.items():
        assert os.environ[name] == value, name
    settings = get_current_settings()
    assert settings.home == Path(os.environ["TUBEWAREHOUSE_HOME"]) / "prefect"
    assert settings.server.analytics_enabled is False


def test_a_guarded_child_inherits_it(tmp_path: Path) -> None:
    output = children.run(["env"], what="env", cwd=tmp_path, env=os.environ, timeout=30)
    for name, value in TELEMETRY_OFF.items():
        assert f"{name}={value}" in output.splitlines(), name


def test_npm_commands_run_with_telemetry_off(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in TELEMETRY_OFF:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EVIDENCE_SOURCE__warehouse__host", "stale-from-the-shell")
    env = npm.base_env({"EXTRA": "1"})
    assert TELEMETRY_OFF.items() <= env.items()
    assert npm.NPM_QUIET.items() <= env.items()
    assert env["EXTRA"] == "1"
    assert not any(key.startswith("EVIDENCE_SOURCE__") for key in env)
