"""``ytw ui`` in a real browser: on whatever port the user picks, the Prefect UI talks to that
server's API and lists both deployments; with an auth string set, the UI asks for it first
and the deployments served by ``ytw`` (which sends it) are there once signed in. Stopping
``ytw ui`` the moment it is up stops its server too.

Headless Debian chromium driven by Playwright (no browser download); every host name but
127.0.0.1 resolves to nothing, so the page cannot reach the network.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator import Clock, EmulatorServer, World
from extract.database import ConnectionInfo
from extract.settings import project_root
from tests.browser import chromium
from tests.conftest import EMULATOR_START, env_for
from tests.flows.test_clean_exits import descendants, survivors
from tests.flows.test_serve import NEVER_IN_THE_TEST, free_port

pytestmark = pytest.mark.slow

DEPLOYMENTS = ("hourly-statistics", "daily-crawl")
NO_API = "Can't connect to Server API"
AUTH_STRING = "admin:ui-test-password"


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def ui_settings(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/ui-settings", timeout=5) as response:
        return json.load(response)


@pytest.fixture
def ui(
    request: pytest.FixtureRequest, tmp_path: Path, warehouse: ConnectionInfo
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """``ytw ui --prefect-port <free port>`` against the emulator, started from a folder
    holding a copy of .env.example as .env (what a user of the compose stack has: Prefect
    reads it, PREFECT_UI_API_URL included); ``request.param`` is extra environment. Yields
    once it has printed the UI's address."""
    port = free_port()
    shutil.copy(project_root() / ".env.example", tmp_path / ".env")
    with EmulatorServer(World.small(), Clock(EMULATOR_START, frozen=True)) as emulator:
        env = {
            **os.environ,
            **env_for(emulator, warehouse),
            "TUBEWAREHOUSE_HOME": str(tmp_path / "home"),
            **getattr(request, "param", {}),
        }
        for name in ("PREFECT_API_URL", "PREFECT_HOME"):
            env.pop(name, None)
        log_path = tmp_path / "ui.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("ytw")),
                    "ui",
                    "--prefect-port",
                    str(port),
                    "--hourly-cron",
                    NEVER_IN_THE_TEST,
                    "--daily-cron",
                    NEVER_IN_THE_TEST,
                    "--timezone",
                    "UTC",
                ],
                cwd=tmp_path,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                deadline = time.monotonic() + 150
                while "Prefect UI: " not in log_path.read_text():
                    assert process.poll() is None, log_path.read_text()[-3000:]
                    assert time.monotonic() < deadline, log_path.read_text()[-3000:]
                    time.sleep(0.1)
                yield port, process
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=90)


def open_deployments(port: int, sign_in: str | None = None) -> tuple[str, list[str]]:
    """The text of the Deployments page once both deployments show (or after 90 s), and the
    URLs of the page's requests to any other port."""
    origin = f"http://127.0.0.1:{port}"
    elsewhere: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on(
            "request",
            lambda r: (
                None if r.url.startswith((origin, "data:", "blob:")) else elsewhere.append(r.url)
            ),
        )
        page.goto(f"{origin}/deployments")
        if sign_in is not None:
            password = page.locator("input[type=password]")
            password.wait_for(timeout=60_000)
            password.fill(sign_in)
            password.press("Enter")
        text = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            # the runner registers the deployments a moment after the server is up
            page.goto(f"{origin}/deployments")
            page.wait_for_load_state("networkidle")
            text = page.inner_text("body")
            if all(name in text for name in DEPLOYMENTS) or NO_API in text:
                break
            time.sleep(3)
        return text, elsewhere


def test_ui_on_another_port_lists_both_deployments(
    ui: tuple[int, subprocess.Popen[bytes]],
) -> None:
    port, _ = ui
    assert port != 4200
    text, elsewhere = open_deployments(port)
    assert NO_API not in text, text[:2000]
    assert "Create a deployment to get started" not in text
    for name in DEPLOYMENTS:
        assert name in text, text[:2000]
    assert not elsewhere, elsewhere  # nothing asked of port 4200 (or anything else)
    # what the page is told about its API: this server, not the default port or .env's
    assert ui_settings(port)["api_url"] == f"http://127.0.0.1:{port}/api"


@pytest.mark.parametrize(
    "ui",
    [{"PREFECT_SERVER_API_AUTH_STRING": AUTH_STRING}],
    indirect=True,
)
def test_ui_with_an_auth_string_asks_for_it(ui: tuple[int, subprocess.Popen[bytes]]) -> None:
    port, _ = ui
    api = f"http://127.0.0.1:{port}/api"
    assert ui_settings(port)["auth"] == "BASIC"
    assert status(f"{api}/health") == 200  # health probes stay open
    request = urllib.request.Request(f"{api}/deployments/filter", data=b"{}", method="POST")
    request.add_header("Content-Type", "application/json")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 401  # nobody starts or deletes runs without the string
    text, elsewhere = open_deployments(port, sign_in=AUTH_STRING)
    assert NO_API not in text, text[:2000]
    for name in DEPLOYMENTS:  # registered by ytw's own client, which sent the string
        assert name in text, text[:2000]
    assert not elsewhere, elsewhere


def test_stopping_ui_as_soon_as_it_is_up_stops_its_server(
    ui: tuple[int, subprocess.Popen[bytes]],
) -> None:
    """A stop that lands while ``ytw`` is still importing Prefect (a second or two after
    the server is up) used to leave the server running, orphaned."""
    port, process = ui
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=90)
    time.sleep(1)
    with pytest.raises(OSError):
        ui_settings(port)


def test_kill_9_of_ytw_ui_takes_its_server_down(ui: tuple[int, subprocess.Popen[bytes]]) -> None:
    """No exit handler runs after SIGKILL: the guard around the server ends it (and its
    workers) because Linux signals the guard when ``ytw`` dies."""
    port, process = ui
    started = descendants(process.pid)
    assert any("prefect" in command for command in started.values()), started
    process.kill()
    process.wait(timeout=10)
    assert survivors(started) == {}
    with pytest.raises(OSError):
        ui_settings(port)
