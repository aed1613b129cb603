"""The built reports work under the headers nginx sends in the compose stack: one page of every
kind (the overview, each index page and one page of each templated kind) loads in headless
chromium with its data drawn and no Content-Security-Policy violation, console error or
failed request. ``tests.deploy.nginx`` stands in for nginx (its root, try_files, MIME types
and add_header lines).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import Browser
from tests.deploy.nginx import REPORTS, Site, Visit
from tests.reports.conftest import RENDERED

pytestmark = pytest.mark.slow

NOT_PAGES = ("_app", "api", "data")


def one_page_of_each_kind(site: Path) -> list[str]:
    pages = ["/"]
    for folder in sorted(p for p in site.iterdir() if p.is_dir() and p.name not in NOT_PAGES):
        if (folder / "index.html").is_file():
            pages.append(f"/{folder.name}/")
        templated = sorted(p for p in folder.iterdir() if (p / "index.html").is_file())
        if templated:
            pages.append(f"/{folder.name}/{templated[0].name}/")
    return pages


@pytest.fixture(scope="module")
def under_nginx(built_site: Path) -> Iterator[Site]:
    site = Site(REPORTS, built_site)
    yield site
    site.close()


def test_every_kind_of_page_works_under_the_policy(
    built_site: Path, under_nginx: Site, browser: Browser
) -> None:
    pages = one_page_of_each_kind(built_site)
    assert {"/", "/playlists/", "/trending/"} <= set(pages)
    assert any(p.startswith("/videos/") for p in pages), pages
    for path in pages:
        visit = Visit(browser.playwright, under_nginx.url + path, RENDERED)
        try:
            assert visit.status == 200, path
            assert visit.violations == [], (path, visit.violations)
            assert visit.errors == [] and visit.failed == [], (path, visit.errors, visit.failed)
            assert visit.page.inner_text("main").strip(), path  # drawn, with its data
        finally:
            visit.close()
