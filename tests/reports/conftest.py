"""Fixtures for the reports tests: a warehouse filled from the emulator, the Evidence site built
from it once per session, a static server and a headless Chromium.

The build is the slow part (``evidence build`` ≈ 50-100 s on two cores): every browser test
shares the one site. Screenshots of each rendered page are kept in ``tests/artifacts/reports``.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from extract.database import ConnectionInfo
from flows import reports, site_server
from tests.browser import Browser, Tab, chromium_path
from tests.conftest import create_database, query
from tests.reports.warehouse import FilledWarehouse, hostile_history

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "reports"
# Every page waits until Evidence has drawn: no loading skeleton left.
RENDERED = "document.readyState === 'complete' && !document.querySelector('.animate-pulse')"


@pytest.fixture(scope="session")
def filled(pg_cluster: ConnectionInfo) -> FilledWarehouse:
    """The small emulator world over four days, with hostile titles and edge cases."""
    conn = create_database(pg_cluster, f"reports_{uuid.uuid4().hex[:8]}")
    return hostile_history(conn)


@pytest.fixture(scope="session")
def built_site(filled: FilledWarehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reports built from ``filled`` (once per session), moved out of reports/build so
    that the tests building other warehouses there do not replace it."""
    started = time.monotonic()
    site = reports.build(filled.conn)
    print(f"\nreports built in {time.monotonic() - started:.0f} s")
    kept = tmp_path_factory.mktemp("reports") / "site"
    shutil.move(site, kept)
    return kept


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    with site_server.serve(built_site, port=0) as server:
        yield server.url.rstrip("/")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with Browser(chromium_path(), width=1280, height=900) as running:
        yield running


@pytest.fixture(scope="session")
def tab(browser: Browser) -> Tab:
    return browser.new_tab()


class Marts:
    """SQL on the warehouse the site was built from: what the pages must show."""

    def __init__(self, conn: ConnectionInfo) -> None:
        self.conn = conn

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        return query(self.conn, sql, params)

    def one(self, sql: str, params: tuple = ()) -> tuple:
        found = self.rows(sql, params)
        assert len(found) == 1, (sql, params, found)
        return found[0]

    def value(self, sql: str, params: tuple = ()) -> object:
        return self.one(sql, params)[0]


@pytest.fixture(scope="session")
def marts(filled: FilledWarehouse) -> Marts:
    return Marts(filled.conn)
