"""The Evidence reports build: from a real PostgreSQL, shipping exactly the marts' rows, with
nothing fetched off the machine at page load, with pages that say what is missing when the
warehouse is empty, and with one dbt exposure per page; plus the runner's own behaviour
(npm install only when needed, failures with the output's tail, serving page URLs).

The slow tests share the session's site built from the emulator warehouse (see conftest.py);
the empty-warehouse test builds once more (about a minute). The browser checks of every page
are in test_reports_pages.py.
"""

from __future__ import annotations

import dataclasses
import gzip
import http.client
import json
import math
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from extract.database import ConnectionInfo
from flows import children, npm, reports
from flows.precompress import write_gzip_copies
from flows.site_server import DEFAULT_URL, SiteServer, legacy_location, serve
from tests.conftest import create_database, execute
from tests.reports.conftest import Marts
from tests.reports.warehouse import empty_marts

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PAGES = npm.REPORTS_DIR / "pages"
EXPOSURES = REPO / "dbt_project" / "models" / "exposures" / "_exposures.yml"


def read_parquet(path: Path) -> list[dict]:
    out = subprocess.run(
        ["node", str(HERE / "read_parquet.cjs"), str(npm.REPORTS_DIR), str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout)


def same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9)


# --- slow: real npm install / evidence sources / evidence build -------------------------------


@pytest.mark.slow
def test_site_has_every_page(built_site: Path) -> None:
    pages = ("", "playlists", "playlists/monthly", "trending", "videos", "channels", "freshness")
    pages += ("videos/video", "playlists/playlist", "channels/channel")
    for page in pages:
        html = (built_site / page / "index.html").read_text(encoding="utf-8")
        assert "tubewarehouse" in html, page


@pytest.mark.slow
def test_built_data_holds_exactly_the_mart_rows(built_site: Path, marts: Marts) -> None:
    manifest = json.loads((built_site / "data" / "manifest.json").read_text())
    assert sorted(manifest["renderedFiles"]["warehouse"]) == sorted(
        f"static/data/warehouse/{q.stem}/{q.stem}.parquet" for q in reports.source_queries()
    )
    rows = read_parquet(built_site / "data" / "warehouse" / "playlists" / "playlists.parquet")
    columns = [
        "playlist_id",
        "channel_id",
        "title",
        "count_videos",
        "total_views",
        "total_likes",
        "avg_views",
        "avg_likes",
        "views_gained_30d",
    ]
    expected = marts.rows(f"select {', '.join(columns)} from marts.playlists")
    assert len(rows) == len(expected)
    by_id = {row["playlist_id"]: row for row in rows}
    for values in expected:
        got = by_id[values[0]]
        for column, value in zip(columns, values, strict=True):
            if value is not None and not isinstance(value, (int, str)):
                assert same_number(got[column], float(value)), (values[0], column)
            else:
                assert got[column] == value, (values[0], column, got[column])


