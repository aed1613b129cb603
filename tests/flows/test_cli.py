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


def test_help_lists_every_command_with_one_line_of_help() -> None:
    from flows.cli import build_parser

    result = ytw("--help")
    assert result.returncode == 0
    parser = build_parser()
    (subparsers,) = [a for a in parser._actions if a.choices and "run" in a.choices]
    listed = {c.dest: c.help for c in subparsers._choices_actions}
    assert set(listed) == set(subparsers.choices)  # every command has a help line
    assert {"demo", "run", "serve", "ui", "extract", "docs", "dbt", "reports"} <= set(listed)
    for command, help in listed.items():
        assert help and "\n" not in help, command
        assert command in result.stdout
    assert "Exit codes: 0 ok, 1 run failed" in " ".join(result.stdout.split())
    for command in listed:
        sub = ytw(command, "--help")
        assert sub.returncode == 0 and sub.stdout.startswith(f"usage: ytw {command}"), command


def test_bad_usage_exits_2() -> None:
    result = ytw("run", "--mode", "sometimes")
    assert result.returncode == 2 and "invalid choice" in result.stderr


@pytest.mark.slow
def test_extract_progress_is_plain_log_lines_when_not_on_a_terminal(warehouse) -> None:
    """Piped (cron, CI): one log line per finished step with the totals, no control codes."""
    from emulator import Clock, EmulatorServer, World
    from tests.conftest import EMULATOR_START, env_for

    world = World.small()
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True)) as server:
        result = ytw("extract", env=env_for(server, warehouse, YOUTUBE_REGIONS="US"))
        units = server.quota()["total"]
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stderr and "\r" not in result.stderr
    steps = [line for line in result.stderr.splitlines() if "progress: " in line]
    assert [line.split("progress: ")[-1].split(" ")[0] for line in steps] == [
        "channels",
        "reference",
        "playlists",
        "items",
        "videos",
        "charts",
    ]
    assert f"{units:,} quota units so far" in steps[-1]


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
    from emulator import Clock, EmulatorServer, World
    from tests.conftest import EMULATOR_START, env_for

    world = World.small()
    unknown = "UC" + "q" * 22
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True)) as server:
        channels = f"{world.tracked_channel_ids[0]},{unknown}"
        env = env_for(server, warehouse, YOUTUBE_CHANNEL_IDS=channels, YOUTUBE_REGIONS="US")
        result = ytw("run", env=env)
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
