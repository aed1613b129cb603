"""``ytw`` as a user meets it: help, and one readable line (no traceback) for bad set-ups."""

from __future__ import annotations

import json
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
    from ytw.cli import build_parser

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


def test_python_m_ytw_is_the_same_command() -> None:
    module = subprocess.run(
        [sys.executable, "-m", "ytw", "--help"], capture_output=True, text=True, timeout=60
    )
    assert module.returncode == 0
    assert module.stdout == ytw("--help").stdout


# What a command sees when it runs: the project's environment, and Prefect reading it.
_REPORT_ENVIRONMENT = """
import json, os, sys
from ytw import cli, commands

def report(args):
    assert "prefect" not in sys.modules, "prefect imported before the command ran"
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    names = ("DO_NOT_TRACK", "PREFECT_SERVER_ANALYTICS_ENABLED",
             "DBT_SEND_ANONYMOUS_USAGE_STATS", "SEND_ANONYMOUS_USAGE_STATS", "PGTZ")
    print(json.dumps({
        "env": {name: os.environ.get(name) for name in names},
        "prefect_home": str(settings.home),
        "analytics": settings.server.analytics_enabled,
        "extra_loggers": settings.logging.extra_loggers,
    }))
    return 0

commands.cmd_env = report
sys.exit(cli.main(["env"]))
"""


def test_every_command_runs_with_the_project_environment(tmp_path: Path) -> None:
    """``ytw``'s main prepares the process environment before any command imports Prefect or
    dbt: telemetry off, Prefect's home in the state folder, even when the caller's
    environment says nothing of it (every process a command starts inherits it)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PREFECT_", "DBT_", "DO_NOT_TRACK", "SEND_ANONYMOUS", "PGTZ"))
    }
    env.update({"TUBEWAREHOUSE_HOME": str(tmp_path), "HOME": str(tmp_path / "home")})
    result = subprocess.run(
        [sys.executable, "-c", _REPORT_ENVIRONMENT],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["env"] == {
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "SEND_ANONYMOUS_USAGE_STATS": "no",
        "PGTZ": "UTC",
    }
    assert seen["prefect_home"] == str(tmp_path / "prefect")
    assert seen["analytics"] is False
    assert {"extract", "flows"} <= set(seen["extra_loggers"])
    assert not (tmp_path / "home" / ".prefect").exists()
