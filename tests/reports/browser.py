"""A small headless-Chromium driver over the DevTools protocol (CDP), for the reports tests
and the README screenshots.

Debian's ``chromium`` is driven directly: no browser download, no Node test runner. One
browser per ``Browser``; each ``Tab`` records what the page did — console errors, uncaught
exceptions, failed loads and every request URL, its workers' included (DuckDB-Wasm fetches
the parquet files from a Web Worker) — so a test can assert that nothing went wrong and that
nothing left the machine. The host resolver maps every name but 127.0.0.1 to "not found", so
even a request that slipped through could not reach the network.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",  # root in containers; the pages are our own static site
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)
_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")


class BrowserError(RuntimeError):
    """Chromium could not be started or did not answer."""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageLog:
    """What a tab saw since its last navigation."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return self.console_errors + self.failed_requests


class _Connection:
    """One websocket to the browser; commands by id, events to listeners, sessions flattened."""

    def __init__(self, url: str) -> None:
        self._ws: ClientConnection = connect(url, max_size=None, proxy=None, open_timeout=30)
        self._ids = itertools.count(1)
        self._pending: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.listeners: list[Callable[[dict[str, Any]], None]] = []
        self._reader = threading.Thread(target=self._read, name="cdp-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            for raw in self._ws:
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        waiter = self._pending.pop(message["id"], None)
                    if waiter is not None:
                        waiter.put(message)
                else:
                    for listener in list(self.listeners):
                        listener(message)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                waiters = list(self._pending.values())
                self._pending.clear()
            for waiter in waiters:
                waiter.put({"error": {"message": "browser connection closed"}})

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 60,
    ) -> dict[str, Any]:
        command_id = next(self._ids)
        waiter: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=1)
        with self._lock:
            self._pending[command_id] = waiter
        message: dict[str, Any] = {"id": command_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._ws.send(json.dumps(message))
        try:
            answer = waiter.get(timeout=timeout)
        except queue.Empty:
            raise BrowserError(f"{method} got no answer within {timeout:.0f} s") from None
        if "error" in answer:
            raise BrowserError(f"{method} failed: {answer['error'].get('message')}")
        return answer.get("result", {})

    def close(self) -> None:
        self._ws.close()
        self._reader.join(timeout=5)


class Tab:
    """One page target with its workers; navigation, evaluation, screenshots."""

    def __init__(self, connection: _Connection, target_id: str, session: str) -> None:
        self._cdp = connection
        self.target_id = target_id
        self.session = session
        self.log = PageLog()
        self._sessions = {session}
        # request id -> URL (a worker's script starts in the page and ends in the worker)
        self._inflight: dict[str, str] = {}
        self._last_activity = time.monotonic()
        self._load_fired = threading.Event()
        connection.listeners.append(self._on_event)
        self._enable(session)
        self.send("Page.enable")

    # --------------------------------------------------------------------------- protocol

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 60) -> Any:
        return self._cdp.send(method, params, self.session, timeout)

    def _enable(self, session: str) -> None:
        for method in ("Runtime.enable", "Network.enable", "Log.enable"):
            # Some worker kinds lack a domain; what they cannot report cannot matter.
            with contextlib.suppress(BrowserError):
                self._cdp.send(method, session=session)
        self._cdp.send(
            "Target.setAutoAttach",
            {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True},
            session=session,
        )

    def _on_event(self, message: dict[str, Any]) -> None:
        session = message.get("sessionId")
        if session not in self._sessions:
            return
        method = message.get("method", "")
        params = message.get("params", {})
        if method == "Target.attachedToTarget":
            child = params["sessionId"]
            self._sessions.add(child)
            # Enabling blocks on the reader thread that called us: do it on another thread.
            threading.Thread(target=self._attach_worker, args=(child,), daemon=True).start()
        elif method == "Network.requestWillBeSent":
            self.log.requests.append(params["request"]["url"])
            self._inflight[params["requestId"]] = params["request"]["url"]
            self._last_activity = time.monotonic()
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            url = self._inflight.pop(params["requestId"], "?")
            self._last_activity = time.monotonic()
            if method == "Network.loadingFailed" and not params.get("canceled"):
                self.log.failed_requests.append(f"{url}: {params.get('errorText')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(_remote_text(arg) for arg in params.get("args", []))
            self.log.console_errors.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text")
            self.log.console_errors.append(f"uncaught: {text}")
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            entry = params["entry"]
            self.log.console_errors.append(f"{entry.get('source')}: {entry.get('text')}")
        elif method == "Page.loadEventFired" and session == self.session:
            self._load_fired.set()

    def _attach_worker(self, session: str) -> None:
        try:
            self._enable(session)
            self._cdp.send("Runtime.runIfWaitingForDebugger", session=session)
        except (BrowserError, ConnectionClosed):
            pass  # the worker ended meanwhile, or the browser is closing

    # --------------------------------------------------------------------------- actions

    def goto(self, url: str, *, ready: str | None = None, timeout: float = 90) -> None:
        """Load ``url``, then wait for the network to be idle and ``ready`` (a JavaScript
        expression) to be true. Resets the log."""
        self.log = PageLog()
        self._inflight.clear()
        self._load_fired.clear()
        answer = self.send("Page.navigate", {"url": url})
        if answer.get("errorText"):
            raise BrowserError(f"cannot load {url}: {answer['errorText']}")
        deadline = time.monotonic() + timeout
        if not self._load_fired.wait(timeout):
            raise BrowserError(f"{url} did not finish loading within {timeout:.0f} s")
        self.wait_until(ready or "true", timeout=max(1.0, deadline - time.monotonic()))

    def wait_until(self, expression: str, *, timeout: float = 60, quiet: float = 1.0) -> None:
        """Wait until ``expression`` is true and no request has been in flight for ``quiet``
        seconds."""
        deadline = time.monotonic() + timeout
        while True:
            idle = not self._inflight and time.monotonic() - self._last_activity >= quiet
            if idle and self.evaluate(f"Boolean({expression})"):
                return
            if time.monotonic() > deadline:
                raise BrowserError(
                    f"timed out after {timeout:.0f} s waiting for {expression!r} "
                    f"(requests in flight: {sorted(self._inflight.values())[:5]})"
                )
            time.sleep(0.2)

    def evaluate(self, expression: str, timeout: float = 60) -> Any:
        """The JSON value of a JavaScript expression (promises are awaited)."""
        answer = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            timeout=timeout,
        )
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"evaluating {expression[:80]!r} failed: {text}")
        return answer["result"].get("value")

    def screenshot(self, path: Path, *, full_page: bool = False) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            width, height = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            params.update(
                captureBeyondViewport=True,
                clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            )
        data = self.send("Page.captureScreenshot", params, timeout=120)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def set_viewport(self, width: int, height: int) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )


