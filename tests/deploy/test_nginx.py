"""deploy/nginx.conf: both sites send the security headers (on errors too, and in every
location), and the Content-Security-Policy lets their pages work in a real browser.

There is no nginx here: ``tests.deploy.nginx`` parses the config and stands in for it. Headless
Debian chromium (Playwright) loads a fixture page doing what an Evidence page does (inline
script and style, a module import, WebAssembly compiled in the page and in a same-origin
worker, fetches from this origin, data: images): it must report no CSP violation, while eval,
a foreign fetch, a blob: worker, plugins and framing must be refused. The real sites are
checked under the same headers where they are built: the Evidence site in
tests/reports/test_reports_policy.py, the dbt docs in tests/flows/test_docs.py.

Compression: the reports site sends the gzip copies flows/precompress.py writes after each
build (gzip_static), the fixture page loads from them in chromium, and the parquet files
DuckDB-Wasm reads by byte ranges are never compressed.
"""

from __future__ import annotations

import gzip
import http.client
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flows.precompress import COMPRESSIBLE, write_gzip_copies
from tests.browser import chromium
from tests.deploy.nginx import (
    DOCS,
    REPORTS,
    Site,
    Visit,
    config,
    csp,
    directive,
    headers,
    mime_types,
    servers,
)

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


# --- compression as written --------------------------------------------------------------


def gzip_types(port: int) -> set[str]:
    return {mime for args in directive(servers()[port], "gzip_types") for mime in args}


def test_the_reports_server_sends_the_gzip_copies_the_build_writes() -> None:
    body = servers()[REPORTS]
    assert directive(body, "gzip_static") == [["on"]]
    # the fallback for what has no copy, and Vary: Accept-Encoding for caches
    assert directive(body, "gzip") == [["on"]] and directive(body, "gzip_vary") == [["on"]]
    assert {"application/wasm", "text/javascript"} <= gzip_types(REPORTS)
    # the parquet files (and the arrow files, which have copies) are octet-stream: a range of
    # a parquet file must be a range of the file
    assert "application/octet-stream" not in gzip_types(REPORTS)
    assert mime_types(REPORTS)["parquet"] == "application/octet-stream"
    # every other type precompress writes copies for is compressed on the fly too (text/html
    # always is once gzip is on)
    for suffix in sorted(COMPRESSIBLE):
        mime = mime_types(REPORTS).get(suffix, "application/octet-stream")
        if mime not in ("application/octet-stream", "text/html"):
            assert mime in gzip_types(REPORTS), suffix
    # a TLS proxy in front (Via, or HTTP/1.0 upstream) does not turn compression off
    assert directive(body, "gzip_proxied") == [["any"]]
    assert directive(body, "gzip_http_version") == [["1.0"]]


def test_the_docs_server_compresses_dbt_docs_json() -> None:
    body = servers()[DOCS]
    assert directive(body, "gzip") == [["on"]] and directive(body, "gzip_vary") == [["on"]]
    assert "application/json" in gzip_types(DOCS)  # manifest.json, catalog.json
    assert directive(body, "gzip_proxied") == [["any"]]


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


# Each file over the 1 KiB flows/precompress.py compresses from, as Evidence's are: the page
# loads from the gzip copies. The module is an empty one with a 4 KiB custom section ("pad").
PADDING = "\n/* " + "what a bundle holds " * 60 + "*/\n"
ENGINE_WASM = bytes([0, 97, 115, 109, 1, 0, 0, 0, 0, 0x84, 0x20, 3]) + b"pad" + bytes(4096)


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("csp-fixture")
    (root / "index.html").write_text(FIXTURE + f"<!-- {PADDING} -->\n")
    (root / "refused").mkdir()
    (root / "refused" / "index.html").write_text(REFUSED)
    (root / "framing.html").write_text('<iframe src="/"></iframe>')
    (root / "app.css").write_text("body { margin: 0 }" + PADDING)
    (root / "app.js").write_text("export const ready = 'module';" + PADDING)
    (root / "worker.js").write_text(WORKER + PADDING)
    (root / "engine.wasm").write_bytes(ENGINE_WASM)
    (root / "data").mkdir()
    (root / "data" / "table.parquet").write_bytes(b"PAR1" + bytes(16) + b"PAR1")
    assert write_gzip_copies(root).files == 5
    return root


