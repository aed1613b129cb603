"""``ytw`` as a user meets it: help, and one readable line (no traceback) for bad set-ups."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

YTW = str(Path(sys.executable).with_name("ytw"))


def ytw(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [YTW, *args], capture_output=True, text=True, env=full_env, timeout=120, check=False
    )


def test_help_lists_every_command() -> None:
    result = ytw("--help")
    assert result.returncode == 0
    for command in ("demo", "run", "serve", "extract", "emulator", "dbt", "reports", "summary"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"YOUTUBE_API_KEY": ""}, "YOUTUBE_API_KEY is not set"),
        ({"YOUTUBE_API_KEY": "k", "YOUTUBE_CHANNEL_IDS": "not-a-channel"}, "malformed channel"),
        (
            {
                "YOUTUBE_API_KEY": "k",
                "YOUTUBE_CHANNEL_IDS": "UC" + "a" * 22,
                "YOUTUBE_REGIONS": "USA",
            },
            "invalid region codes: USA",
        ),
    ],
)
@pytest.mark.parametrize("command", ["extract", "run"])
def test_configuration_errors_are_one_line_and_exit_2(
    command: str, env: dict[str, str], needle: str
) -> None:
    result = ytw(command, env={"YOUTUBE_CHANNEL_IDS": "", **env})
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["extract", "run"])
def test_unreachable_database_is_one_line_and_exit_3(command: str, tmp_path: Path) -> None:
    result = ytw(
        command,
        env={
            "YOUTUBE_API_KEY": "k",
            "YOUTUBE_CHANNEL_IDS": "UC" + "a" * 22,
            "DATABASE_URL": f"postgresql://nobody@/nowhere?host={tmp_path}",
        },
    )
    assert result.returncode == 3
    assert "cannot connect to PostgreSQL" in result.stderr
    assert "Traceback" not in result.stderr
