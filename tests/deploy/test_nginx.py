"""deploy/nginx.conf: both sites send the security headers (on errors too, and in every
location), and the Content-Security-Policy lets their pages work in a real browser.

There is no nginx here: ``tests.deploy.nginx`` parses the config and stands in for it. Headless
Debian chromium (Playwright) loads a fixture page doing what an Evidence page does (inline
script and style, a module import, WebAssembly compiled in the page and in a same-origin
worker, fetches from this origin, data: images): it must report no CSP violation, while eval,
a foreign fetch, a blob: worker, plugins and framing must be refused. The real sites are
checked under the same headers where they are built: the Evidence site in
tests/reports/test_reports_policy.py, the dbt docs in tests/flows/test_docs.py.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import chromium
from tests.deploy.nginx import DOCS, REPORTS, Site, Visit, config, csp, directive, headers, servers

REQUIRED = {
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Permissions-Policy",
}


# --- the headers as written ----------------------------------------------------------------


@pytest.mark.parametrize("port", [REPORTS, DOCS])
def test_every_response_carries_the_security_headers(port: int) -> None:
    body = servers()[port]
    assert set(headers(port)) >= REQUIRED, REQUIRED - set(headers(port))
    for args in directive(body, "add_header"):
        assert args[-1] == "always", f"{args[0]} is not sent with errors (add `always`)"
    # a location with its own add_header would silently drop all of the server's
    for words, children in body:
        if words[0] == "location":
            assert not directive(children, "add_header"), words
    sent = headers(port)
    assert sent["X-Content-Type-Options"] == "nosniff"
    assert sent["X-Frame-Options"] == "DENY"
    assert sent["Referrer-Policy"] in ("no-referrer", "strict-origin-when-cross-origin")
    assert ["server_tokens", "off"] in [w for w, _ in config()]


@pytest.mark.parametrize("port", [REPORTS, DOCS])
def test_the_policy_allows_only_this_origin(port: int) -> None:
    policy = csp(port)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    for directive_name, sources in policy.items():
        assert "'unsafe-eval'" not in sources, directive_name  # wasm needs less than that
        for source in sources:
            allowed = ["'self'", "'none'", "'unsafe-inline'", "'wasm-unsafe-eval'"]
            if directive_name in ("img-src", "font-src"):
                allowed.append("data:")
            assert source in allowed, f"{directive_name} allows {source}"


# --- nginx, stood in for -----------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


FIXTURE = """<!doctype html>
<html><head><meta charset="utf-8"><title>loading</title>
<link rel="icon" href="data:image/png;base64,iVBORw0KGgo=">
<style>.chart { color: rgb(1, 2, 3); }</style>
<link rel="stylesheet" href="/app.css">
</head><body>
<div class="chart" style="width: 10px">chart</div>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
<script>
  // what an Evidence page does: an inline start script, DuckDB-Wasm in a worker that
  // fetches its wasm and the parquet files from this origin
  const EMPTY_WASM = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
  const worker = new Worker('/worker.js');
  worker.onmessage = async (event) => {
    await WebAssembly.compile(EMPTY_WASM);
    const module = await import('/app.js');
    document.body.dataset.done = event.data + ' ' + module.ready;
  };
  worker.postMessage(location.origin);
</script>
</body></html>
"""
WORKER = """
onmessage = async (event) => {
  const wasm = await (await fetch(event.data + '/engine.wasm')).arrayBuffer();
  await WebAssembly.instantiate(wasm);
  const data = await (await fetch(event.data + '/data/table.parquet')).arrayBuffer();
  postMessage('worker ' + data.byteLength);
};
"""
REFUSED = """<!doctype html>
<html><head><meta charset="utf-8"></head><body>
<script>
  const tried = [];
  try { eval('1'); tried.push('eval ran'); } catch (e) { tried.push('eval refused'); }
  new Worker(URL.createObjectURL(new Blob(['postMessage(1)'])));  // refused: a report
  fetch('http://example.com/beacon')
    .then(() => tried.push('fetch ran'), () => tried.push('fetch refused'))
    .then(() => { document.body.dataset.done = tried.join(','); });
</script>
<object data="/app.css"></object>
</body></html>
"""


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("csp-fixture")
    (root / "index.html").write_text(FIXTURE)
    (root / "refused").mkdir()
    (root / "refused" / "index.html").write_text(REFUSED)
    (root / "framing.html").write_text('<iframe src="/"></iframe>')
    (root / "app.css").write_text("body { margin: 0 }")
    (root / "app.js").write_text("export const ready = 'module';")
    (root / "worker.js").write_text(WORKER)
    (root / "engine.wasm").write_bytes(bytes([0, 97, 115, 109, 1, 0, 0, 0]))
    (root / "data").mkdir()
    (root / "data" / "table.parquet").write_bytes(b"PAR1" + bytes(16) + b"PAR1")
    site = Site(REPORTS, root)
    yield site
    site.close()


@pytest.mark.slow
def test_what_evidence_pages_do_raises_no_csp_violation(browser: Any, fixture_site: Site) -> None:
    visit = Visit(browser, fixture_site.url + "/", "document.body.dataset.done")
    try:
        assert visit.page.evaluate("document.body.dataset.done") == "worker 24 module"
        assert visit.violations == [] and visit.errors == [], (visit.violations, visit.errors)
    finally:
        visit.close()
    with urllib.request.urlopen(fixture_site.url + "/engine.wasm") as response:
        assert response.headers["Content-Type"] == "application/wasm"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(fixture_site.url + "/no-such-page")
    assert set(missing.value.headers.keys()) >= REQUIRED  # `always`: on errors too


@pytest.mark.slow
def test_the_policy_refuses_eval_foreign_requests_plugins_and_framing(
    browser: Any, fixture_site: Site
) -> None:
    visit = Visit(browser, fixture_site.url + "/refused/", "document.body.dataset.done")
    try:
        assert visit.page.evaluate("document.body.dataset.done") == "eval refused,fetch refused"
        refused = " ".join(visit.violations)
        assert "script-src eval" in refused and "connect-src http://example.com" in refused
        assert "worker-src blob" in refused
        assert "object-src" in refused
    finally:
        visit.close()
    framing = Visit(
        browser, fixture_site.url + "/framing.html", "document.readyState == 'complete'"
    )
    try:
        assert any("frame-ancestors" in line for line in framing.console), framing.console
        assert "chart" not in framing.page.frames[1].content()
    finally:
        framing.close()


def test_the_old_entity_addresses_move_as_the_python_server_moves_them() -> None:
    """nginx's redirects of /videos/<id>/ (and playlists, channels) to the one page of their
    kind are flows/site_server.py's LEGACY_PAGES, rule for rule."""
    from flows.site_server import LEGACY_PAGES

    rules = []
    for words, children in servers()[REPORTS]:
        if words[:2] == ["location", "~"]:
            (target,) = [w[1] for w in directive(children, "return") if w[0] == "301"]
            rules.append((words[2], target.replace("$1", "{}")))
    assert rules == [(pattern.pattern, target) for pattern, target in LEGACY_PAGES]
    # and they keep off the site's own pages
    for path in ("/videos/video/", "/playlists/monthly/", "/channels/channel/"):
        assert not any(re.match(pattern, path) for pattern, _ in rules), path
