"""The Evidence reports: they build from a real PostgreSQL, ship exactly the mart's rows, render
in a headless browser without fetching anything off the machine, and are served correctly.

The slow tests run ``npm install`` (once, about a minute cold) and ``evidence build`` (about
50 s per build). The browser test needs Debian's ``chromium``, which ``make test`` installs.
"""

from __future__ import annotations

import http.client
import json
import math
import shutil
import subprocess
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from extract.database import ConnectionInfo
from flows import reports
from tests.conftest import create_database

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent / "artifacts"

PLAYLISTS_DDL = """
create schema if not exists marts;
create table marts.playlists (
    playlist_id text,
    channel_id text,
    title text,
    count_videos bigint,
    total_views bigint,
    total_likes bigint,
    avg_views numeric,
    avg_likes numeric
);
"""

# (playlist_id, channel_id, title, count_videos, total_views, total_likes, avg_views, avg_likes)
PLAYLISTS = [
    ("PLamp", "UCone", "Tom & Jerry <3", 3, 1_234_567, 45_678, 411_522.33, 15_226.0),
    ("PLutf", "UCone", "Été à Montréal — 東京 🎵", 2, 98_765, None, 49_382.5, None),
    ("PLtag", "UCtwo", "<b>bold</b> & <script>alert(1)</script>", 1, 5_000_000_000, 12, 5e9, 12.0),
    ("PLzero", "UCtwo", "Nothing yet", 0, 0, 0, None, None),
]


def make_database(
    admin: ConnectionInfo, prefix: str, sql: str = "", rows: Sequence[tuple] = ()
) -> ConnectionInfo:
    info = create_database(admin, f"{prefix}_{uuid.uuid4().hex[:8]}")
    if sql:
        conn = info.connect()
        with conn, conn.cursor() as cur:
            cur.execute(sql)
            for row in rows:
                cur.execute(
                    "insert into marts.playlists values (%s, %s, %s, %s, %s, %s, %s, %s)", row
                )
        conn.close()
    return info


@pytest.fixture(scope="module")
def built_site(pg_cluster: ConnectionInfo) -> Path:
    """The reports built from a warehouse whose ``marts.playlists`` holds PLAYLISTS."""
    warehouse = make_database(pg_cluster, "reports", PLAYLISTS_DDL, PLAYLISTS)
    return reports.build(warehouse)


def read_parquet(path: Path) -> list[dict]:
    out = subprocess.run(
        ["node", str(HERE / "read_parquet.cjs"), str(reports.REPORTS_DIR), str(path)],
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
def test_site_builds_the_playlists_page(built_site: Path) -> None:
    assert built_site == reports.site_dir()
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert "<title>Playlists" in html or ">Playlists<" in html
    assert "Total views per playlist" in html
    assert "Playlist ranking" in html


@pytest.mark.slow
def test_built_data_holds_exactly_the_mart_rows(built_site: Path) -> None:
    manifest = json.loads((built_site / "data" / "manifest.json").read_text())
    assert manifest["renderedFiles"] == {
        "warehouse": ["static/data/warehouse/playlists/playlists.parquet"]
    }
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
    ]
    assert [list(row) for row in rows] == [columns] * len(PLAYLISTS)
    by_id = {row["playlist_id"]: row for row in rows}
    assert sorted(by_id) == sorted(p[0] for p in PLAYLISTS)
    for expected in PLAYLISTS:
        got = by_id[expected[0]]
        for column, value in zip(columns, expected, strict=True):
            if isinstance(value, float):
                assert same_number(got[column], value), (expected[0], column, got[column])
            else:
                assert got[column] == value, (expected[0], column, got[column])


@pytest.mark.slow
def test_build_fetches_nothing_remote_at_page_load(built_site: Path) -> None:
    """No absolute non-local URL in what the browser loads without a click: HTML resource
    attributes, stylesheets, the web manifest, the service worker. (JavaScript bundles carry
    inert documentation links; the browser test checks the actual requests.)"""
    import re

    remote = re.compile(r"https?://(?!127\.0\.0\.1|localhost)[^\s\"')]+")
    resource_attr = re.compile(r"<(?:link|script|img|iframe|source|video|audio)\b[^>]*>", re.I)
    offenders: list[str] = []
    for page in built_site.rglob("*.html"):
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
def test_page_renders_in_a_browser_with_data_and_only_local_requests(
    built_site: Path, tmp_path: Path
) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    # `make test` installs Debian's chromium when missing: no browser is a failure, not a skip.
    assert chromium is not None, (
        "chromium is missing: run `make test` (it installs it) or apt-get install chromium"
    )
    netlog = tmp_path / "netlog.json"
    with reports.serve(built_site, port=0) as server:
        base = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--window-size=1280,1600",
            "--virtual-time-budget=20000",
        ]
        dom = subprocess.run(
            [
                *base,
                f"--user-data-dir={tmp_path / 'profile-dom'}",
                f"--log-net-log={netlog}",
                "--dump-dom",
                server.url,
            ],
            capture_output=True,
            text=True,
            timeout=180,
        ).stdout
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(
            [
                *base,
                f"--user-data-dir={tmp_path / 'profile-shot'}",
                # Let the chart's canvas finish drawing before the picture is taken. In a
                # taller headless window the canvas often stays blank under virtual time.
                "--run-all-compositor-stages-before-draw",
                "--virtual-time-budget=60000",
                "--window-size=1280,900",
                f"--screenshot={ARTIFACTS / 'reports-index.png'}",
                server.url,
            ],
            capture_output=True,
            timeout=180,
        )
        origin = server.url.rstrip("/")

    # The ranking table rendered every playlist, titles escaped as text (never as markup).
    assert "Tom &amp; Jerry &lt;3" in dom
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script>alert(1)</script>" not in dom
    assert "Été à Montréal — 東京 🎵" in dom
    assert "1.2M" in dom and "5.0B" in dom and "98,765" in dom

    # Every request the page itself made went to our server.
    log = json.loads(netlog.read_text())
    event_types = {value: key for key, value in log["constants"]["logEventTypes"].items()}
    page_requests = [
        event["params"]["url"]
        for event in log["events"]
        if event_types.get(event["type"]) == "URL_REQUEST_START_JOB"
        and event.get("params", {}).get("initiator") == origin
    ]
    assert any(url.endswith(".arrow") or "/data/" in url for url in page_requests)
    assert [u for u in page_requests if not u.startswith(origin + "/")] == []