def _remote_text(arg: dict[str, Any]) -> str:
    if "value" in arg:
        return str(arg["value"])
    return str(arg.get("description") or arg.get("unserializableValue") or arg.get("type"))


class Browser:
    """A headless Chromium started for one test module (or one screenshot run)."""

    def __init__(self, executable: str, *, width: int = 1280, height: int = 900) -> None:
        self._profile = Path(tempfile.mkdtemp(prefix="tw-chromium-"))
        self._stderr = self._profile / "stderr.log"
        with self._stderr.open("wb") as err:
            self._proc = subprocess.Popen(
                [
                    executable,
                    *CHROMIUM_FLAGS,
                    "--remote-debugging-port=0",
                    "--remote-debugging-address=127.0.0.1",
                    f"--user-data-dir={self._profile / 'profile'}",
                    f"--window-size={width},{height}",
                    "about:blank",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        self._width, self._height = width, height
        url = self._wait_for_endpoint()
        self._cdp = _Connection(url)

    def _wait_for_endpoint(self, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self._stderr.read_text(errors="replace")
            found = _LISTENING.search(text)
            if found:
                return found.group(1)
            if self._proc.poll() is not None:
                raise BrowserError(f"chromium exited ({self._proc.returncode}):\n{text[-2000:]}")
            time.sleep(0.1)
        self.close()
        raise BrowserError(f"chromium did not open its DevTools port within {timeout:.0f} s")

    def new_tab(self) -> Tab:
        target = self._cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        tab = Tab(self._cdp, target, session)
        tab.set_viewport(self._width, self._height)
        return tab

    def close(self) -> None:
        try:
            if hasattr(self, "_cdp"):
                with contextlib.suppress(BrowserError):
                    self._cdp.send("Browser.close", timeout=10)
                self._cdp.close()
        finally:
            if self._proc.poll() is None:
                self._proc.terminate()
                try:
                    self._proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait(timeout=10)
            shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
