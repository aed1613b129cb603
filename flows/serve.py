"""Serving the pipeline as a scheduled Prefect deployment.

Without ``PREFECT_API_URL`` a local Prefect server (with its UI) is started first, with its
database under the project's state folder, so the deployment and its runs are visible at
http://127.0.0.1:4200.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from extract.settings import state_dir
from flows.env import prepare

log = logging.getLogger(__name__)

DEFAULT_CRON = "0 * * * *"  # hourly, on the hour


def start_local_server(host: str = "127.0.0.1", port: int = 4200) -> subprocess.Popen[bytes]:
    """Start ``prefect server start`` in the background and wait until it answers."""
    prepare()
    api_url = f"http://{host}:{port}/api"
    log_path = state_dir() / "prefect-server.log"
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            str(Path(sys.executable).with_name("prefect")),
            "server",
            "start",
            "--host",
            host,
            "--port",
            str(port),
        ],
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Prefect server exited at start; see {log_path}")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    os.environ["PREFECT_API_URL"] = api_url
                    log.info("Prefect server up: UI at http://%s:%d", host, port)
                    return process
        except OSError:
            time.sleep(1)
    process.terminate()
    raise RuntimeError(f"the Prefect server did not answer within 120 s; see {log_path}")


def serve(cron: str = DEFAULT_CRON, name: str = "hourly", prefect_port: int = 4200) -> None:
    """Serve the pipeline deployment on ``cron`` until interrupted."""
    prepare()
    # On SIGTERM (docker stop, systemd) unwind normally so the local server is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        server = start_local_server(port=prefect_port)
    from flows.pipeline import pipeline  # after PREFECT_API_URL is set

    try:
        pipeline.serve(name=name, cron=cron)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
