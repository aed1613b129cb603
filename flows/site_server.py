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
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
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

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(404, "Not found")
        return None

    def end_headers(self) -> None:
        # Each build replaces the files under the same names: don't let the browser reuse them.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


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
