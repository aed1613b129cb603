"""Progress on a terminal: one status line redrawn in place with the run's pages, items and
quota units, cleared around log lines; the final counts match the run's own."""

from __future__ import annotations

import io
import logging
import re

import pytest

from emulator import EmulatorServer
from extract import progress
from extract.run import run_extract
from tests.conftest import query, settings_for


@pytest.fixture
def terminal() -> io.StringIO:
    stream = io.StringIO()
    progress.use(progress.TerminalProgress(stream, min_interval=0))
    yield stream
    progress.use(None)


def test_terminal_status_line_counts_pages_items_and_units(
    emulator: EmulatorServer, warehouse, terminal: io.StringIO
) -> None:
    result = run_extract(settings_for(emulator), warehouse)

    assert result.ok, result.failures
    frames = terminal.getvalue().split("\r\x1b[K")
    assert len(frames) > 10 and "\n" not in terminal.getvalue()  # redrawn in place
    done = [f for f in frames if " done: " in f]
    steps = [f.split()[1] for f in done]
    assert steps == ["channels", "reference", "playlists", "items", "videos", "charts"]
    pages, items, units = _counts(done[-1])
    landed_pages = query(
        warehouse, "select count(*) from raw_youtube.pages where run_id = %s", (result.run_id,)
    )[0][0]
    assert pages == result.pages == landed_pages
    assert items == sum(result.rows_landed.values())
    assert units == result.units_spent
    assert frames[-1] == ""  # the line is cleared when the run ends


def _counts(frame: str) -> tuple[int, int, int]:
    match = re.search(r"([\d,]+) pages, ([\d,]+) items, ([\d,]+) quota units", frame)
    assert match, frame
    pages, items, units = (int(g.replace(",", "")) for g in match.groups())
    return pages, items, units


def test_log_lines_clear_the_status_line_first(terminal: io.StringIO) -> None:
    reporter = progress.current()
    counts = progress.Counts("videos", 3, 150, 3)
    reporter.page(counts, "videos.list batch 3/9")
    record = logging.LogRecord("extract", logging.WARNING, __file__, 1, "boom", None, None)
    for handler in logging.getLogger().handlers:
        if reporter._filter in handler.filters:  # type: ignore[attr-defined]
            handler.filter(record)
            break
    else:
        pytest.fail("the status line does not watch the root log handlers")
    assert terminal.getvalue().endswith("videos.list batch 3/9\r\x1b[K")
