"""Progress of an extract run: pages, items and quota units, as the pages land.

On a terminal the CLI installs :class:`TerminalProgress`, one status line redrawn in place
(and cleared around log lines so both stay readable); anywhere else (Prefect, cron, a pipe)
:class:`LogProgress` writes one plain log line per finished step.

Why not ``rich`` (installed with Prefect): its live display (``rich.live.Live``,
``rich.progress``) keeps log lines above the status only for what is printed through its own
``Console``, or through ``sys.stdout``/``sys.stderr`` while it redirects them. The handlers
writing our log lines hold their stream from before: the root handler of
``logging.basicConfig`` (the CLI's) keeps the ``sys.stderr`` it was created with, and
Prefect's console handler prints through a ``Console`` of its own bound to that stream.
Their lines would tear the live display unless we replaced those handlers (a ``RichHandler``
on the live console) for the length of a run, i.e. took over the logging Prefect sets up.
A filter on the existing handlers that clears the line before each record needs neither.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from typing import Protocol, TextIO

log = logging.getLogger(__name__)


@dataclass
class Counts:
    step: str = ""
    pages: int = 0
    items: int = 0
    units: int = 0

    def line(self) -> str:
        return f"{self.pages:,} pages, {self.items:,} items, {self.units:,} quota units"


class Reporter(Protocol):
    def page(self, counts: Counts, what: str) -> None: ...
    def step_done(self, counts: Counts) -> None: ...
    def close(self, counts: Counts) -> None: ...


class LogProgress:
    """One log line per finished step (with the run's totals so far)."""

    def page(self, counts: Counts, what: str) -> None:
        log.debug("%s: %s so far", what, counts.line())

    def step_done(self, counts: Counts) -> None:
        log.info("progress: %s done; %s so far", counts.step, counts.line())

    def close(self, counts: Counts) -> None:
        return None


class TerminalProgress:
    """A status line on a terminal, redrawn at most ten times a second."""

    def __init__(self, stream: TextIO | None = None, min_interval: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.min_interval = min_interval
        self._drawn = False
        self._last = 0.0
        self._text = ""
        self._filter = _ClearLine(self)
        # Log lines (ours and Prefect's console) clear the status line before they print.
        for handler in {*logging.getLogger().handlers, *logging.getLogger("prefect").handlers}:
            handler.addFilter(self._filter)

    def clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False

    def _draw(self, text: str, force: bool = False) -> None:
        now = time.monotonic()
        self._text = text
        if not force and now - self._last < self.min_interval:
            return
        self._last = now
        self.stream.write(f"\r\x1b[K{text}")
        self.stream.flush()
        self._drawn = True

    def page(self, counts: Counts, what: str) -> None:
        self._draw(f"extract {counts.step}: {counts.line()} - {what}")

    def step_done(self, counts: Counts) -> None:
        self._draw(f"extract {counts.step} done: {counts.line()}", force=True)

    def close(self, counts: Counts) -> None:
        self.clear()
        for handler in {*logging.getLogger().handlers, *logging.getLogger("prefect").handlers}:
            handler.removeFilter(self._filter)


class _ClearLine(logging.Filter):
    def __init__(self, progress: TerminalProgress) -> None:
        super().__init__()
        self.progress = progress

    def filter(self, record: logging.LogRecord) -> bool:
        self.progress.clear()
        return True


_reporter: Reporter | None = None


def use(reporter: Reporter | None) -> None:
    """Report the progress of the next runs to ``reporter`` (None: plain log lines)."""
    global _reporter
    _reporter = reporter


def current() -> Reporter:
    return _reporter or LogProgress()
