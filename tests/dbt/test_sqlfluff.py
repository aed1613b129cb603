"""The SQL of every model and singular test passes sqlfluff (dbt templater, `.sqlfluff` at
the root): lowercase, 4-space indents, trailing commas, explicit aliases and join types."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from extract.database import ConnectionInfo
from extract.settings import project_root
from flows.env import TELEMETRY_OFF, prepare

pytestmark = pytest.mark.slow


def test_models_pass_sqlfluff(pg_cluster: ConnectionInfo) -> None:
    prepare()
    root = project_root()
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    # the dbt templater compiles the project, so it needs the profile's connection
    env = {**os.environ, **TELEMETRY_OFF, **pg_cluster.env()}
    result = subprocess.run(
        [
            str(sqlfluff),
            "lint",
            "dbt_project/models",
            "dbt_project/data-tests",
            "--format",
            "human",
            "--nocolor",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = "\n".join(line for line in result.stdout.splitlines() if "dbt templater" not in line)
    assert result.returncode == 0, report + result.stderr[-2000:]
    assert "All Finished" in report
