"""Read what a rendered Evidence page shows: its tables, big values, charts and text, as the
browser has them (after DuckDB-Wasm ran the page's queries), plus the checks every page must
pass (no console error, nothing requested off the machine). Also the report formats, in
Python, so tests can say what a number must look like on the page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from tests.browser import Tab

PROBE_JS = (Path(__file__).with_name("probe.js")).read_text(encoding="utf-8")


@dataclass
class RenderedPage:
    tab: Tab
    path: str

    def eval(self, expression: str) -> Any:
        return self.tab.evaluate(expression)

    def tables(self) -> list[dict[str, Any]]:
        return self.eval("__tw.tables()")

    def table(self, heading: str) -> dict[str, Any]:
        found = [t for t in self.tables() if t["heading"] == heading]
        assert len(found) == 1, (heading, [t["heading"] for t in self.tables()])
        return found[0]

    def big_values(self, selector: str | None = None) -> list[dict[str, Any]]:
        root = f"document.querySelector({selector!r})" if selector else "document"
        return self.eval(f"__tw.bigValues({root})")

    def big_value(self, title: str, selector: str | None = None) -> dict[str, Any]:
        found = [b for b in self.big_values(selector) if b["title"] == title]
        assert len(found) == 1, (title, self.big_values(selector))
        return found[0]

    def charts(self) -> list[dict[str, Any]]:
        return self.eval("__tw.charts()")

    def chart(self, heading: str) -> dict[str, Any]:
        found = [c for c in self.charts() if c["heading"] == heading]
        assert len(found) == 1, (heading, [c["heading"] for c in self.charts()])
        return found[0]

    def text(self, selector: str = "main") -> str:
        return self.eval(f"__tw.text(document.querySelector({selector!r}))") or ""

    def choose(self, dropdown: str, option: str, *, ready: str) -> None:
        """Pick ``option`` in the Evidence Dropdown titled ``dropdown``, as a user would, and
        wait for the page's queries (DuckDB-Wasm, in the browser) to redraw it."""
        args = f"{json.dumps(dropdown)}, {json.dumps(option)}"
        assert self.eval(f"__tw.openDropdown({args})"), f"no dropdown {dropdown!r} on {self.path}"
        self.tab.wait_until(f"__tw.option({json.dumps(option)})")
        self.eval(f"__tw.option({json.dumps(option)}).click()")
        self.tab.wait_until(f"__tw.dropdownShows({args}) && ({ready})")
        assert self.tab.log.problems() == [], (self.path, self.tab.log.problems())

    def type_into(self, title: str, text: str, *, ready: str) -> None:
        """Type ``text`` into the Evidence TextInput titled ``title``, as a user would, and
        wait for the page's queries to redraw it."""
        field = self.tab.page.locator(
            f"xpath=//span[normalize-space()={json.dumps(title)}]/following-sibling::input"
        )
        assert field.count() == 1, f"no text input {title!r} on {self.path}"
        field.fill(text)
        self.tab.wait_until(ready)

    def tooltip(self, chart_heading: str, series: int, index: int) -> dict[str, Any] | None:
        return self.eval(f"__tw.tooltip({chart_heading!r}, {series}, {index})")


def open_page(tab: Tab, base_url: str, path: str, artifacts: Path, *, ready: str) -> RenderedPage:
    """Load ``path``, wait until it has drawn, keep a screenshot, and check that it loaded
    cleanly: no console error, no failed request, no request leaving 127.0.0.1."""
    tab.goto(base_url + path, ready=ready)
    tab.evaluate(PROBE_JS)
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", path.strip("/")).strip("_") or "index"
    tab.screenshot(artifacts / f"{name}.png", full_page=True)
    assert tab.log.problems() == [], (path, tab.log.problems())
    assert tab.log.requests, path
    leaving = [u for u in tab.log.requests if not u.startswith(base_url + "/")]
    # data: and blob: URLs are made by the page itself; anything else would leave the site.
    assert [u for u in leaving if not u.startswith(("data:", "blob:"))] == [], (path, leaving)
    return RenderedPage(tab, path)


# --- the formats the pages use (reports/components/formats.js), for expected texts ----------


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def compact(value: int | float | Decimal | None) -> str:
    """1.2B, 1.2M, else the exact count with separators; '-' when unknown (Evidence's dash)."""
    if value is None:
        return "-"
    number = Decimal(str(value))
    if number >= Decimal("999950000"):
        return f"{_rounded(number / Decimal(10**9), 1):,}B"
    if number >= Decimal("999950"):
        return f"{_rounded(number / Decimal(10**6), 1):,}M"
    return f"{_rounded(number, 0):,}"


def gain(value: int | None) -> str:
    if value is not None and value < 0:
        return f"-{-value:,}"
    return compact(value)


def change(value: int) -> str:
    return compact(abs(value))


def day(value: date | datetime) -> str:
    return f"{value:%b} {value.day}, {value.year}"


def month_label(value: date) -> str:
    return f"{value:%b %Y}"
