"""``python -m emulator``: the one-line banner, serving, clean stop on SIGTERM."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.request import urlopen

from emulator.__main__ import main

ROOT = Path(__file__).resolve().parents[3]


def test_serves_until_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", "0", "--small", "--frozen",
         "--start", "2026-11-02T12:00:00Z", "--seed", "42"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+) channels=(\S+) regions=(\S+)", banner)
        assert match, banner
        url, channels, regions = match.groups()
        assert regions == "US,GB,JP"
        with urlopen(url + "/emulator/world", timeout=10) as response:
            summary = json.load(response)
        assert channels.split(",") == summary["tracked_channel_ids"]
        with urlopen(url + "/emulator/clock", timeout=10) as response:
            assert json.load(response)["now"] == "2026-11-02T12:00:00Z"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_busy_port_is_reported() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--port", str(port), "--small"]) == 1
