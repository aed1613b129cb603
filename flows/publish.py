"""Publishing the built sites (Evidence reports, dbt docs) into a folder a static web server
serves (the compose stack's nginx): each replaced in one rename, never half-written
(``flows/folders.py``).

A publish after every clean run must stay well inside the hourly schedule: each one's
duration is kept in the state folder (``publish.json``), and when the last one took longer
than :data:`BUDGET_SECONDS` (a quarter of the hour), hourly runs stop publishing and only the
daily crawl does, saying so in the run report, until a publish fits again."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from extract.database import ConnectionInfo
from extract.settings import state_dir
from flows import docs, reports
from flows.folders import copy_site

log = logging.getLogger(__name__)

# The longest a publish may take and still follow every hourly run.
BUDGET_SECONDS = 15 * 60
TIMING_FILE = "publish.json"


def publish(conn: ConnectionInfo, folder: Path) -> Path:
    """Build the Evidence reports and the dbt docs from ``conn`` into ``folder``/reports and
    ``folder``/docs; the time it took is kept for :func:`skip_reason`."""
    started = time.monotonic()
    folder.mkdir(parents=True, exist_ok=True)
    copy_site(reports.build(conn), folder / "reports")
    docs.publish(conn, folder / "docs")
    seconds = time.monotonic() - started
    _timing_path().write_text(json.dumps({"seconds": round(seconds, 1)}) + "\n")
    log.info("reports and dbt docs published in %s in %.0f s", folder, seconds)
    return folder


def last_seconds() -> float | None:
    """How long the last publish took (None: none yet, or its record is unreadable)."""
    try:
        return float(json.loads(_timing_path().read_text())["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def skip_reason(mode: str) -> str | None:
    """Why a run in ``mode`` does not publish (None: it does)."""
    last = last_seconds()
    if mode == "full" or last is None or last <= BUDGET_SECONDS:
        return None
    return (
        f"site not republished: the last publish took {last / 60:.0f} min, more than the "
        f"{BUDGET_SECONDS // 60} min an hourly run may spend on it; the daily crawl "
        "republishes it"
    )


def _timing_path() -> Path:
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / TIMING_FILE
