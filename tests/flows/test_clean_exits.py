"""``ytw run`` as a real process that ends badly: killed with SIGKILL mid-run it leaves no
process it started behind (the local Prefect server included, and npm's); losing its database
mid-run it ends at once, exit 3, with one line and no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emulator import Clock, EmulatorServer, Fault, World
from extract import database
from tests.conftest import EMULATOR_START, env_for, settings_for

pytestmark = pytest.mark.slow

YTW = str(Path(sys.executable).with_name("ytw"))


def _stat(pid: int) -> tuple[str, int, str] | None:
    """(state, parent pid, start time) of a process; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0], int(fields[1]), fields[19]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def descendants(root: int) -> dict[tuple[int, str], str]:
    """Every live process below ``root``: (pid, start time) -> command line."""
    parents: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (stat := _stat(int(name))) is not None:
            parents.setdefault(stat[1], []).append(int(name))
    found: dict[tuple[int, str], str] = {}
    todo = list(parents.get(root, []))
    while todo:
        pid = todo.pop()
        stat = _stat(pid)
        if stat is not None and stat[0] != "Z":
            found[(pid, stat[2])] = _cmdline(pid)
            todo += parents.get(pid, [])
    return found


def alive(process: tuple[int, str]) -> bool:
    stat = _stat(process[0])
    return stat is not None and stat[0] != "Z" and stat[2] == process[1]


def survivors(started: dict[tuple[int, str], str], timeout: float = 15) -> dict:
    """What of ``started`` is still alive after ``timeout`` (Linux signals the guards at
    once; each ends its group within its grace period); killed, so no test inherits it."""
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in started) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = {p: command for p, command in started.items() if alive(p)}
    for pid, _ in left:
        os.kill(pid, signal.SIGKILL)
    return left


def wait_for(condition, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_kill_9_of_ytw_run_leaves_no_process_behind(warehouse, tmp_path: Path) -> None:
    world = World.small()
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True)) as server:
        # the run is held mid-extract, its Prefect server up, while it is killed
        (held,) = server.faults.add(
            Fault(kind="slow", delay_seconds=60, method="videos.list", times=1)
        )
        overrides = {"YOUTUBE_TIMEOUT_SECONDS": "90", "YOUTUBE_REGIONS": "US"}
        env = {**os.environ, **env_for(server, warehouse, **overrides)}
        env.pop("PREFECT_API_URL", None)
        with (tmp_path / "ytw.log").open("w") as log:
            proc = subprocess.Popen([YTW, "run"], env=env, stdout=log, stderr=log)
            try:
                wait_for(lambda: held.matched or proc.poll() is not None, 240, "videos.list")
                assert proc.poll() is None, (tmp_path / "ytw.log").read_text()
                started = descendants(proc.pid)
                assert any("uvicorn" in c and "prefect" in c for c in started.values()), started
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()

        assert survivors(started) == {}


def test_losing_the_database_mid_run_exits_3_with_one_line(tmp_path: Path) -> None:
    """The embedded PostgreSQL is stopped while the run lands pages: no retry can succeed,
    so none is attempted; the run ends with the CLI's database exit code and one line."""
    home = tmp_path / "state"
    pgdata = home / "pgdata"
    world = World.small()
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True)) as server:
        (held,) = server.faults.add(
            Fault(kind="slow", delay_seconds=2, method="videos.list", times=1)
        )
        settings = settings_for(server)
        env = {
            **os.environ,
            "YOUTUBE_API_URL": server.url,
            "YOUTUBE_API_KEY": settings.api_key,
            "YOUTUBE_CHANNEL_IDS": ",".join(settings.channel_ids),
            "YOUTUBE_REGIONS": "US",
            "TUBEWAREHOUSE_HOME": str(home),  # the embedded server, under this test's folder
        }
        env.pop("DATABASE_URL", None)
        env.pop("PREFECT_API_URL", None)
        try:
            proc = subprocess.Popen(
                [YTW, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            try:
                wait_for(lambda: held.matched or proc.poll() is not None, 240, "videos.list")
                assert proc.poll() is None
                assert database.stop_embedded(pgdata)  # a real server stop, mid-run
                stopped = time.monotonic()
                out, err = proc.communicate(timeout=180)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
            took = time.monotonic() - stopped
        finally:
            database.stop_embedded(pgdata)

    assert proc.returncode == 3, err
    assert "Traceback" not in err and "Traceback" not in out
    (line,) = [x for x in err.splitlines() if x.startswith("ytw:")]
    assert line.startswith("ytw: database error: ") and "lost the database connection" in line
    assert took < 60  # no retry waited for (10 s, then 60 s)


def test_what_a_killed_process_ran_through_npm_ends_with_it() -> None:
    """The reports' npm commands run under the guard: killed with SIGKILL, the process that
    started them takes them with it, and what they started in turn (npm -> sh -> node)."""
    script = (
        "from flows import npm\n"
        "npm.run(['sh', '-c', 'sleep 300 & sleep 301'], what='npm run build', "
        "env={'PATH': '/bin:/usr/bin'}, timeout=600)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        wait_for(
            lambda: {"sleep 300", "sleep 301"} <= set(descendants(proc.pid).values()),
            60,
            "the command and its child",
        )
        started = descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert survivors(started, timeout=10) == {}