@pytest.fixture(scope="module")
def fixture_site(fixture_root: Path) -> Iterator[Site]:
    site = Site(REPORTS, fixture_root)
    yield site
    site.close()


@pytest.mark.slow
def test_what_evidence_pages_do_raises_no_csp_violation(browser: Any, fixture_site: Site) -> None:
    visit = Visit(browser, fixture_site.url + "/", "document.body.dataset.done")
    try:
        assert visit.page.evaluate("document.body.dataset.done") == "worker 24 module"
        assert visit.violations == [] and visit.errors == [], (visit.violations, visit.errors)
        # all of it from the gzip copies, the worker's WebAssembly included; the parquet not
        for name in ("/", "/app.css", "/app.js", "/worker.js", "/engine.wasm"):
            assert visit.encodings.get(fixture_site.url + name) == "gzip", name
        assert visit.encodings[fixture_site.url + "/data/table.parquet"] == ""
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


def _get(url: str, path: str, headers: dict[str, str]) -> tuple[dict[str, str], bytes]:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        assert response.status == 200, (path, response.status)
        return {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_the_reports_stand_in_sends_gzip_copies_as_nginx_would(
    fixture_site: Site, fixture_root: Path
) -> None:
    wasm = (fixture_root / "engine.wasm").read_bytes()
    sent, body = _get(fixture_site.url, "/engine.wasm", {"Accept-Encoding": "gzip, br"})
    assert (sent["content-encoding"], sent["vary"]) == ("gzip", "Accept-Encoding")
    assert sent["content-type"] == "application/wasm"  # the file's type, not the copy's
    assert body == (fixture_root / "engine.wasm.gz").read_bytes()
    assert gzip.decompress(body) == wasm
    for refusing in ({}, {"Accept-Encoding": "gzip;q=0"}, {"Accept-Encoding": "br"}):
        sent, body = _get(fixture_site.url, "/engine.wasm", refusing)
        assert ("content-encoding" not in sent, body) == (True, wasm), refusing
        assert sent["vary"] == "Accept-Encoding"
    # through the TLS proxy in front (Via), still compressed
    proxied = {"Accept-Encoding": "gzip", "Via": "1.1 proxy"}
    assert _get(fixture_site.url, "/app.js", proxied)[0]["content-encoding"] == "gzip"
    # a parquet file: no copy, not in gzip_types, so never compressed (nor Vary)
    sent, body = _get(fixture_site.url, "/data/table.parquet", {"Accept-Encoding": "gzip"})
    assert "content-encoding" not in sent and "vary" not in sent and len(body) == 24


def test_the_stand_in_compresses_an_http_1_0_request_too(fixture_site: Site) -> None:
    """nginx's reverse proxy forwards as HTTP/1.0 unless told otherwise."""
    host, port = fixture_site.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(b"GET /app.js HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n")
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode().lower()
    assert "content-encoding: gzip" in head, head


def test_the_docs_stand_in_compresses_json_on_the_fly(tmp_path: Path) -> None:
    manifest = b'{"nodes": {' + b", ".join(b'"model.%d": {}' % n for n in range(500)) + b"}}"
    (tmp_path / "index.html").write_text("<!doctype html><title>dbt docs</title>")
    (tmp_path / "manifest.json").write_bytes(manifest)
    site = Site(DOCS, tmp_path)
    try:
        sent, body = _get(site.url, "/manifest.json", {"Accept-Encoding": "gzip"})
        assert (sent["content-encoding"], sent["vary"]) == ("gzip", "Accept-Encoding")
        assert gzip.decompress(body) == manifest
        sent, body = _get(site.url, "/index.html", {"Accept-Encoding": "gzip"})
        assert "content-encoding" not in sent  # under gzip_min_length
    finally:
        site.close()
