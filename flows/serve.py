"""Serving the pipeline as two scheduled Prefect deployments of one flow:

- ``hourly-statistics`` (``mode=stats``): statistics of every known video, new uploads, the
  charts; hourly by default.
- ``daily-crawl`` (``mode=full``): every playlist and its items, reference data; daily just
  after the API's quota resets (midnight Pacific), when the day's budget is whole.

Without ``PREFECT_API_URL`` a local Prefect server (with its UI) is started first, with its
database under the project's state folder, so the deployments and their runs are visible at
http://127.0.0.1:4200, or on the port given by ``--prefect-port`` (``ytw ui`` always does
that). With PREFECT_SERVER_API_AUTH_STRING set, that server and its UI ask for the string.
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
from typing import Any

from extract.settings import state_dir
from flows import children
from flows.env import prepare

log = logging.getLogger(__name__)

HOURLY_CRON = "0 * * * *"  # on the hour
DAILY_CRON = "15 0 * * *"  # 00:15 in DAILY_TIMEZONE: just after the quota day starts
DAILY_TIMEZONE = "America/Los_Angeles"  # the API's quota day is a Pacific day


def server_env(host: str, port: int) -> dict[str, str]:
    """The environment of a local ``prefect server start`` on ``host``:``port``.

    ``--port`` alone is not enough: the UI learns the API's address from the server's
    settings, whose default is PREFECT_SERVER_API_HOST:PREFECT_SERVER_API_PORT (4200), and a
    ``.env`` in the working directory (Prefect reads one, e.g. a copy of .env.example) may
    set PREFECT_UI_API_URL for the compose stack. Variables win over ``.env``, so the browser
    is sent to this server's API whatever port was picked.
    """
    env = os.environ.copy()
    env.update(
        {
            "PREFECT_SERVER_API_HOST": host,
            "PREFECT_SERVER_API_PORT": str(port),
            "PREFECT_UI_API_URL": f"http://{host}:{port}/api",
        }
    )
    return env


def start_local_server(host: str = "127.0.0.1", port: int = 4200) -> subprocess.Popen[bytes]:
    """Start ``prefect server start`` in the background and wait until it answers."""
    prepare()
    api_url = f"http://{host}:{port}/api"
    # With PREFECT_SERVER_API_AUTH_STRING the server wants that string from every client:
    # ours (the deployments served from this process) sends it unless told otherwise.
    if os.environ.get("PREFECT_SERVER_API_AUTH_STRING"):
        os.environ.setdefault(
            "PREFECT_API_AUTH_STRING", os.environ["PREFECT_SERVER_API_AUTH_STRING"]
        )
    log_path = state_dir() / "prefect-server.log"
    # under the guard: even a `kill -9` of ytw takes the server (and its UI) down with it
    process = children.start(
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
        env=server_env(host, port),
    )
    try:
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
        raise RuntimeError(f"the Prefect server did not answer within 120 s; see {log_path}")
    except BaseException:  # also a stop (SIGTERM, Ctrl+C) while waiting: no orphan server
        children.stop(process, timeout=30)
        raise


def deployments(
    hourly_cron: str = HOURLY_CRON,
    daily_cron: str = DAILY_CRON,
    timezone: str = DAILY_TIMEZONE,
) -> list[Any]:
    """The two deployments of the pipeline flow (importing Prefect: call after the server)."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.pipeline import pipeline

    def deployment(name: str, cron: str, mode: str, description: str, tag: str) -> Any:
        return pipeline.to_deployment(
            name=name,
            schedules=[Cron(cron, timezone=timezone)],
            parameters={"mode": mode},
            description=description,
            tags=["tubewarehouse", tag],
            # runs import flows.pipeline by module name: works from any working directory
            entrypoint_type=EntrypointType.MODULE_PATH,
        )

    return [
        deployment(
            "hourly-statistics",
            hourly_cron,
            "stats",
            "Statistics of every known video (and new uploads) and the mostPopular charts, "
            "then dbt build.",
            "hourly",
        ),
        deployment(
            "daily-crawl",
            daily_cron,
            "full",
            "The full crawl: every playlist and its items, reference data, statistics and "
            "charts, then dbt build.",
            "daily",
        ),
    ]


def serve(
    hourly_cron: str = HOURLY_CRON,
    daily_cron: str = DAILY_CRON,
    timezone: str = DAILY_TIMEZONE,
    prefect_port: int = 4200,
    local_server: bool = False,
) -> None:
    """Serve both deployments until interrupted; with ``local_server`` (or no
    ``PREFECT_API_URL``) start a local Prefect server with its UI first."""
    prepare()
    # On SIGTERM (docker stop, systemd) unwind normally so the local server is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = None
    # A stop at any point once the server runs (even while Prefect is still being imported)
    # must take it down too.
    try:
        if local_server or not os.environ.get("PREFECT_API_URL"):
            os.environ.pop("PREFECT_API_URL", None)
            server = start_local_server(port=prefect_port)
            print(f"Prefect UI: http://127.0.0.1:{prefect_port}/deployments", flush=True)
        from prefect import serve as prefect_serve  # after PREFECT_API_URL is set

        prefect_serve(*deployments(hourly_cron, daily_cron, timezone))
    finally:
        if server is not None:
            children.stop(server, timeout=30)
