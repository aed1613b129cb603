"""Gzip copies of a built static site's files, written once after each build so that the web
servers send compressed bytes without compressing anything per request.

:func:`write_gzip_copies` writes ``<file>.gz`` beside every compressible file of the site:
``ytw reports --serve`` (``flows/site_server.py``) and the compose stack's nginx
(``gzip_static on`` in ``deploy/nginx.conf``) send that copy, with ``Content-Encoding: gzip``,
to a browser whose ``Accept-Encoding`` allows gzip. An Evidence page otherwise transfers about
26 MB, mostly DuckDB-Wasm's runtime (``duckdb-eh.wasm``, 18 MB, and 7 MB of JavaScript);
gzipped, about 7.6 MB.

Which files get a copy:

* by suffix (:data:`COMPRESSIBLE`): text, JSON, WebAssembly, SVG and Arrow IPC files;
* at least :data:`MIN_BYTES` (below that the saving is smaller than a network packet);
* only when the copy is at most :data:`MAX_RATIO` of the original (what does not shrink is
  sent as it is).

Never the ``.parquet`` files: DuckDB-Wasm reads them with HTTP byte ranges, which must be
ranges of the file itself, and they are zstd-compressed already. Nor fonts or images
(woff2, png, ico: compressed formats).

The copies are deterministic (gzip header without file name, modification time 0, level
:data:`LEVEL`): the same site gives the same bytes on every rebuild (with the same zlib).

Level 9, measured on this project's 2-core machine (Python 3.11's zlib, one core):
``duckdb-eh.wasm`` (18,105,915 bytes) takes 1.0 s at level 9 for 4,172,404 bytes (23.0 %),
0.5 s at zlib's default 6 for 4,197,834 (23.2 %); 21 MB of JavaScript from
``reports/node_modules`` 0.9 s against 0.5 s, also 23 %. Level 9 saves little (0.6 %), but a
60 MB site still compresses in about 3 s, once per build, for every page view after it.
"""

from __future__ import annotations

import gzip
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# Suffixes (lower case, no dot) of the files that get a gzip copy. Not parquet (byte ranges,
# already zstd), nor woff/woff2/png/ico/jpg (compressed formats): they are simply absent.
COMPRESSIBLE = frozenset(
    {"html", "js", "mjs", "css", "json", "wasm", "svg", "arrow", "txt", "map", "webmanifest", "xml"}
)
# Smaller files are sent as they are: gzip would save less than one network packet.
MIN_BYTES = 1024
# A copy is kept only when it is at most this fraction of the original.
MAX_RATIO = 0.9
# See the module docstring for the time it takes.
LEVEL = 9
SUFFIX = ".gz"


@dataclass(frozen=True)
class Compressed:
    """What :func:`write_gzip_copies` did: how many files got a copy, their total size and the
    total size of their copies."""

    files: int
    bytes_before: int
    bytes_after: int

    def __str__(self) -> str:
        return (
            f"{self.files} files gzipped, {self.bytes_before / 1e6:.1f} MB -> "
            f"{self.bytes_after / 1e6:.1f} MB"
        )


def write_gzip_copies(site: Path) -> Compressed:
    """Write ``<file>.gz`` beside each compressible file under ``site`` (see the module
    docstring for which), and remove the copies that would be stale: those whose original is
    gone, or no longer gets a copy. Returns how many were written and their sizes.

    Raises FileNotFoundError when ``site`` is not a folder (build the site first).
    """
    site = Path(site)
    if not site.is_dir():
        raise FileNotFoundError(f"no site to compress in {site}: build it first")
    files = before = after = 0
    for path in sorted(site.rglob("*")):
        if path.suffix == SUFFIX:
            _remove_if_orphan(path)
        elif path.suffix[1:].lower() in COMPRESSIBLE and path.is_file():
            sizes = _write_copy(path)
            if sizes is not None:
                files, before, after = files + 1, before + sizes[0], after + sizes[1]
    summary = Compressed(files, before, after)
    log.debug("%s: %s", site, summary)
    return summary


def gzip_copy(path: Path) -> Path:
    """Where the gzip copy of ``path`` is (or would be) written."""
    return path.with_name(path.name + SUFFIX)


def _write_copy(path: Path) -> tuple[int, int] | None:
    """Write the copy of ``path``; return the sizes of both, or None (and no copy, not even an
    old one) when ``path`` is too small or does not shrink enough."""
    target = gzip_copy(path)
    size = path.stat().st_size
    if size < MIN_BYTES:
        target.unlink(missing_ok=True)
        return None
    temporary = _compressed(path)
    compressed = temporary.stat().st_size
    if compressed > size * MAX_RATIO:
        temporary.unlink()
        target.unlink(missing_ok=True)
        return None
    # the web server reads the copy as it reads the original (mkstemp makes it 0600)
    shutil.copymode(path, temporary)
    # renamed over the old copy: a server sending it meanwhile sends the old copy or the new
    # one, never half of one
    os.replace(temporary, target)
    return size, compressed


def _compressed(path: Path) -> Path:
    """``path`` gzipped into a temporary file beside it: no file name and time 0 in the
    header, so the same bytes give the same copy."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with (
            os.fdopen(handle, "wb") as raw,
            path.open("rb") as source,
            gzip.GzipFile(filename="", mode="wb", compresslevel=LEVEL, fileobj=raw, mtime=0) as out,
        ):
            shutil.copyfileobj(source, out, 1024 * 1024)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _remove_if_orphan(copy: Path) -> None:
    """Remove ``copy`` (a ``.gz`` file) when it is one of ours whose original is gone. A
    ``.gz`` the site ships itself (``archive.tar.gz``) is not of a compressible suffix: kept."""
    original = copy.with_name(copy.name[: -len(SUFFIX)])
    if original.suffix[1:].lower() in COMPRESSIBLE and not original.exists():
        copy.unlink(missing_ok=True)
