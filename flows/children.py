"""Processes ``ytw`` starts, and how none of them outlives it.

:func:`start` and :func:`stop` handle a long-lived child (a Prefect server); :func:`run` runs a
command to its end with its output captured, a deadline, and the tail of that output in the
error when it fails (npm and Evidence, through ``flows/npm.py``).

A normal exit stops them; a ``kill -9`` of ``ytw`` runs no exit handler at all. So each one is
started under ``flows/guard.py``: a small process leading a process group of its own, which
Linux signals when ``ytw`` dies (``prctl(PR_SET_PDEATHSIG)``) and which then ends the whole
group (npm's shell and node included). The signal follows the *thread* that started the
guard: start children from a thread that lives as long as they should (the main thread, or
the one that waits for them).

Prefect's own temporary server (what a flow called without ``PREFECT_API_URL`` starts) is
started by Prefect, outside our reach, and survives a ``kill -9`` of its parent: ``ytw run``
and the demo start their own local server instead (:func:`use_local_prefect_server`), under a
guard, and point ``PREFECT_API_URL`` at it.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

GUARD = Path(__file__).resolve().with_name("guard.py")
STARTUP_TIMEOUT_ENV = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
# Lines of a failed command's output its error shows (see run).
TAIL_LINES = 40
# How long a command may linger after printing its done marker (see run).
DONE_GRACE_SECONDS = 15


class ChildError(RuntimeError):
    """A child process could not be started; the message says which and why."""


def guarded(command: Sequence[str]) -> list[str]:
    """``command`` run under the guard: it ends (with all it started) when this process dies."""
    return [sys.executable, "-S", str(GUARD), str(os.getpid()), "--", *command]


def start(command: Sequence[str], **popen: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen`` of ``command`` under the guard, as the leader of a new session
    (``os.killpg(proc.pid, sig)`` reaches the command and everything it started)."""
    return subprocess.Popen(guarded(command), start_new_session=True, **popen)


def stop(proc: subprocess.Popen[Any], timeout: float = 10) -> None:
    """End a guarded child and its group (the guard ends the group on SIGTERM)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_STACK_FRAME = re.compile(r"^\s+at ")


def tail(lines: Sequence[str], count: int = TAIL_LINES) -> str:
    """The last lines of a command's output, without colour codes and JavaScript stack frames."""
    kept = (_ANSI.sub("", line) for line in lines if not _STACK_FRAME.match(line))
    return "\n".join(deque(kept, maxlen=count))


def stop_group(proc: subprocess.Popen[Any]) -> None:
    """End the process group started for ``proc`` (npm -> sh -> node): only our own children."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def run(
    args: Sequence[str],
    *,
    what: str,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    done_marker: str | None = None,
    hint: str = "",
) -> str:
    """Run one command in ``cwd``, under the guard, and return its output (stdout and stderr).

    Raises ChildError with the output's tail when it fails or outlives ``timeout`` (``hint``
    is added when it cannot start at all). With ``done_marker``, a process that printed the
    marker but does not exit within ``DONE_GRACE_SECONDS`` is stopped and counted as finished:
    ``evidence sources`` keeps a database connection open after a failed query and would
    otherwise never exit.
    """
    started = time.monotonic()
    log.debug("running %s", " ".join(args))
    lines: list[str] = []
    marker_seen = threading.Event()
    try:
        # Leading a process group of its own: stop_group reaches npm's children, and none of
        # them outlives this process, even killed with SIGKILL.
        proc = start(
            list(args),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as exc:
        raise ChildError(f"{what} could not start ({exc}). {hint}".rstrip()) from None

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            lines.append(line)
            log.debug("%s | %s", what, line)
            if done_marker and done_marker in line:
                marker_seen.set()

    reader = threading.Thread(target=read, name=f"{what} output", daemon=True)
    reader.start()
    deadline = started + timeout
    command = f"`{' '.join(args)}` in {cwd}"
    try:
        while proc.poll() is None:
            if time.monotonic() > deadline:
                stop_group(proc)
                reader.join(timeout=5)
                raise ChildError(
                    f"{what} did not finish within {timeout:.0f} s ({command}). "
                    f"Last lines of its output:\n{tail(lines)}"
                )
            if marker_seen.wait(timeout=0.2):
                try:
                    proc.wait(timeout=DONE_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    log.debug("%s printed %r but did not exit: stopping it", what, done_marker)
                    stop_group(proc)
                break
    except BaseException:
        if proc.poll() is None:
            stop_group(proc)
        raise
    reader.join(timeout=10)
    elapsed = time.monotonic() - started
    if proc.returncode != 0 and not marker_seen.is_set():
        raise ChildError(
            f"{what} failed (exit {proc.returncode}, {command}). "
            f"Last lines of its output:\n{tail(lines)}"
        )
    log.info("%s done in %.1f s", what, elapsed)
    return "\n".join(lines)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_prefect_server(timeout: float | None = None) -> tuple[subprocess.Popen[Any], str]:
    """A local Prefect API server (no UI, on the SQLite database under ``PREFECT_HOME``),
    started under the guard; returns the process and its API URL once it answers.

    The same server Prefect starts for a flow called without ``PREFECT_API_URL`` (uvicorn
    serving ``prefect.server.api.server:create_app``, in ephemeral mode: no UI, only the
    services a single run needs), but a child this process controls."""
    timeout = timeout or float(os.environ.get(STARTUP_TIMEOUT_ENV) or 120)
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]
    env = {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }
    env.pop("PREFECT_API_URL", None)
    proc = start(command, env=env, stdin=subprocess.DEVNULL)
    api_url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise ChildError(
                f"the local Prefect server exited at start (status {proc.returncode}, port "
                f"{port}); see its output above, or set PREFECT_API_URL to a running server"
            )
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return proc, api_url
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            stop(proc)
            raise ChildError(
                f"the local Prefect server did not answer on {api_url} within {timeout:.0f} s "
                f"(raise {STARTUP_TIMEOUT_ENV} on a slow machine, or set PREFECT_API_URL to a "
                "running server)"
            )
        time.sleep(0.1)


def use_local_prefect_server() -> str | None:
    """Unless ``PREFECT_API_URL`` names a server, start a local one for this process (see
    :func:`start_prefect_server`), point ``PREFECT_API_URL`` at it and stop it at exit.

    Call it before importing prefect (its settings are read at import). Returns the URL of
    the server started, or None when one was configured."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    if "prefect" in sys.modules:
        raise RuntimeError("use_local_prefect_server() must run before prefect is imported")
    started = time.monotonic()
    proc, api_url = start_prefect_server()
    # atexit runs after Prefect's own exit hooks (they drain logs and events to the server:
    # registered later, threading's run first), so the server outlives them.
    atexit.register(stop, proc)
    os.environ["PREFECT_API_URL"] = api_url
    log.info("local Prefect server on %s (%.1f s to start)", api_url, time.monotonic() - started)
    return api_url