@pytest.mark.slow
def test_build_fetches_nothing_remote_at_page_load(built_site: Path) -> None:
    """No absolute non-local URL in what the browser loads without a click: HTML resource
    attributes, stylesheets, the web manifest, the service worker. (JavaScript bundles carry
    inert documentation links; the browser tests check the actual requests.)"""
    remote = re.compile(r"https?://(?!127\.0\.0\.1|localhost)[^\s\"')]+")
    resource_attr = re.compile(r"<(?:link|script|img|iframe|source|video|audio)\b[^>]*>", re.I)
    offenders: list[str] = []
    pages = list(built_site.rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        for tag in resource_attr.findall(page.read_text(encoding="utf-8")):
            offenders += [f"{page.name}: {u}" for u in remote.findall(tag)]
    for css in built_site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        for ref in re.findall(r"(?:url\(|@import\s+)['\"]?([^'\")\s]+)", text):
            if remote.match(ref):
                offenders.append(f"{css.name}: {ref}")
    for name in ("manifest.webmanifest", "service-worker.js"):
        path = built_site / name
        if path.exists():
            offenders += [f"{name}: {u}" for u in remote.findall(path.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.slow
def test_empty_warehouse_builds_pages_that_say_what_to_run(pg_cluster: ConnectionInfo) -> None:
    """Marts that exist but hold nothing (a fresh install): every page builds and says what
    is missing and what to run."""
    site = reports.build(empty_marts(pg_cluster, "reports_empty"))
    expected = {
        "": "No channels in the warehouse yet",
        "playlists": "No playlists in the warehouse yet",
        "playlists/monthly": "No playlists in the warehouse yet",
        "trending": "No trending charts in the warehouse yet",
        "videos": "No videos in the warehouse yet",
        "channels": "No channels in the warehouse yet",
    }
    for page, message in expected.items():
        html = (site / page / "index.html").read_text(encoding="utf-8")
        assert message in html, page
        assert "make demo" in html, page
    assert "Total views per playlist" not in (site / "playlists" / "index.html").read_text()
    # the one page of each kind of entity builds too (it reads its id in the browser)
    for page in ("videos/video", "playlists/playlist", "channels/channel"):
        assert (site / page / "index.html").is_file(), page


@pytest.mark.slow
def test_failing_source_query_raises_with_evidence_output(pg_cluster: ConnectionInfo) -> None:
    """A mart without a contract column: Evidence prints the failure, exits 0 and never
    exits at all (an open connection); build() must stop it and raise."""
    warehouse = empty_marts(pg_cluster, "reports_broken")
    execute(warehouse, "alter table marts.playlists rename column avg_likes to avg_likes_renamed")
    with pytest.raises(reports.ReportsError, match="playlists"):
        reports.build(warehouse, timeout=300)


# --- fast ------------------------------------------------------------------------------------


def test_missing_mart_says_to_run_the_pipeline(pg_cluster: ConnectionInfo) -> None:
    warehouse = create_database(pg_cluster, f"reports_nomarts_{uuid.uuid4().hex[:8]}")
    with pytest.raises(reports.ReportsError, match=r"marts\.playlists.*make demo"):
        reports.check_marts(warehouse)


def test_connection_reaches_evidence_through_environment_only() -> None:
    conn = ConnectionInfo("/run/pg socket", 5433, "me", "s3cret", "wh")
    assert reports.source_env(conn) == {
        "EVIDENCE_SOURCE__warehouse__host": "/run/pg socket",
        "EVIDENCE_SOURCE__warehouse__port": "5433",
        "EVIDENCE_SOURCE__warehouse__database": "wh",
        "EVIDENCE_SOURCE__warehouse__user": "me",
        "EVIDENCE_SOURCE__warehouse__password": "s3cret",
    }
    committed = (npm.REPORTS_DIR / "sources" / "warehouse" / "connection.yaml").read_text()
    for option in ("host:", "user:", "password:", "database:"):
        assert option not in committed
    assert reports.mart_tables() == [
        "marts.categories",
        "marts.channel_daily_stats",
        "marts.channels",
        "marts.playlist_monthly",
        "marts.playlist_videos",
        "marts.playlists",
        "marts.quota_daily",
        "marts.refresh_runs",
        "marts.regions",
        "marts.trending_charts_latest",
        "marts.trending_charts_missing",
        "marts.trending_daily_charts",
        "marts.trending_daily_regions",
        "marts.trending_summary",
        "marts.video_daily_stats",
        "marts.videos",
        "marts.videos_overdue",
    ]


def test_reports_read_only_the_marts_schema() -> None:
    sql = [p.read_text() for p in reports.source_queries()]
    assert sql
    for text in sql:
        schemas = set(re.findall(r"\b(?:from|join)\s+([a-z_]+)\.", text, re.I))
        assert schemas == {"marts"}


def _page_sql(page: Path) -> str:
    """A page's markdown with the partials it includes inlined (as Evidence does)."""
    text = page.read_text(encoding="utf-8")
    for name in re.findall(r'\{@partial\s+"(.*?)"\s*\}', text):
        text += (npm.REPORTS_DIR / "partials" / name).read_text(encoding="utf-8")
    return text


def _pages() -> list[Path]:
    return sorted(PAGES.rglob("*.md"))


def test_pages_query_only_the_warehouse_sources() -> None:
    sources = {q.stem for q in reports.source_queries()}
    for page in _pages():
        text = _page_sql(page)
        blocks = re.findall(r"```sql \w+\n(.*?)```", text, re.S)
        assert blocks, page
        for block in blocks:
            tables = set(re.findall(r"\b(?:from|join)\s+([a-z_]+)\.([a-z_]+)", block, re.I))
            assert {schema for schema, _ in tables} <= {"warehouse"}, (page, tables)
            assert {name for _, name in tables} <= sources, (page, tables)


def test_every_page_is_a_dbt_exposure_on_the_marts_it_reads() -> None:
    """One exposure per page (templated pages once), naming the page's file, with depends_on
    exactly the marts behind the source queries the page uses."""
    exposures = yaml.safe_load(EXPOSURES.read_text())["exposures"]
    marts_of_source = {
        q.stem: set(re.findall(r"\bmarts\.([a-z_]+)", q.read_text(), re.I))
        for q in reports.source_queries()
    }
    by_page: dict[str, dict] = {}
    for exposure in exposures:
        named = re.findall(r"`(reports/pages/[^`]+\.md)`", exposure["description"])
        assert len(named) == 1, exposure["name"]
        assert named[0] not in by_page, named[0]
        by_page[named[0]] = exposure
        assert exposure["type"] == "dashboard" and exposure["owner"]["name"]
        assert exposure["url"].startswith(DEFAULT_URL), exposure["name"]
    pages = {str(page.relative_to(REPO)): page for page in _pages()}
    assert sorted(by_page) == sorted(pages)
    for name, page in pages.items():
        used = set(re.findall(r"\bwarehouse\.([a-z_]+)", _page_sql(page)))
        marts = set().union(*(marts_of_source[source] for source in used))
        refs = {re.fullmatch(r"ref\('(\w+)'\)", d).group(1) for d in by_page[name]["depends_on"]}
        assert refs == marts, name
        route = "/" + str(page.relative_to(PAGES).with_suffix("")).removesuffix("index")
        route = route.rstrip("/") + "/"
        # the page of one video, playlist or channel names its id parameter
        entity = {"videos/video": "video_id", "playlists/playlist": "playlist_id"}
        entity["channels/channel"] = "channel_id"
        if route.strip("/") in entity:
            route += f"?id={{{entity[route.strip('/')]}}}"
        assert by_page[name]["url"] == DEFAULT_URL + route.lstrip("/"), name


def test_build_renders_again_only_when_pages_or_data_change(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`ytw reports --serve` after the demo extracts the same data: the site is kept (the
    render takes minutes), unless the data, a page or a package file changed, or it is
    forced, or build/ is gone."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "index.md").write_text("# Overview")
    (tmp_path / "package.json").write_text("{}")
    data = {"rows": b"parquet-1"}
    builds: list[str] = []

    def fake_run(args: list[str], **kwargs: object) -> str:
        if str(reports.ROW_GROUP_SCRIPT) in args:
            return "Done!"
        if args[-1] == "sources":
            out = tmp_path / ".evidence" / "template" / "static" / "data" / "warehouse"
            out.mkdir(parents=True, exist_ok=True)
            (out / "q.parquet").write_bytes(data["rows"])
            return "✅ Done!"
        builds.append(args[-1])
        (tmp_path / "build").mkdir(exist_ok=True)
        (tmp_path / "build" / "index.html").write_text("<h1>site</h1>")
        return ""

    monkeypatch.setattr(npm, "REPORTS_DIR", tmp_path)
    monkeypatch.setattr(npm, "require_node", lambda: ("node", "npm"))
    monkeypatch.setattr(npm, "ensure_installed", lambda: None)
    monkeypatch.setattr(reports, "check_marts", lambda conn: None)
    monkeypatch.setattr(npm, "run", fake_run)
    conn = ConnectionInfo("/tmp", 5432, "me", "", "wh")

    assert reports.build(conn) == tmp_path / "build"
    assert len(builds) == 1
    reports.build(conn)
    assert len(builds) == 1, "same pages, same data: kept"
    data["rows"] = b"parquet-2"
    reports.build(conn)
    assert len(builds) == 2, "new data"
    (tmp_path / "pages" / "index.md").write_text("# Overview, changed")
    reports.build(conn)
    assert len(builds) == 3, "a page changed"
    reports.build(conn, force=True)
    assert len(builds) == 4
    shutil.rmtree(tmp_path / "build")
    reports.build(conn)
    assert len(builds) == 5, "build/ was gone"
    reports.build(conn)
    assert len(builds) == 5


def test_missing_node_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(npm.shutil, "which", lambda name: None)
    with pytest.raises(reports.ReportsError, match="Node.js 20"):
        npm.ensure_installed()


def test_ensure_installed_runs_npm_only_when_package_files_change(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "package.json").write_text('{"name": "x"}')
    (tmp_path / "package-lock.json").write_text("{}")
    calls: list[list[str]] = []

    def fake_run(args: list[str], **kwargs: object) -> str:
        calls.append(list(args))
        (tmp_path / "node_modules").mkdir(exist_ok=True)
        return ""

    monkeypatch.setattr(npm, "REPORTS_DIR", tmp_path)
    monkeypatch.setattr(npm, "require_node", lambda: ("node", "npm"))
    monkeypatch.setattr(npm, "run", fake_run)

    npm.ensure_installed()
    npm.ensure_installed()
    assert calls == [["npm", "ci", "--no-audit", "--no-fund"]]
    (tmp_path / "package-lock.json").write_text('{"changed": true}')
    npm.ensure_installed()
    npm.ensure_installed(force=True)
    assert len(calls) == 3


def test_npm_failure_shows_the_end_of_its_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(npm, "REPORTS_DIR", tmp_path)
    script = "for i in $(seq 1 100); do echo line $i; done; echo 'npm error E404 nope'; exit 1"
    with pytest.raises(reports.ReportsError) as info:
        npm.run(["sh", "-c", script], what="npm install", env={"PATH": "/bin:/usr/bin"}, timeout=30)
    message = str(info.value)
    assert "npm install failed (exit 1" in message
    assert "npm error E404 nope" in message and "line 100" in message
    assert "line 1\n" not in message


def test_a_command_that_lingers_after_its_done_line_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(npm, "REPORTS_DIR", tmp_path)
    monkeypatch.setattr(children, "DONE_GRACE_SECONDS", 0.5)
    out = npm.run(
        ["sh", "-c", "echo working; echo '✅ Done!'; sleep 60"],
        what="evidence sources",
        env={"PATH": "/bin:/usr/bin"},
        timeout=20,
        done_marker="Done!",
    )
    assert out.splitlines() == ["working", "✅ Done!"]


# --- serve -----------------------------------------------------------------------------------


@pytest.fixture
def fake_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "channels" / "detail").mkdir(parents=True)
    (site / "_app").mkdir()
    (site / "empty-folder").mkdir()
    (site / "index.html").write_text("<h1>home</h1>")
    (site / "channels" / "index.html").write_text("<h1>channels</h1>")
    (site / "channels" / "detail" / "index.html").write_text("<h1>detail</h1>")
    (site / "about.html").write_text("<h1>about</h1>")
    (site / "_app" / "app.js").write_text("console.log(1)")
    (site / "duck.wasm").write_bytes(b"\0asm")
    return site


@pytest.fixture
def site_server(fake_site: Path) -> Iterator[SiteServer]:
    with serve(fake_site, port=0) as server:
        yield server


def get(server: SiteServer, path: str) -> tuple[int, dict[str, str], bytes]:
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        headers = {key.lower(): value for key, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        conn.close()


def test_serve_routes_evidence_page_urls(site_server: SiteServer) -> None:
    assert site_server.url.startswith("http://127.0.0.1:")
    assert get(site_server, "/")[2] == b"<h1>home</h1>"
    # Pages use relative asset URLs: /channels must become /channels/ before serving index.html.
    status, headers, _ = get(site_server, "/channels")
    assert status == 301 and headers["location"] == "/channels/"
    assert get(site_server, "/channels/")[2] == b"<h1>channels</h1>"
    assert get(site_server, "/channels/detail/?x=1")[2] == b"<h1>detail</h1>"
    assert get(site_server, "/about")[2] == b"<h1>about</h1>"
    assert get(site_server, "/about.html")[2] == b"<h1>about</h1>"
    status, headers, body = get(site_server, "/_app/app.js")
    assert status == 200 and body == b"console.log(1)"
    assert headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert get(site_server, "/duck.wasm")[1]["content-type"] == "application/wasm"


def test_serve_answers_404_and_lists_no_folders(site_server: SiteServer) -> None:
    assert get(site_server, "/nope")[0] == 404
    assert get(site_server, "/empty-folder/")[0] == 404
    assert get(site_server, "/_app/")[0] == 404
    assert get(site_server, "/../../etc/passwd")[0] == 404


def _get_range(server: SiteServer, path: str, byte_range: str) -> tuple[int, dict[str, str], bytes]:
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path, headers={"Range": byte_range})
        response = conn.getresponse()
        headers = {key.lower(): value for key, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        conn.close()


def test_serve_answers_byte_ranges_as_duckdb_wasm_asks_for_them(
    site_server: SiteServer, fake_site: Path
) -> None:
    """A page reads its parquet files by ranges (the footer, then the row groups it needs)."""
    data = bytes(range(256)) * 40  # 10,240 bytes
    (fake_site / "data.parquet").write_bytes(data)
    status, headers, body = _get_range(site_server, "/data.parquet", "bytes=100-199")
    assert (status, body) == (206, data[100:200])
    assert headers["content-range"] == "bytes 100-199/10240"
    assert headers["content-length"] == "100"
    assert _get_range(site_server, "/data.parquet", "bytes=-8")[2] == data[-8:]  # the footer
    assert _get_range(site_server, "/data.parquet", "bytes=10000-")[2] == data[10000:]
    assert _get_range(site_server, "/data.parquet", "bytes=10000-99999")[2] == data[10000:]
    status, headers, _ = _get_range(site_server, "/data.parquet", "bytes=20000-")
    assert status == 416 and headers["content-range"] == "bytes */10240"
    # no range, or several: the whole file
    assert get(site_server, "/data.parquet")[:3:2] == (200, data)
    assert _get_range(site_server, "/data.parquet", "bytes=0-1,5-6")[:3:2] == (200, data)


# what compresses like Evidence's runtime: code, a page, a WebAssembly module
BIG_JS = b"export const rows = [" + b", ".join(b"%d" % n for n in range(3000)) + b"];\n"
BIG_PAGE = b"<!doctype html><h1>channels</h1>" + b"<tr><td>channel</td></tr>" * 400
BIG_WASM = b"\0asm\1\0\0\0" + bytes(30_000)


@pytest.fixture
def compressed_site(fake_site: Path) -> Path:
    """fake_site with big files, and the gzip copies the build writes beside them."""
    (fake_site / "_app" / "big.js").write_bytes(BIG_JS)
    (fake_site / "channels" / "index.html").write_bytes(BIG_PAGE)
    (fake_site / "about.html").write_bytes(BIG_PAGE)
    (fake_site / "big.wasm").write_bytes(BIG_WASM)
    (fake_site / "data.parquet").write_bytes(bytes(20_000))  # never gets a copy
    assert write_gzip_copies(fake_site).files == 4
    return fake_site


def _get_with(
    server: SiteServer, path: str, headers: dict[str, str], method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """One request with exactly these headers; the body as sent (http.client decompresses
    nothing)."""
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        found = {key.lower(): value for key, value in response.getheaders()}
        return response.status, found, response.read()
    finally:
        conn.close()


GZIP_FROM_A_BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def test_serve_sends_the_gzip_copy_to_browsers_that_accept_it(
    site_server: SiteServer, compressed_site: Path
) -> None:
    for path, original, mime in (
        ("/_app/big.js", BIG_JS, ("text/javascript", "application/javascript")),
        ("/channels/", BIG_PAGE, ("text/html",)),  # a page: its folder's index.html
        ("/about", BIG_PAGE, ("text/html",)),  # about.html
        ("/big.wasm", BIG_WASM, ("application/wasm",)),  # streamed only with its own type
    ):
        status, headers, body = _get_with(site_server, path, GZIP_FROM_A_BROWSER)
        assert (status, headers.get("content-encoding")) == (200, "gzip"), path
        assert headers["content-type"].startswith(mime), (path, headers["content-type"])
        assert headers["vary"] == "Accept-Encoding"
        assert headers["content-length"] == str(len(body))
        assert gzip.decompress(body) == original, path
        assert len(body) < len(original) / 2, path
    # HEAD says the same, without the body
    status, headers, body = _get_with(site_server, "/big.wasm", GZIP_FROM_A_BROWSER, "HEAD")
    assert (status, headers["content-encoding"], body) == (200, "gzip", b"")
    # a browser revalidating (Cache-Control: no-cache) gets 304 for an unchanged copy
    _, headers, _ = _get_with(site_server, "/_app/big.js", GZIP_FROM_A_BROWSER)
    asked = {**GZIP_FROM_A_BROWSER, "If-Modified-Since": headers["last-modified"]}
    status, headers, body = _get_with(site_server, "/_app/big.js", asked)
    assert (status, body, headers["vary"]) == (304, b"", "Accept-Encoding")


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        (None, False),  # no Accept-Encoding: a client that may not decompress
        ("", False),
        ("identity", False),
        ("deflate, br", False),
        ("gzip;q=0", False),
        ("br, GZIP ; Q=0.000", False),
        ("gzip;q=0, *", False),  # refused by name, whatever * says
        ("*;q=0", False),
        ("gzip;q=high", False),  # an ill-formed weight is not a yes
        ("gzip", True),
        ("x-gzip", True),
        ("br;q=1.0, gzip;q=0.1", True),
        ("*", True),
    ],
)
def test_serve_sends_gzip_only_when_accept_encoding_allows_it(
    site_server: SiteServer, compressed_site: Path, accept_encoding: str | None, gzipped: bool
) -> None:
    headers = {} if accept_encoding is None else {"Accept-Encoding": accept_encoding}
    status, answer, body = _get_with(site_server, "/_app/big.js", headers)
    assert status == 200
    assert answer.get("content-encoding") == ("gzip" if gzipped else None)
    assert (gzip.decompress(body) if gzipped else body) == BIG_JS
    assert answer["vary"] == "Accept-Encoding"  # either way: a cache must keep them apart


def test_serve_answers_ranges_of_the_file_itself_when_it_has_a_gzip_copy(
    site_server: SiteServer, compressed_site: Path
) -> None:
    asked = {**GZIP_FROM_A_BROWSER, "Range": "bytes=100-199"}
    status, headers, body = _get_with(site_server, "/_app/big.js", asked)
    assert (status, body) == (206, BIG_JS[100:200])
    assert "content-encoding" not in headers
    assert headers["content-range"] == f"bytes 100-199/{len(BIG_JS)}"
    # the parquet files DuckDB-Wasm reads by ranges have no copy: plain, without Vary
    status, headers, body = _get_with(site_server, "/data.parquet", GZIP_FROM_A_BROWSER)
    assert (status, body) == (200, bytes(20_000))
    assert "content-encoding" not in headers and "vary" not in headers
    asked = {**GZIP_FROM_A_BROWSER, "Range": "bytes=-8"}
    assert _get_with(site_server, "/data.parquet", asked)[:3:2] == (206, bytes(8))


def test_serve_sends_a_gz_file_asked_for_by_name_as_it_is(
    site_server: SiteServer, compressed_site: Path
) -> None:
    copy = (compressed_site / "_app" / "big.js.gz").read_bytes()
    status, headers, body = _get_with(site_server, "/_app/big.js.gz", GZIP_FROM_A_BROWSER)
    assert (status, body) == (200, copy)
    assert "content-encoding" not in headers
    assert headers["content-type"] in ("application/gzip", "application/x-gzip")
    # a small file gets no copy, and a page without one is sent as it is
    status, headers, body = _get_with(site_server, "/duck.wasm", GZIP_FROM_A_BROWSER)
    assert (status, body) == (200, b"\0asm") and "content-encoding" not in headers
    status, headers, body = _get_with(site_server, "/", GZIP_FROM_A_BROWSER)
    assert (status, body) == (200, b"<h1>home</h1>") and "vary" not in headers


def test_serve_moves_the_old_entity_addresses_to_their_page(
    site_server: SiteServer, fake_site: Path
) -> None:
    """Before one page per kind of entity, each video had /videos/<id>/: old links still work."""
    for old, new in (
        ("/videos/dQw4w9WgXcQ/", "/videos/video/?id=dQw4w9WgXcQ"),
        ("/videos/dQw4w9WgXcQ", "/videos/video/?id=dQw4w9WgXcQ"),
        (
            "/playlists/PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf/",
            "/playlists/playlist/?id=PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf",
        ),
        (
            "/playlists/UU38IQsAvIsxxjztdMZQtwHA/",
            "/playlists/playlist/?id=UU38IQsAvIsxxjztdMZQtwHA",
        ),
        ("/channels/UC38IQsAvIsxxjztdMZQtwHA/", "/channels/channel/?id=UC38IQsAvIsxxjztdMZQtwHA"),
    ):
        status, headers, _ = get(site_server, old)
        assert (status, headers["location"]) == (301, new), old
    # a site built before one page per kind of entity still serves its own pages
    (fake_site / "videos" / "dQw4w9WgXcQ").mkdir(parents=True)
    (fake_site / "videos" / "dQw4w9WgXcQ" / "index.html").write_text("<h1>old page</h1>")
    assert get(site_server, "/videos/dQw4w9WgXcQ/")[:3:2] == (200, b"<h1>old page</h1>")
    # the site's own pages are not entity addresses
    for path in (
        "/videos/video/",
        "/playlists/monthly/",
        "/channels/channel/",
        "/channels/detail/",
    ):
        assert legacy_location(path) is None, path


def test_serve_refuses_a_folder_without_a_build(tmp_path: Path) -> None:
    with pytest.raises(reports.ReportsError, match="no built reports site"):
        serve(tmp_path, port=0)


def test_the_reports_read_through_the_read_only_role_when_one_is_given(
    pg_cluster: ConnectionInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REPORTS_DATABASE_URL (the compose stack's read-only role) is what Evidence connects
    with; a role that may not read the marts fails the build at once, saying what to grant."""
    admin = create_database(pg_cluster, f"reader_{uuid.uuid4().hex[:8]}")
    role = f"reader_{uuid.uuid4().hex[:8]}"
    tables = reports.mart_tables()
    execute(admin, "create schema marts")
    for table in tables:
        execute(admin, f"create table {table} (id integer)")
    execute(admin, f"create role {role} login")
    execute(admin, f"grant usage on schema marts to {role}")
    reader = dataclasses.replace(admin, user=role, password="")
    monkeypatch.setenv("REPORTS_DATABASE_URL", reader.url)
    assert reports.reader(admin).user == role
    monkeypatch.setattr(npm, "ensure_installed", lambda: None)
    with pytest.raises(reports.ReportsError, match=f"{role} may not read marts"):
        reports.build(admin, force=True)
    execute(admin, f"grant select on all tables in schema marts to {role}")
    reports.check_marts(reports.reader(admin))  # readable now
