"""Regenerate the README's screenshots of the reports: ``make screenshots``
(``python -m tests.reports.screenshots``), about 5 minutes.

Everything runs in a throwaway place: an embedded PostgreSQL in a temporary folder, filled
from the emulator's default world (what ``make demo`` shows) captured once a day for 30
days, so the charts have a month of history; the reports built from it (into
``reports/build``, replacing what was there); two pages rendered in headless Chromium and
written to ``docs/screenshots/``. The user's own warehouse and state are never touched.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from extract.database import from_url
from flows import reports
from flows.site_server import serve
from tests.browser import Browser, find_chromium
from tests.conftest import create_database, isolate_environment
from tests.reports.warehouse import DEMO_DAYS, demo_history

log = logging.getLogger("screenshots")

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTH, HEIGHT = 1280, 1000
# name -> (path, what must be on the page before the picture is taken)
SHOTS = {
    "overview": ("/", "document.querySelectorAll('canvas').length >= 2"),
    "trending": ("/trending/", "document.querySelectorAll('table').length >= 1"),
}
RENDERED = "document.readyState === 'complete' && !document.querySelector('.animate-pulse')"


def take(site: Path, out: Path) -> list[Path]:
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("chromium is missing: `make browser` installs Debian's chromium")
    written: list[Path] = []
    with serve(site, port=0) as server, Browser(chromium, width=WIDTH, height=HEIGHT) as b:
        tab = b.new_tab()
        for name, (path, ready) in SHOTS.items():
            tab.goto(server.url.rstrip("/") + path, ready=f"({RENDERED}) && ({ready})")
            time.sleep(1.5)  # let the charts' 0.5 s animations finish
            if tab.log.problems():
                raise SystemExit(f"{path} rendered with errors: {tab.log.problems()}")
            written.append(tab.screenshot(out / f"{name}.png"))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default {OUT})")
    parser.add_argument("--days", type=int, default=DEMO_DAYS, help="days of history")
    args = parser.parse_args(argv)
    # Before anything reads the environment: project state in a temporary folder, no
    # DATABASE_URL, as for the tests.
    isolate_environment()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    for noisy in ("pgserver", "httpx", "extract", "flows.transform"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    import pgserver

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tw-screenshots-") as scratch:
        server = pgserver.get_server(Path(scratch) / "pg", cleanup_mode="delete")
        try:
            conn = create_database(from_url(server.get_uri()), "screenshots")
            log.info("filling a warehouse: the demo world, %d daily captures", args.days)
            demo_history(conn, args.days)
            log.info("building the reports")
            site = reports.build(conn)
            for path in take(site, args.out):
                log.info("wrote %s", path)
        finally:
            server.cleanup()
            # the temporary project state isolate_environment made
            shutil.rmtree(os.environ["TUBEWAREHOUSE_HOME"], ignore_errors=True)
    log.info("screenshots done in %.0f s", time.monotonic() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
