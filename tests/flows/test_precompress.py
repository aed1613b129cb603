"""flows/precompress.py: the gzip copies a built site is served from (``ytw reports --serve``
and nginx's gzip_static). Copies for the compressible files only, never for the parquet files
DuckDB-Wasm reads by byte ranges, byte-identical once decompressed, the same bytes on every
build, and no stale copy left behind."""

from __future__ import annotations

import gzip
import random
import shutil
import stat
from pathlib import Path

import pytest

from flows.precompress import Compressed, write_gzip_copies

# What the servers are told gets a copy (deploy/nginx.conf, flows/site_server.py): written
# out here rather than read from the module, so that dropping one fails.
COMPRESSIBLE = ("html", "js", "mjs", "css", "json", "wasm", "svg", "arrow", "txt", "map")
COMPRESSIBLE += ("webmanifest", "xml")
NEVER = ("parquet", "woff2", "woff", "png", "ico", "jpg", "zst")


def text(size: int, seed: int = 0) -> bytes:
    """``size`` bytes that compress like code: words from a small vocabulary."""
    words = [b"const", b"function", b"return", b"duckdb", b"=>", b"{", b"}", b"video", b"0"]
    pick = random.Random(seed)
    out = bytearray()
    while len(out) < size:
        out += pick.choice(words) + b" "
    return bytes(out[:size])


def noise(size: int) -> bytes:
    """``size`` bytes gzip cannot shrink."""
    return random.Random(1).randbytes(size)


def copy_of(path: Path) -> Path:
    return path.with_name(path.name + ".gz")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "_app" / "immutable").mkdir(parents=True)
    (root / "data" / "warehouse").mkdir(parents=True)
    for n, suffix in enumerate(COMPRESSIBLE + NEVER):
        (root / "_app" / "immutable" / f"file{n}.{suffix}").write_bytes(text(4096, n))
    (root / "index.html").write_bytes(text(20_000))
    (root / "data" / "warehouse" / "videos.parquet").write_bytes(text(50_000))
    (root / "small.js").write_bytes(text(1023))  # one byte short of worth it
    (root / "exactly.js").write_bytes(text(1024))
    (root / "random.wasm").write_bytes(noise(8192))  # already compressed, in effect
    return root


def test_copies_for_compressible_suffixes_of_at_least_a_kilobyte_only(site: Path) -> None:
    summary = write_gzip_copies(site)
    app = site / "_app" / "immutable"
    for n, suffix in enumerate(COMPRESSIBLE):
        assert copy_of(app / f"file{n}.{suffix}").is_file(), suffix
    for n, suffix in enumerate(NEVER, start=len(COMPRESSIBLE)):
        assert not copy_of(app / f"file{n}.{suffix}").exists(), suffix
    assert copy_of(site / "index.html").is_file()
    assert copy_of(site / "exactly.js").is_file()
    assert not copy_of(site / "small.js").exists()
    assert not copy_of(site / "random.wasm").exists()  # would not shrink: sent as it is
    # byte ranges of a parquet file are ranges of the file itself: it never gets a copy
    assert not list(site.rglob("*.parquet.gz"))

    copies = sorted(site.rglob("*.gz"))
    originals = [path.with_suffix("") for path in copies]
    assert summary == Compressed(
        files=len(copies),
        bytes_before=sum(path.stat().st_size for path in originals),
        bytes_after=sum(path.stat().st_size for path in copies),
    )
    assert summary.files == len(COMPRESSIBLE) + 2
    assert summary.bytes_after < summary.bytes_before * 0.5
    assert f"{summary.files} files gzipped" in str(summary)
    assert not [p for p in site.rglob("*") if p.name.startswith(".")]  # no temporary left


def test_copies_decompress_to_the_original_bytes_and_read_as_the_original(site: Path) -> None:
    (site / "index.html").chmod(0o644)
    write_gzip_copies(site)
    for copy in site.rglob("*.gz"):
        original = copy.with_suffix("")
        assert gzip.decompress(copy.read_bytes()) == original.read_bytes(), copy
        # nginx reads the copies as it reads the originals (a temporary file is 0600)
        assert stat.S_IMODE(copy.stat().st_mode) == stat.S_IMODE(original.stat().st_mode)


def test_the_same_site_gives_the_same_copies(site: Path, tmp_path: Path) -> None:
    write_gzip_copies(site)
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*.gz")}
    other = tmp_path / "elsewhere" / "built-later"
    shutil.copytree(site, other, ignore=shutil.ignore_patterns("*.gz"))
    write_gzip_copies(other)
    assert {p.relative_to(other): p.read_bytes() for p in other.rglob("*.gz")} == first
    # and compressing again changes nothing, nor compresses the copies themselves
    assert write_gzip_copies(site).files == len(first)
    assert {p.relative_to(site): p.read_bytes() for p in site.rglob("*.gz")} == first
    assert not list(site.rglob("*.gz.gz"))
    header = first[Path("index.html.gz")][:10]
    assert header[3] & 0x08 == 0, "the header names a file"
    assert header[4:8] == bytes(4), "the header holds a time"


def test_stale_copies_are_removed(site: Path) -> None:
    write_gzip_copies(site)
    # a build without these files any more, one now too small, one now incompressible
    (site / "exactly.js").unlink()
    (site / "index.html").write_bytes(b"<h1>short</h1>")
    (site / "_app" / "immutable" / "file0.html").write_bytes(noise(4096))
    (site / "gone" / "deep").mkdir(parents=True)
    (site / "gone" / "deep" / "page.json.gz").write_bytes(gzip.compress(text(4096)))
    (site / "downloads").mkdir()
    (site / "downloads" / "export.tar.gz").write_bytes(b"the site's own archive")

    write_gzip_copies(site)
    assert not copy_of(site / "exactly.js").exists()
    assert not copy_of(site / "index.html").exists()
    assert not copy_of(site / "_app" / "immutable" / "file0.html").exists()
    assert not (site / "gone" / "deep" / "page.json.gz").exists()
    assert (site / "downloads" / "export.tar.gz").read_bytes() == b"the site's own archive"
    assert copy_of(site / "_app" / "immutable" / "file1.js").is_file()


def test_a_missing_site_says_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="build it first"):
        write_gzip_copies(tmp_path / "build")
