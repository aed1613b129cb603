"""deploy/nginx.conf: both sites send the security headers (on errors too, and in every
location), and the Content-Security-Policy lets their pages work in a real browser.

There is no nginx here, so the config is parsed and a small static server stands in for it:
the server block's root, try_files order, MIME types and add_header lines, nothing else.
Headless Debian chromium (Playwright) then loads pages under those headers:

- a fixture page doing what an Evidence page does (inline script and style, a module
  import, WebAssembly compiled in the page and in a same-origin worker, fetches from this
  origin, data: images) must report no CSP violation, while eval, a foreign fetch, a blob:
  worker, plugins and framing must be refused;
- the real Evidence build, when reports/build holds one (after `ytw reports` or
  `make demo`), page by page: rendered with its data and no CSP violation;
- the dbt docs the same way when target/ holds a static build (after `ytw docs`).
"""

from __future__ import annotations

import mimetypes
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import cache
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from extract.settings import project_root

ROOT = project_root()
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
REQUIRED = {
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Permissions-Policy",
}
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|([{};])|(#[^\n]*)|([^\s{};"\'#]+)')


# --- nginx.conf, parsed ------------------------------------------------------------------


def _tokens(text: str) -> Iterator[str]:
    for match in _TOKEN.finditer(text):
        quoted = match[1] if match[1] is not None else match[2]
        if quoted is not None:
            yield quoted
        elif match[4] is None:  # not a comment
            yield match[3] or match[5]


def _block(tokens: Iterator[str]) -> list[tuple[list[str], Any]]:
    """Directives as (words, children or None) until the closing brace."""
    found: list[tuple[list[str], Any]] = []
    words: list[str] = []
    for token in tokens:
        if token == ";":
            found.append((words, None))
            words = []
        elif token == "{":
            found.append((words, _block(tokens)))
            words = []
        elif token == "}":
            return found
        else:
            words.append(token)
    return found


@cache
def config() -> list[tuple[list[str], Any]]:
    return _block(_tokens((ROOT / "deploy" / "nginx.conf").read_text()))


def servers() -> dict[int, list[tuple[list[str], Any]]]:
    return {
        int(next(w[1] for w, _ in body if w[0] == "listen")): body
        for words, body in config()
        if words == ["server"]
    }


def directive(body: list, name: str) -> list[list[str]]:
    return [words[1:] for words, _ in body if words and words[0] == name]


def headers(port: int) -> dict[str, str]:
    return {args[0]: args[1] for args in directive(servers()[port], "add_header")}


def csp(port: int) -> dict[str, list[str]]:
    policy = headers(port)["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


REPORTS, DOCS = 3000, 8080


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


class Site:
    """Serves ``root`` the way one server block of nginx.conf would, on a free port."""

    def __init__(self, port: int, root: Path) -> None:
        body = servers()[port]
        # a server's own types block replaces nginx's mime.types (Python's table stands in)
        types = {ext[1:]: mime for ext, mime in mimetypes.types_map.items()}
        for words, children in body:
            if words == ["types"]:
                types = {}
                for mime, *extensions in (w for w, _ in children):
                    types.update(dict.fromkeys(extensions, mime))
        (location,) = [c for w, c in body if w == ["location", "/"]]
        try_files = directive(location, "try_files")[0][:-1]
        sent = [(name, value) for name, value, *_ in directive(body, "add_header")]

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(root), **kwargs)

            def send_head(self) -> Any:
                uri = urllib.request.url2pathname(self.path.split("?", 1)[0].split("#", 1)[0])
                for form in try_files:
                    candidate = root / form.replace("$uri", uri).lstrip("/")
                    if form.endswith("/") and (candidate / "index.html").is_file():
                        candidate = candidate / "index.html"
                    if candidate.is_file():
                        data = candidate.read_bytes()
                        self.send_response(200)
                        self.send_header(
                            "Content-Type",
                            types.get(candidate.suffix[1:], "application/octet-stream"),
                        )
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        return _Body(data)
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None

            def end_headers(self) -> None:
                for name, value in sent:
                    self.send_header(name, value)
                super().end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    (e) => window.__csp.push(e.effectiveDirective + ' ' + (e.blockedURI || 'inline')));
