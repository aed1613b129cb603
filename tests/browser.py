"""Headless Chromium for the browser tests (reports, the Prefect UI, nginx's policy) and the
README screenshots, through Playwright.

Debian's ``chromium`` is driven (``executable_path``): Playwright never downloads a browser
here (never run ``playwright install``); ``make test`` installs it when missing. Each
``Tab`` records what its page did since the last navigation: console errors, uncaught
exceptions, failed loads and every request URL, its workers' included (DuckDB-Wasm fetches
the parquet files from a Web Worker), so a test can assert that nothing went wrong and that
nothing left the machine. The host resolver maps every name but 127.0.0.1 to "not found", so
even a request that slipped through could not reach the network.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser as PlaywrightBrowser
from playwright.sync_api import (
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    Request,
    Worker,
    sync_playwright,
)

CHROMIUM_FLAGS = (
    "--no-sandbox",  # root in containers; the pages are our own static site
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)


class BrowserError(RuntimeError):
    """Chromium could not be started, or a page did not load or draw in time."""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium_path() -> str:
    """Debian's chromium, or a failure that says how to get it (never a skip)."""
    path = find_chromium()
    assert path is not None, (
        "chromium is missing: run `make test` (it installs it) or `apt-get install chromium`"
    )
    return path


def launch(playwright: Playwright, executable: str | None = None) -> PlaywrightBrowser:
    """Headless chromium with this project's flags: nothing but 127.0.0.1 resolves."""
    try:
        return playwright.chromium.launch(
            executable_path=executable or chromium_path(), args=list(CHROMIUM_FLAGS), timeout=60_000
        )
    except Error as exc:
        raise BrowserError(f"chromium did not start: {exc.message}") from exc


@contextmanager
def chromium() -> Iterator[PlaywrightBrowser]:
    """A Playwright-driven chromium for a ``with`` block."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageLog:
    """What a tab saw since its last navigation."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return self.console_errors + self.failed_requests


class Tab:
    """One page and its workers: navigation, evaluation, screenshots, and its log."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.log = PageLog()
        self._inflight: dict[Request, str] = {}
        self._last_activity = time.monotonic()
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_finished)
        page.on("requestfailed", self._on_failed)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.log.console_errors.append(f"uncaught: {error}"))
        page.on("worker", self._on_worker)

    def _on_request(self, request: Request) -> None:
        self.log.requests.append(request.url)
        self._inflight[request] = request.url
        self._last_activity = time.monotonic()

    def _on_finished(self, request: Request) -> None:
        self._inflight.pop(request, None)
        self._last_activity = time.monotonic()

    def _on_failed(self, request: Request) -> None:
        self._on_finished(request)
        failure = request.failure or ""
        if "ERR_ABORTED" not in failure:  # cancelled by the page itself (e.g. a re-query)
            self.log.failed_requests.append(f"{request.url}: {failure}")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "assert"):
            self.log.console_errors.append(f"console.{message.type}: {message.text}")

    def _on_worker(self, worker: Worker) -> None:
        worker.on("console", self._on_console)

    def goto(self, url: str, *, ready: str | None = None, timeout: float = 90) -> None:
        """Load ``url``, then wait for the network to be idle and ``ready`` (a JavaScript
        expression) to be true. Resets the log."""
        self.log = PageLog()
        self._inflight.clear()
        deadline = time.monotonic() + timeout
        try:
            self.page.goto(url, wait_until="load", timeout=timeout * 1000)
        except Error as exc:
            raise BrowserError(f"cannot load {url}: {exc.message}") from exc
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
            self.page.wait_for_timeout(200)  # lets Playwright deliver the page's events

    def evaluate(self, expression: str, timeout: float = 60) -> Any:
        """The JSON value of a JavaScript expression (promises are awaited)."""
        try:
            return self.page.evaluate(expression)
        except Error as exc:
            raise BrowserError(f"evaluating {expression[:80]!r} failed: {exc.message}") from exc

    def screenshot(self, path: Path, *, full_page: bool = False) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=full_page, timeout=120_000)
        return path

    def set_viewport(self, width: int, height: int) -> None:
        self.page.set_viewport_size({"width": width, "height": height})


class Browser:
    """A headless Chromium started for one test session (or one screenshot run)."""

    def __init__(self, executable: str, *, width: int = 1280, height: int = 900) -> None:
        self._playwright: Playwright = sync_playwright().start()
        try:
            self._browser = launch(self._playwright, executable)
        except BrowserError:
            self._playwright.stop()
            raise
        self._context = self._browser.new_context(viewport={"width": width, "height": height})

    @property
    def playwright(self) -> PlaywrightBrowser:
        """The Playwright browser itself, for tests that open contexts of their own (one
        Playwright per thread: a second ``chromium()`` beside this one would fail)."""
        return self._browser

    def new_tab(self) -> Tab:
        return Tab(self._context.new_page())

    def close(self) -> None:
        try:
            self._context.close()
            self._browser.close()
        finally:
            self._playwright.stop()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
