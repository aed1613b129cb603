"""Serving a built reports site (``reports/build``, or a copy of it) with the standard
library's HTTP server, by default on :data:`DEFAULT_URL`: ``ytw reports --serve``, and the
tests' browser.

Evidence prerenders every page as ``<page>/index.html`` with asset URLs relative to it, so
any static server can publish the site; this one resolves Evidence's page URLs the same way
the compose stack's nginx does, and, like its ``gzip_static on``, sends the gzip copy
``<file>.gz`` that ``flows/precompress.py`` wrote beside a file after the build (with
``Content-Encoding: gzip`` and the file's own type) to a client whose ``Accept-Encoding``
allows gzip: a page transfers about 7.6 MB instead of 26. Byte ranges (DuckDB-Wasm reading
a parquet file) are always ranges of the file itself, never of its copy.
"""

from __future__ import annotations

import datetime
import email.utils
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
from flows.precompress import gzip_copy

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
    an ``index.html`` are not listed. A file with a gzip copy beside it is sent compressed to
    clients that accept gzip (see :meth:`send_head`).
    """

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",  # DuckDB-Wasm streams its module only with this type
        ".mjs": "text/javascript",
        ".parquet": "application/octet-stream",
        ".arrow": "application/octet-stream",
    }
    # This request's file has a gzip copy: its responses vary with Accept-Encoding.
    _vary = False

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
        """Files as the stdlib serves them, with two additions.

        A file with a gzip copy (``<file>.gz``, written by ``flows/precompress.py``) is sent
        as that copy, ``Content-Encoding: gzip``, when the request has no ``Range`` and its
        ``Accept-Encoding`` allows gzip; every response for such a file says ``Vary:
        Accept-Encoding`` so that a cache keeps the two apart.

        A single byte range of a file (``Range: bytes=a-b``, ``a-``, ``-n``) is answered as
        206 Partial Content, from the file itself: DuckDB-Wasm reads a page's parquet files
        by ranges (footer, then the row groups its query needs), so a page fetches only the
        part of a large file it shows."""
        wanted = _byte_range(self.headers.get("Range"))
        path = Path(self.translate_path(self.path))
        compressed = self._gzip_copy(path)
        self._vary = compressed is not None
        if compressed and wanted is None and accepts_gzip(self.headers.get("Accept-Encoding")):
            return self._send_gzip_copy(*compressed)
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

    def _gzip_copy(self, path: Path) -> tuple[Path, Path] | None:
        """The file the stdlib would send for ``path`` (itself, or a folder's ``index.html``
        when the URL ends with a slash; without one it redirects) and its gzip copy; None when
        either is missing."""
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        copy = gzip_copy(path)
        return (path, copy) if path.is_file() and copy.is_file() else None

    def _send_gzip_copy(self, original: Path, copy: Path) -> Any:
        """200 with the bytes of ``copy`` and the type of ``original``, or 304 when the copy
        has not changed since the client's ``If-Modified-Since`` (as the stdlib answers for
        other files)."""
        body = copy.open("rb")
        try:
            stat = os.fstat(body.fileno())
            if self._unchanged_since_asked(stat.st_mtime):
                self.send_response(304)
                self.end_headers()
                body.close()
                return None
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(original)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(stat.st_size))
            self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
            self.end_headers()
            return body
        except BaseException:
            body.close()
            raise

    def _unchanged_since_asked(self, modified: float) -> bool:
        """The stdlib's ``If-Modified-Since`` check (inside its ``send_head``), for a copy."""
        asked = self.headers.get("If-Modified-Since")
        if asked is None or "If-None-Match" in self.headers:
            return False
        try:
            since = email.utils.parsedate_to_datetime(asked)
        except (TypeError, IndexError, OverflowError, ValueError):
            return False  # ill-formed: sent in full
        if since.tzinfo is None:  # the obsolete format without a zone is UTC
            since = since.replace(tzinfo=datetime.UTC)
        last = datetime.datetime.fromtimestamp(modified, datetime.UTC).replace(microsecond=0)
        return last <= since

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
        if self._vary:  # the file has a gzip copy, sent to some clients
            self.send_header("Vary", "Accept-Encoding")
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


def accepts_gzip(header: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (RFC 9110): ``gzip`` (or its alias
    ``x-gzip``) with a weight above 0, else ``*`` with one; ``gzip;q=0`` refuses it. No header:
    False, as servers answer in practice (identity is always acceptable, gzip may not be)."""
    if header is None:
        return False
    weights: dict[str, float] = {}
    for entry in header.split(","):
        coding, _, params = entry.partition(";")
        coding = coding.strip().lower()
        if coding:
            weights[coding] = _weight(params)
    for coding in ("gzip", "x-gzip", "*"):
        if coding in weights:
            return weights[coding] > 0
    return False


def _weight(params: str) -> float:
    """The ``q`` of one ``Accept-Encoding`` entry's parameters (1 without one; 0 when it is
    not a number from 0 to 1: an ill-formed weight does not get compressed bytes)."""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value.strip())
            except ValueError:
                return 0.0
            return weight if 0 <= weight <= 1 else 0.0
    return 1.0


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
