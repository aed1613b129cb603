"""deploy/nginx.conf, read the way nginx reads it, and a stand-in server for its sites.

There is no nginx here: the config is parsed, and ``Site`` serves a folder the way one of its
server blocks would (root, try_files order, MIME types, its add_header lines and its gzip
directives, nothing else), so that a browser can load real pages under the real headers, as
compressed as nginx would send them. ``Visit`` loads one page and collects the
Content-Security-Policy violations it reported (document and workers), its errors, the URLs
that failed and how each response was encoded. Used by tests/deploy (the headers),
tests/reports (the built Evidence site) and tests/flows (the dbt docs site).
"""

from __future__ import annotations

import gzip
import mimetypes
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from functools import cache
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from extract.settings import project_root

ROOT = project_root()
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|([{};])|(#[^\n]*)|([^\s{};"\'#]+)')


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


REPORTS, DOCS = 3000, 8080  # the two server blocks, by the port each listens on


def csp(port: int) -> dict[str, list[str]]:
    policy = headers(port)["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def mime_types(port: int) -> dict[str, str]:
    """The MIME type of each file suffix (no dot) in one server block."""
    # a server's own types block replaces nginx's mime.types (Python's table stands in)
    types = {ext[1:]: mime for ext, mime in mimetypes.types_map.items()}
    for words, children in servers()[port]:
        if words == ["types"]:
            types = {}
            for mime, *extensions in (w for w, _ in children):
                types.update(dict.fromkeys(extensions, mime))
    return types


class Gzip:
    """What one server block's gzip directives do to a 200 response (defaults as nginx's).

    ``gzip_static on`` (ngx_http_gzip_static_module): the file's ``<file>.gz``, whatever its
    type, with ``Content-Encoding: gzip``. Else ``gzip on`` (ngx_http_gzip_module): the file
    compressed on the fly when its type is text/html or in ``gzip_types`` and it has at least
    ``gzip_min_length`` bytes, and not for HEAD. Either only when :meth:`accepted`;
    ``gzip_vary on`` adds ``Vary: Accept-Encoding`` whenever one of them could have applied.
    Neither looks at ``Range``: gzip_static's response allows none, and ngx_http_gzip clears
    ranges on what it compresses (this stand-in serves none anyway). Of ``gzip_proxied``, only
    ``any`` is stood in for (the others depend on response headers nginx.conf does not set).
    """

    def __init__(self, body: list) -> None:
        def value(name: str, default: str) -> str:
            found = directive(body, name)
            return found[-1][0] if found else default

        self.static = value("gzip_static", "off") == "on"
        self.on = value("gzip", "off") == "on"
        self.vary = value("gzip_vary", "off") == "on"
        self.proxied_any = any("any" in args for args in directive(body, "gzip_proxied"))
        self.http_version = tuple(int(n) for n in value("gzip_http_version", "1.1").split("."))
        self.min_length = int(value("gzip_min_length", "20"))
        self.level = int(value("gzip_comp_level", "1"))
        self.types = {"text/html"}.union(*(args for args in directive(body, "gzip_types")))

    def accepted(self, request: SimpleHTTPRequestHandler) -> bool:
        """ngx_http_gzip_ok: ``gzip`` in Accept-Encoding with a weight above 0 (not ``*``, not
        ``x-gzip``), an HTTP version of at least ``gzip_http_version``, and with a ``Via``
        header (a proxy asked) only when ``gzip_proxied any``."""
        asked = request.headers.get("Accept-Encoding", "")
        if not any(_gzip_weight(entry) for entry in asked.split(",")):
            return False
        major, minor = request.request_version.removeprefix("HTTP/").split(".")
        if (int(major), int(minor)) < self.http_version:
            return False
        return "Via" not in request.headers or self.proxied_any

    def respond(
        self, request: SimpleHTTPRequestHandler, file: Path, mime: str
    ) -> tuple[bytes, list[tuple[str, str]]]:
        """The body and the headers gzip adds when ``request`` gets ``file`` (of type
        ``mime``)."""
        data = file.read_bytes()
        copy = file.with_name(file.name + ".gz")
        if self.static and copy.is_file():
            could = True
            if self.accepted(request):
                return copy.read_bytes(), self._added(True)
        else:
            could = (
                self.on
                and mime in self.types
                and len(data) >= self.min_length
                and request.command != "HEAD"
            )
            if could and self.accepted(request):
                return gzip.compress(data, compresslevel=self.level), self._added(True)
        return data, self._added(False) if could else []

    def _added(self, encoded: bool) -> list[tuple[str, str]]:
        added = [("Content-Encoding", "gzip")] if encoded else []
        return added + ([("Vary", "Accept-Encoding")] if self.vary else [])


def _gzip_weight(entry: str) -> float:
    """The weight of one Accept-Encoding entry if it names gzip, else 0 (as
    ngx_http_gzip_accept_encoding and ngx_http_gzip_quantity read it: a weight that is not a
    number from 0 to 1 counts as 0)."""
    coding, *params = (part.strip() for part in entry.split(";"))
    if coding.lower() != "gzip":
        return 0.0
    for param in params:
        name, _, number = param.partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(number)
            except ValueError:
                return 0.0
            return weight if 0 <= weight <= 1 else 0.0
    return 1.0


class Site:
    """Serves ``root`` the way one server block of nginx.conf would, on a free port."""

    def __init__(self, port: int, root: Path) -> None:
        body = servers()[port]
        types = mime_types(port)
        (location,) = [c for w, c in body if w == ["location", "/"]]
        try_files = directive(location, "try_files")[0][:-1]
        sent = [(name, value) for name, value, *_ in directive(body, "add_header")]
        compression = Gzip(body)

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
                        mime = types.get(candidate.suffix[1:], "application/octet-stream")
                        data, added = compression.respond(self, candidate, mime)
                        self.send_response(200)
                        self.send_header("Content-Type", mime)
                        self.send_header("Content-Length", str(len(data)))
                        for name, value in added:
                            self.send_header(name, value)
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


WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    (e) => window.__csp.push(e.effectiveDirective + ' ' + (e.blockedURI || 'inline')));
"""


class Visit:
    """One page load: the CSP violations it reported (document and workers), its errors, the
    URLs that failed and each response's Content-Encoding (``encodings``, by URL; "" for
    none)."""

    def __init__(self, browser: Any, url: str, ready: str) -> None:
        self.console: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.encodings: dict[str, str] = {}
        context = browser.new_context()
        page = context.new_page()
        page.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", self._response)
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

    def _response(self, response: Any) -> None:
        self.encodings[response.url] = response.headers.get("content-encoding", "")
        if response.status >= 400:
            self.failed.append(response.url)

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