"""


class Visit:
    """One page load: the CSP violations it reported (document and workers), its errors and
    the URLs that failed."""

    def __init__(self, browser: Any, url: str, ready: str) -> None:
        self.console: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        context = browser.new_context()
        page = context.new_page()
        page.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", lambda r: self.failed.append(r.url) if r.status >= 400 else None)
        page.on("requestfailed", self._request_failed)
        page.on("worker", lambda worker: worker.on("console", self._console))
        response = page.goto(url)
        self.status = response.status if response else 0
        # polled from here: wait_for_function evaluates its predicate with eval(), which the
        # policy refuses (page.evaluate goes through DevTools, outside the page's CSP)
        deadline = time.monotonic() + 60
        while not page.evaluate(ready) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)  # late reports (worker messages) arrive
        self.violations = page.evaluate("window.__csp") + [
            line for line in self.console if "Content Security Policy" in line
        ]
        self.page = page
        self.context = context

    def _request_failed(self, request: Any) -> None:
        # cancelled by the page itself (Evidence drops prerendered results it no longer needs);
        # a CSP refusal is net::ERR_BLOCKED_BY_CSP
        if "ERR_ABORTED" not in (request.failure or ""):
            self.failed.append(f"{request.url}: {request.failure}")

    def _console(self, message: Any) -> None:
        self.console.append(message.text)
        # a failed load is logged as an error too: it is in self.failed, with its URL
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def close(self) -> None:
        self.context.close()


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


# --- the real sites, when built ------------------------------------------------------------

EVIDENCE_BUILD = ROOT / "reports" / "build"
# Evidence has drawn: no loading skeleton left (as in tests/reports)
RENDERED = (
    "document.readyState === 'complete' && !document.querySelector('.animate-pulse')"
    " && document.querySelector('main, article, #__evidence_project_splash') !== null"
)


def evidence_pages() -> list[str]:
    if not (EVIDENCE_BUILD / "index.html").is_file():
        return []
    pages = ["/"]
    for folder in sorted(p for p in EVIDENCE_BUILD.iterdir() if p.is_dir()):
        if (folder / "index.html").is_file():
            pages.append(f"/{folder.name}/")
        detail = sorted(p for p in folder.iterdir() if (p / "index.html").is_file())
        if detail and folder.name not in ("_app", "api", "data"):
            pages.append(f"/{folder.name}/{detail[0].name}/")
    return pages


@pytest.fixture(scope="module")
def evidence_site() -> Iterator[Site]:
    site = Site(REPORTS, EVIDENCE_BUILD)
    yield site
    site.close()


@pytest.mark.slow
@pytest.mark.skipif(not evidence_pages(), reason="no Evidence build in reports/build")
@pytest.mark.parametrize("path", evidence_pages() or ["/"])
def test_the_built_reports_work_under_the_policy(
    browser: Any, evidence_site: Site, path: str
) -> None:
    visit = Visit(browser, evidence_site.url + path, RENDERED)
    try:
        assert visit.status == 200
        assert visit.violations == [], visit.violations
        assert visit.errors == [] and visit.failed == [], (visit.errors, visit.failed)
        assert visit.page.inner_text("main").strip(), path  # drawn, with its data
    finally:
        visit.close()


DBT_DOCS = ROOT / "target"
DOCS_FILES = ("index.html", "manifest.json", "catalog.json")


@pytest.mark.slow
@pytest.mark.skipif(
    not all((DBT_DOCS / name).is_file() for name in DOCS_FILES),
    reason="no dbt docs in target/ (ytw docs --no-serve)",
)
def test_the_dbt_docs_work_under_the_policy(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("docs")
    for name in DOCS_FILES:  # what the runner publishes for nginx
        (root / name).write_bytes((DBT_DOCS / name).read_bytes())
    site = Site(DOCS, root)
    model = "#!/model/model.tubewarehouse.videos"
    try:
        visit = Visit(
            browser,
            f"{site.url}/{model}",
            "document.readyState === 'complete' && document.body.innerText.includes('video_id')",
        )
        try:
            assert "video_id" in visit.page.inner_text("body")  # manifest and catalog read
            # AngularJS probes for eval once (new Function) and, refused, runs in its CSP mode
            assert visit.violations == ["script-src eval"], visit.violations
            assert visit.errors == [], visit.errors
            # dbt's page asks for three icons by their unrendered templates ({{ }}, ${ }),
            # CSP or not: nothing else may fail
            assert all("/%7B" in url or "/$%7B" in url for url in visit.failed), visit.failed
        finally:
            visit.close()
    finally:
        site.close()
