"""``ytw serve``: a local Prefect server comes up and the pipeline is served as a deployment
with an hourly cron schedule; stopping ``ytw serve`` stops that server too."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def deployments(port: int) -> list[dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/deployments/filter",
        data=b"{}",
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


def test_serve_registers_the_hourly_deployment(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "TUBEWAREHOUSE_HOME": str(tmp_path)}
    env.pop("PREFECT_API_URL", None)
    env.pop("PREFECT_HOME", None)
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("ytw")), "serve", "--prefect-port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        found: list[dict] = []
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and not found:
            time.sleep(2)
            assert process.poll() is None, "ytw serve exited early"
            try:
                found = deployments(port)
            except OSError:
                continue
        assert found, "no deployment appeared"
        (deployment,) = found
        assert deployment["name"] == "hourly"
        assert [s["schedule"]["cron"] for s in deployment["schedules"]] == ["0 * * * *"]
        assert (tmp_path / "prefect").is_dir()  # Prefect's home is the project's state folder
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    time.sleep(1)
    with pytest.raises(OSError):
        deployments(port)  # the local Prefect server went away with ytw serve
