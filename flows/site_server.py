"""Serving a built reports site (``reports/build``, or a copy of it) with the standard
library's HTTP server, by default on :data:`DEFAULT_URL`: ``ytw reports --serve``, and the
tests' browser.

Evidence prerenders every page as ``<page>/index.html`` with asset URLs relative to it, so
any static server can publish the site; this one resolves Evidence's page URLs the same way
the compose stack's nginx does.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flows.npm import ReportsError

log = logging.getLogger(__name__)

# Where `ytw reports --serve` (and serve()) publish the site unless told otherwise.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000
DEFAULT_URL = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}/"


class _SiteHandler(SimpleHTTPRequestHandler):
    """Static files, with Evidence's page URLs resolved.

    Evidence builds each page as ``<page>/index.html`` with asset URLs relative to it, so
    ``/a/b`` is redirected to ``/a/b/`` (the stdlib does that for folders) and served from
    ``a/b/index.html``; ``/a/b`` also finds an ``a/b.html`` if a build has one. Folders without
    an ``index.html`` are not listed.
    """

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",  # DuckDB-Wasm streams its module only with this type
        ".mjs": "text/javascript",
        ".parquet": "application/octet-stream",
        ".arrow": "application/octet-stream",
    }

    def translate_path(self, path: str) -> str:
        fs_path = Path(super().translate_path(path))
        if not fs_path.exists() and urlsplit(path).path.rstrip("/"):
            html = fs_path.with_name(fs_path.name + ".html")
            if html.is_file():
                return str(html)
        return str(fs_path)

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        # an old address moves only when this site has no such page (an older build has)
        moved = (
            None if Path(self.translate_path(self.path)).exists() else legacy_location(self.path)
        )
        if moved is None:
            super().do_GET()
            return
        self.send_response(301)
        self.send_header("Location", moved)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send_head(self) -> Any:
        """Files as the stdlib serves them, and a single byte range of one (``Range:
        bytes=a-b``, ``a-``, ``-n``) as 206 Partial Content: DuckDB-Wasm reads a page's
        parquet files by ranges (footer, then the row groups its query needs), so a page
        fetches only the part of a large file it shows."""
        wanted = _byte_range(self.headers.get("Range"))
        path = Path(self.translate_path(self.path))
        if wanted is None or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        start, end = wanted
        if start is None:  # the last `end` bytes
            start, end = max(0, size - (end or 0)), size - 1
        end = size - 1 if end is None else min(end, size - 1)
        if start >= size or start > end:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        body = path.open("rb")
        body.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self._left = end - start + 1
        return body

    def copyfile(self, source: Any, outputfile: Any) -> None:
        left = getattr(self, "_left", None)
        if left is None:
            super().copyfile(source, outputfile)
            return
        self._left = None
        while left > 0:
            chunk = source.read(min(left, 64 * 1024))
            if not chunk:
                break
            outputfile.write(chunk)
            left -= len(chunk)

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(404, "Not found")
        return None

    def end_headers(self) -> None:
        # Each build replaces the files under the same names: don't let the browser reuse them.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


# Addresses of one entity's page before the site had one page per kind of entity
# (/videos/<id>/): moved for good to /videos/video/?id=<id>, so old links keep working. The
# compose stack's nginx (deploy/nginx.conf) has the same rules; the ids' shapes keep them off
# the site's own folders (/playlists/monthly/, /videos/video/).
LEGACY_PAGES = (
    (re.compile(r"^/videos/([A-Za-z0-9_-]{11})/?$"), "/videos/video/?id={}"),
    (
        re.compile(r"^/playlists/((?:PL|UU|FL|LL|OL|RD)[A-Za-z0-9_-]{10,})/?$"),
        "/playlists/playlist/?id={}",
    ),
    (re.compile(r"^/channels/(UC[A-Za-z0-9_-]{22})/?$"), "/channels/channel/?id={}"),
)


def legacy_location(path: str) -> str | None:
    """Where an old entity address (``/videos/<id>/``...) moved; None for any other."""
    address = urlsplit(path).path
    for pattern, target in LEGACY_PAGES:
        found = pattern.match(address)
        if found:
            return target.format(found.group(1))
    return None


def _byte_range(header: str | None) -> tuple[int | None, int | None] | None:
    """``(start, end)`` of a single-range ``Range`` header (``start`` None: a suffix of
    ``end`` bytes; ``end`` None: to the end); None when absent or not one byte range (the
    whole file is served then, as RFC 9110 allows)."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[len("bytes=") :].strip().partition("-")
    try:
        if not first:
            return None, int(last)
        return int(first), int(last) if last else None
    except ValueError:
        return None


class SiteServer(ThreadingHTTPServer):
    """A running static server; ``url`` is its address, ``close()`` stops it."""

    daemon_threads = True
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def close(self) -> None:
        self.shutdown()
        self.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def __enter__(self) -> SiteServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _make_server(site: Path, host: str, port: int) -> SiteServer:
    if not (site / "index.html").is_file():
        raise ReportsError(
            f"no built reports site in {site} (index.html missing): run the build first "
            "(`ytw reports`, `flows.reports.build`, or the pipeline)."
        )
    handler = partial(_SiteHandler, directory=str(site))
    try:
        return SiteServer((host, port), handler)
    except OSError as exc:
        raise ReportsError(
            f"cannot serve the reports on {host}:{port}: {exc}. Choose another port."
        ) from None


def serve(site_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> SiteServer:
    """Serve ``site_dir`` in a background thread; port 0 picks a free port (see ``.url``)."""
    server = _make_server(Path(site_dir), host, port)
    server.thread = threading.Thread(target=server.serve_forever, name="reports-http", daemon=True)
    server.thread.start()
    log.info("serving the reports at %s", server.url)
    return server


def serve_forever(site_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Serve ``site_dir`` in the foreground until interrupted (for the CLI)."""
    server = _make_server(Path(site_dir), host, port)
    log.info("serving the reports at %s (Ctrl+C to stop)", server.url)
    print(f"Reports: {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
