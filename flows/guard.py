"""Run a command so that it cannot outlive the process that started it.

``python -S guard.py PARENT_PID -- COMMAND...``, started by ``flows.children`` as the leader of
a new process group: it asks Linux to signal it when its parent dies (``prctl
PR_SET_PDEATHSIG``: delivered even after a ``kill -9`` of the parent, which runs no exit
handler), runs COMMAND in its own process group, and ends that whole group (the command and
anything it started: npm's shell and node, uvicorn) when the parent dies, when it is told to
stop (SIGTERM, SIGINT, SIGHUP), or when the command exits. Its exit status is the command's.

Standard library only, imported without ``site`` (``-S``): it must start fast and never
depend on the project's environment. Elsewhere than Linux there is no parent-death signal:
the guard still ends the group when it is stopped or when the command exits.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from types import FrameType

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
GRACE_SECONDS = 5.0  # between SIGTERM and SIGKILL to the group


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        # this process's own symbols, libc's prctl among them
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os.kill(os.getpid(), signal.SIGTERM)


def _others() -> list[int] | None:
    """The live processes of this guard's group but itself (None: no /proc to tell)."""
    if not os.path.isdir("/proc"):
        return None
    me, group, found = os.getpid(), os.getpgrp(), []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()  # state, ppid, pgrp, ...
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            found.append(int(name))
    return found


def _end_group() -> None:
    """SIGTERM to the whole group; SIGKILL to whatever is left after the grace period."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)  # the group's signal reaches this process too
    try:
        os.killpg(0, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline and _others() != []:
        time.sleep(0.05)
    others = _others()
    if others is None:
        os.killpg(0, signal.SIGKILL)  # no /proc: the group, this guard included
    for pid in others or []:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: guard.py PARENT_PID -- COMMAND...", file=sys.stderr)
        return 2
    parent, command = int(argv[0]), argv[2:]

    def stop(signum: int, frame: FrameType | None) -> None:
        _end_group()
        os._exit(128 + signum)

    if os.getpgrp() != os.getpid():
        os.setpgid(0, 0)  # lead a group of its own: never signal the caller's
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)
    _die_with_parent(parent)
    try:
        child = subprocess.Popen(command)
    except OSError as exc:
        print(f"cannot start {command[0]}: {exc}", file=sys.stderr)
        return 127
    code = child.wait()
    if _others():  # the command exited: end what it left behind (npm's children)
        _end_group()
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
