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


@pytest.mark.slow
def test_a_failed_run_is_one_line_without_traceback(warehouse) -> None:
    """An unknown channel fails the flow run: `ytw run` says so in one line, exit 1."""
    from extract.emulator import Clock, EmulatorServer, World
    from tests.conftest import EMULATOR_START

    world = World.small()
    unknown = "UC" + "q" * 22
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True)) as server:
        result = ytw(
            "run",
            env={
                "DATABASE_URL": warehouse.url,
                "YOUTUBE_API_URL": server.url,
                "YOUTUBE_API_KEY": "k",
                "YOUTUBE_CHANNEL_IDS": f"{world.tracked_channel_ids[0]},{unknown}",
                "YOUTUBE_REGIONS": "US",
            },
        )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("ytw: run failed:")]
    assert unknown in line and "YOUTUBE_CHANNEL_IDS" in line


def test_unreachable_api_is_one_line_and_exit_1(warehouse) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free, and nothing will listen on it
    result = ytw(
        "extract",
        env={
            "DATABASE_URL": warehouse.url,
            "YOUTUBE_API_URL": f"http://127.0.0.1:{port}",
            "YOUTUBE_API_KEY": "k",
            "YOUTUBE_CHANNEL_IDS": "UC" + "a" * 22,
            "YOUTUBE_RETRY_ATTEMPTS": "2",
            "YOUTUBE_RETRY_BACKOFF_SECONDS": "0.01",
        },
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = [x for x in result.stderr.splitlines() if "failed:" in x]
    assert f"cannot reach the YouTube API at http://127.0.0.1:{port}" in line
    assert "YOUTUBE_API_URL" in line