@pytest.mark.slow
def test_empty_mart_builds_a_page_that_says_what_to_run(pg_cluster: ConnectionInfo) -> None:
    warehouse = make_database(pg_cluster, "reports_empty", PLAYLISTS_DDL)
    site = reports.build(warehouse)
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "No playlists in the warehouse yet" in html
    assert "make demo" in html
    assert "Playlist ranking" not in html


@pytest.mark.slow
def test_failing_source_query_raises_with_evidence_output(pg_cluster: ConnectionInfo) -> None:
    """A mart without a contract column: Evidence prints the failure, exits 0 and never
    exits at all (an open connection); build() must stop it and raise."""
    broken = PLAYLISTS_DDL.replace("    avg_likes numeric\n", "    avg_likes_renamed numeric\n")
    warehouse = make_database(pg_cluster, "reports_broken", broken)
    with pytest.raises(reports.ReportsError, match="playlists"):
        reports.build(warehouse, timeout=300)


# --- fast ------------------------------------------------------------------------------------


def test_missing_mart_says_to_run_the_pipeline(pg_cluster: ConnectionInfo) -> None:
    warehouse = make_database(pg_cluster, "reports_nomarts")
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
    committed = (reports.REPORTS_DIR / "sources" / "warehouse" / "connection.yaml").read_text()
    for option in ("host:", "user:", "password:", "database:"):
        assert option not in committed
    assert reports.mart_tables() == ["marts.playlists"]


def test_reports_read_only_the_marts_schema() -> None:
    import re

    sql = [p.read_text() for p in reports.source_queries()]
    assert sql
    for text in sql:
        schemas = set(re.findall(r"\b(?:from|join)\s+([a-z_]+)\.", text, re.I))
        assert schemas == {"marts"}


def test_missing_node_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reports.shutil, "which", lambda name: None)
    with pytest.raises(reports.ReportsError, match="Node.js 20"):
        reports.ensure_installed()


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

    monkeypatch.setattr(reports, "REPORTS_DIR", tmp_path)
    monkeypatch.setattr(reports, "_require_node", lambda: ("node", "npm"))
    monkeypatch.setattr(reports, "_run", fake_run)

    reports.ensure_installed()
    reports.ensure_installed()
    assert calls == [["npm", "install", "--no-audit", "--no-fund"]]
    (tmp_path / "package-lock.json").write_text('{"changed": true}')
    reports.ensure_installed()
    reports.ensure_installed(force=True)
    assert len(calls) == 3


def test_npm_failure_shows_the_end_of_its_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(reports, "REPORTS_DIR", tmp_path)
    script = "for i in $(seq 1 100); do echo line $i; done; echo 'npm error E404 nope'; exit 1"
    with pytest.raises(reports.ReportsError) as info:
        reports._run(
            ["sh", "-c", script], what="npm install", env={"PATH": "/bin:/usr/bin"}, timeout=30
        )
    message = str(info.value)
    assert "npm install failed (exit 1" in message
    assert "npm error E404 nope" in message and "line 100" in message
    assert "line 1\n" not in message


def test_a_command_that_lingers_after_its_done_line_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reports, "REPORTS_DIR", tmp_path)
    monkeypatch.setattr(reports, "DONE_GRACE_SECONDS", 0.5)
    out = reports._run(
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
def site_server(fake_site: Path) -> Iterator[reports.SiteServer]:
    with reports.serve(fake_site, port=0) as server:
        yield server


def get(server: reports.SiteServer, path: str) -> tuple[int, dict[str, str], bytes]:
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        headers = {key.lower(): value for key, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        conn.close()


def test_serve_routes_evidence_page_urls(site_server: reports.SiteServer) -> None:
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


def test_serve_answers_404_and_lists_no_folders(site_server: reports.SiteServer) -> None:
    assert get(site_server, "/nope")[0] == 404
    assert get(site_server, "/empty-folder/")[0] == 404
    assert get(site_server, "/_app/")[0] == 404
    assert get(site_server, "/../../etc/passwd")[0] == 404


def test_serve_refuses_a_folder_without_a_build(tmp_path: Path) -> None:
    with pytest.raises(reports.ReportsError, match="no built reports site"):
        reports.serve(tmp_path, port=0)
