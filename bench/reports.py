"""What publishing the Evidence reports costs as the warehouse grows: ``evidence sources`` and
``evidence build`` time, the site's size, and the bytes a browser fetches to open a page.

For each size (1,000 / 10,000 / 100,000 videos; ``--smoke``: 200) and for the baseline (the
per-entity pages of ``git archive d87416e reports``, at 1,000 videos), on the same machine in
the same run:

1. **A warehouse of that size**, in a database of its own. A real small warehouse is built
   once (the emulator's default world, what ``make demo`` shows, extracted once a day for 30
   days by ``extract/`` and built by ``dbt run``: every mart with at least 30 days of daily
   statistics per tracked video). Each size's database is a copy of it (``CREATE DATABASE ...
   TEMPLATE``) whose ``marts`` schema is rebuilt by scaling the real one in SQL (``insert ...
   select`` over ``generate_series``): every video is replicated with derived ids (copy 0
   keeps the real ids; copy *k* gets the first two characters of the original id and a
   base64url hash of (*k*, id), same length: an 11-character video id stays one), and so are
   its rows in every mart with a ``video_id`` (``videos``, ``video_stats``,
   ``video_daily_stats``, ``video_monthly_stats``, ``playlist_videos``, ``videos_overdue``),
   the channels and playlists (``channels``, ``channel_daily_stats``, ``playlists``,
   ``playlist_monthly``: copy *k* of a video belongs to copy *k* of its channel and
   playlists). The last copy keeps only as many videos as the size needs. View, like,
   comment and subscriber counts of copy *k* are multiplied by a factor between 0.5 and 1.5,
   titles get the copy's number, so that no two copies compress into one another in parquet.
   The charts (``trending_*``) are copied once, not scaled: a chart has its 50-odd ranks
   whatever the warehouse tracks. Reference and operations marts (``regions``,
   ``categories``, ``quota_daily``, ``refresh_runs``) are copied once. Each mart's columns
   are whatever the dbt project built (the contracts in
   ``dbt_project/models/marts/**/_*__models.yml``), so Evidence's source queries run on it
   unchanged.
2. **Publish**, with ``flows/reports.py``'s own steps (``check_marts``, ``extract_sources``,
   ``size_row_groups``, ``render_site``, ``compress_site``: telemetry off), in a copy of the
   Evidence project in a temporary folder (``reports/`` without ``node_modules``, ``build``
   and ``.evidence``, its ``node_modules`` a symlink to ``reports/node_modules``): the
   repository's ``reports/`` is never built in, and no two builds share an ``.evidence``.
   Timed: each step, and the whole publish.
3. **The site on disk**: the build folder's bytes (file sizes; and the blocks they occupy),
   files and pages, and the parquet files alone (the extracted data the site serves).
4. **What a browser fetches**: the site served by ``flows/site_server.py`` on a free port,
   headless Chromium (Playwright, Debian's chromium), each page in a fresh browser context
   (empty cache): the overview ``/``, ``/trending/``, the video with the longest history
   (most days of ``video_daily_stats``, then most viewed) and the largest playlist (most
   items). The page scheme is read from the pages folder: ``pages/videos/[video_id].md``
   means one prerendered page per entity (``/videos/<id>/``), otherwise one page per kind
   (``/videos/video/?id=<id>``). A page is done when it has rendered (``document.readyState``
   complete, no ``.animate-pulse`` skeleton left) and no request has been in flight for a
   second. Bytes transferred: every request's response headers + encoded body, from
   Playwright's ``request.sizes()`` (Chromium's ``Network.loadingFinished``
   ``encodedDataLength``, the DuckDB-Wasm worker's requests included); the JSON lists the
   largest files fetched per page.

Targets, at 100,000 videos on this 2-core machine: the whole publish ≤ 120 s, the site
≤ 150 MB, each of the four pages ≤ 10 MB transferred.

    python -m bench.reports                  # 1k / 10k / 100k + the 1k baseline
    python -m bench.reports --smoke          # 200 videos, small world, no baseline
    python -m bench.reports --sizes 1000 --no-browser

Results: a table on stdout and ``bench/results/reports.json`` (``--smoke``: none).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bench.common import (
    BenchError,
    Progress,
    create_database,
    isolated_cluster,
    machine_facts,
    machine_line,
    publish,
    query,
    results_path,
    stderr_progress,
)
from emulator import Clock, EmulatorServer, World
from extract.database import ConnectionInfo
from extract.run import run_extract
from extract.settings import Settings, project_root
from flows import npm, transform
from flows import reports as flows_reports

SIZES = (1_000, 10_000, 100_000)
SMOKE_SIZES = (200,)
BASELINE_COMMIT = "d87416e"
BASELINE_SIZE = 1_000
DAYS = 30  # the demo's month of daily captures (tests/reports/warehouse.py DEMO_DAYS)
SMOKE_DAYS = 3
START = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # the default world's as_of + 12 h
API_KEY = "bench-reports-key"
TARGETS = {"publish_seconds": 120.0, "site_bytes": 150e6, "page_bytes": 10e6}
TARGET_VIDEOS = 100_000
# Every page waits until Evidence has drawn (tests/reports/conftest.py RENDERED).
RENDERED = "document.readyState === 'complete' && !document.querySelector('.animate-pulse')"
PAGES = ("overview", "trending", "video", "playlist")

# Marts copied once, not scaled: charts have a fixed number of ranks; reference data.
UNSCALED = frozenset(
    {
        "trending_videos",
        "trending_charts_latest",
        "trending_charts_missing",
        "trending_daily",
        "trending_daily_charts",
        "trending_daily_regions",
        "trending_summary",
    }
)
# Id columns mapped per copy (video_id through the copy's video list).
MAPPED_IDS = ("channel_id", "playlist_id", "uploads_playlist_id", "playlist_item_id")
TITLES = ("title", "video_title", "channel_title", "playlist_title")
COUNT_WORDS = ("view", "like", "comment", "subscriber")
NUMERIC_TYPES = frozenset({"int2", "int4", "int8", "numeric", "float4", "float8"})
# What Evidence's build leaves in a project folder (never copied).
BUILD_STATE = ("node_modules", "build", ".evidence", ".svelte-kit", ".build-fingerprint")


# --- the base warehouse -------------------------------------------------------------------


@dataclass(frozen=True)
class BaseSpec:
    """The real warehouse every size is scaled from."""

    world: str  # "default" (World.generate(), the demo's) or "small" (World.small())
    days: int

    def make_world(self) -> World:
        return World.small() if self.world == "small" else World.generate()


def fill_base(conn: ConnectionInfo, spec: BaseSpec, target: Path, progress: Progress) -> float:
    """Extract ``spec``'s world once a day for ``spec.days`` days into ``conn`` (the emulator
    on a frozen clock, one full ``extract/`` run a capture), then ``dbt run``; its seconds."""
    started = time.perf_counter()
    world = spec.make_world()
    clock = Clock(START, frozen=True)
    with EmulatorServer(world, clock) as server:
        summary = world.summary()
        settings = Settings(
            api_key=API_KEY,
            api_url=server.url,
            channel_ids=summary["tracked_channel_ids"],
            regions=summary["region_codes"],
            timeout_seconds=60,
        )
        for day in range(spec.days):
            clock.set(START + timedelta(days=day))
            result = run_extract(settings, conn)
            if not result.ok:
                raise BenchError(f"extract on day {day + 1}: {result.failures}")
            if day % 10 == 9:
                progress(f"base warehouse: {day + 1}/{spec.days} daily captures")
    dbt = transform.invoke(["run", "--target-path", str(target), "--quiet"], conn)
    if not dbt.success:
        raise BenchError(f"dbt run on the base warehouse failed: {'; '.join(dbt.failures)}")
    return time.perf_counter() - started


# --- scaling the marts --------------------------------------------------------------------

# copy k's id for an original id: its first two characters and a base64url hash of (k, id),
# the same length (copy 0: the id itself)
_ID_FUNCTION = r"""
create function pg_temp.bench_id(k integer, id text) returns text
language sql immutable as $$
    select case when k = 0 or id is null then id else
        left(id, 2) || left(translate(encode(
            sha256(convert_to(k::text || ':' || id, 'UTF8'))
            || sha256(convert_to(id || ':' || k::text, 'UTF8')), 'base64'), E'+/=\n', '-_'),
            greatest(length(id) - 2, 0))
    end
$$
"""


def _factor(k: str) -> str:
    """SQL: copy ``k``'s multiplier of counts, 1 for copy 0, else in [0.5, 1.5)."""
    return f"(case when {k} = 0 then 1.0 else 0.5 + (({k} * 7919) % 1000) / 1000.0 end)"


def _expression(table: str, column: str, sql_type: str, type_name: str) -> str:
    """The select expression that gives copy ``m.k``'s value of ``column``."""
    value = f't."{column}"'
    if column == "video_id":
        return f'm.new_id as "{column}"'
    if column in MAPPED_IDS:
        return f'pg_temp.bench_id(m.k, {value}) as "{column}"'
    if column in TITLES and type_name == "text":
        return (
            f"case when m.k = 0 then {value} else {value} || ' ' || (m.k + 1) end as \"{column}\""
        )
    if column == "count_trending_regions":  # only copy 0 is on the (unscaled) charts
        return f'case when m.k = 0 then {value} else 0 end::{sql_type} as "{column}"'
    if (
        type_name in NUMERIC_TYPES
        and any(word in column for word in COUNT_WORDS)
        and not column.startswith(("count_", "is_"))
    ):
        return f'({value} * {_factor("m.k")})::{sql_type} as "{column}"'
    return f'{value} as "{column}"'


def scale_marts(conn: ConnectionInfo, videos: int) -> dict[str, Any]:
    """Replace ``conn``'s ``marts`` (a copy of the base warehouse's) by one scaled to
    ``videos`` videos (see the module's docstring); returns the copies and every mart's rows."""
    db = conn.connect()
    db.autocommit = True
    try:
        with db.cursor() as cur:
            cur.execute("alter schema marts rename to base_marts")
            cur.execute("create schema marts")
            cur.execute(_ID_FUNCTION)
            cur.execute(
                "select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), t.typname"
                " from pg_attribute a join pg_class c on c.oid = a.attrelid"
                " join pg_namespace n on n.oid = c.relnamespace"
                " join pg_type t on t.oid = a.atttypid"
                " where n.nspname = 'base_marts' and a.attnum > 0 and not a.attisdropped"
                " and c.relkind in ('r', 'v', 'm', 'p') order by c.relname, a.attnum"
            )
            tables: dict[str, list[tuple[str, str, str]]] = {}
            for table, column, sql_type, type_name in cur.fetchall():
                tables.setdefault(table, []).append((column, sql_type, type_name))

            def columns(table: str) -> set[str]:
                return {c for c, _, _ in tables[table]}

            by_video = [t for t in tables if t not in UNSCALED and "video_id" in columns(t)]
            by_copy = [
                t
                for t in tables
                if t not in UNSCALED
                and t not in by_video
                and columns(t) & {"channel_id", "playlist_id"}
            ]
            ids = " union ".join(
                f'select video_id from base_marts."{t}" where video_id is not null'
                for t in by_video
            )
            cur.execute(f"select count(*) from ({ids}) as ids")
            base_videos = cur.fetchone()[0]
            if base_videos == 0:
                raise BenchError("the base warehouse has no videos")
            copies = math.ceil(videos / base_videos)
            cur.execute(
                "create temporary table copies as"
                " select m.k, ids.video_id, pg_temp.bench_id(m.k, ids.video_id) as new_id"
                f" from (select video_id, row_number() over (order by video_id) - 1 as n"
                f" from ({ids}) as u) as ids"
                " cross join generate_series(0, %s) as m(k)"
                " where m.k * %s + ids.n < %s",
                (copies - 1, base_videos, videos),
            )
            cur.execute("create index on copies (video_id)")
            cur.execute("analyze copies")
            for table, cols in tables.items():
                if table in by_video:
                    source = f'base_marts."{table}" as t join copies as m using (video_id)'
                elif table in by_copy:
                    source = f'base_marts."{table}" as t cross join generate_series(0, {copies - 1}) as m(k)'  # noqa: E501
                else:
                    cur.execute(
                        f'create table marts."{table}" as select * from base_marts."{table}"'
                    )
                    continue
                select = ", ".join(_expression(table, *col) for col in cols)
                cur.execute(f'create table marts."{table}" as select {select} from {source}')
            cur.execute("drop schema base_marts cascade")
            cur.execute("analyze")
            rows = {}
            for table in sorted(tables):
                cur.execute(f'select count(*) from marts."{table}"')
                rows[table] = cur.fetchone()[0]
    finally:
        db.close()
    return {"base_videos": base_videos, "copies": copies, "mart_rows": rows}


def copy_database(admin: ConnectionInfo, template: str, name: str) -> ConnectionInfo:
    """A new database ``name``, a copy of ``template`` (no one may be connected to it)."""
    db = admin.connect()
    db.autocommit = True
    try:
        with db.cursor() as cur:
            cur.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity"
                " where datname = %s and pid <> pg_backend_pid()",
                (template,),
            )
            cur.execute(f'create database "{name}" template "{template}"')
    finally:
        db.close()
    return ConnectionInfo(admin.host, admin.port, admin.user, admin.password, name)


# --- the Evidence project copies ----------------------------------------------------------


def copy_project(source: Path, dest: Path) -> Path:
    """``source`` (an Evidence project) copied to ``dest`` without its build state, with
    ``node_modules`` a symlink to the repository's installed one."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(*BUILD_STATE), symlinks=True)
    _link_node_modules(dest)
    return dest


def _link_node_modules(project: Path) -> None:
    """``project``'s ``node_modules``: the repository's, installed first if a fresh clone has
    none yet (``flows.npm.ensure_installed``, from the lock)."""
    npm.ensure_installed()
    (project / "node_modules").symlink_to(npm.REPORTS_DIR.resolve() / "node_modules")


def archive_project(commit: str, dest: Path) -> Path:
    """``reports/`` as of ``commit`` (``git archive``), build state aside, in ``dest``."""
    dest.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "reports"],
        cwd=project_root(),
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise BenchError(f"git archive {commit} reports: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    project = dest / "reports"
    for name in BUILD_STATE:
        path = project / name
        if path.is_dir():
            shutil.rmtree(path)
    _link_node_modules(project)
    return project


def page_scheme(project: Path) -> str:
    """``per-entity`` (one prerendered page per video, playlist, channel) or ``per-kind``."""
    return (
        "per-entity" if (project / "pages" / "videos" / "[video_id].md").is_file() else "per-kind"
    )


@contextmanager
def building_in(project: Path) -> Iterator[None]:
    """``flows.npm`` and ``flows.reports`` pointed at ``project`` instead of ``reports/``."""
    before = npm.REPORTS_DIR
    npm.REPORTS_DIR = project
    try:
        yield
    finally:
        npm.REPORTS_DIR = before


def publish_site(project: Path, conn: ConnectionInfo, timeout: float) -> dict[str, Any]:
    """``flows.reports.build``'s steps in ``project``, each timed: the marts check,
    ``evidence sources``, the row groups (when the project has the script), ``evidence
    build:strict`` and the gzip copies."""
    with building_in(project):
        env = npm.base_env(flows_reports.source_env(conn))
        started = time.perf_counter()
        flows_reports.check_marts(conn)
        step = time.perf_counter()
        flows_reports.extract_sources(conn, env, timeout)
        sources = time.perf_counter() - step
        extracted = parquet_bytes(project / ".evidence" / "template" / "static" / "data")
        step = time.perf_counter()
        if (project / flows_reports.ROW_GROUP_SCRIPT).is_file():
            flows_reports.size_row_groups(env, timeout)
        row_groups = time.perf_counter() - step
        step = time.perf_counter()
        flows_reports.render_site(env, timeout)
        build = time.perf_counter() - step
        step = time.perf_counter()
        flows_reports.compress_site(project / "build")
        compress = time.perf_counter() - step
        total = time.perf_counter() - started
    return {
        "sources_seconds": sources,
        "row_groups_seconds": row_groups,
        "build_seconds": build,
        "compress_seconds": compress,
        "publish_seconds": total,
        "extracted_parquet": extracted,
    }


def parquet_bytes(folder: Path) -> dict[str, Any]:
    files = sorted(folder.rglob("*.parquet")) if folder.is_dir() else []
    sizes = {str(p.relative_to(folder)): p.stat().st_size for p in files}
    largest = sorted(sizes.items(), key=lambda item: -item[1])[:8]
    return {
        "bytes": sum(sizes.values()),
        "files": len(sizes),
        "largest": [{"file": name, "bytes": size} for name, size in largest],
    }


def site_facts(site: Path) -> dict[str, Any]:
    """The built site on disk: bytes, blocks, files, pages, parquet."""
    files = [p for p in site.rglob("*") if p.is_file()]
    stats = [p.stat() for p in files]
    return {
        "bytes": sum(s.st_size for s in stats),
        "allocated_bytes": sum(s.st_blocks * 512 for s in stats),
        "files": len(files),
        "html_pages": sum(1 for p in files if p.name == "index.html"),
        "parquet": parquet_bytes(site),
    }


# --- the browser --------------------------------------------------------------------------


def page_paths(conn: ConnectionInfo, scheme: str) -> dict[str, dict[str, str]]:
    """The four pages: path, and the entity a video or playlist page shows."""
    video_id, video_title = query(
        conn,
        "select d.video_id, v.title from marts.video_daily_stats d"
        " join marts.videos v using (video_id) group by d.video_id, v.title, v.view_count"
        " order by count(*) desc, v.view_count desc nulls last, d.video_id limit 1",
    )[0]
    playlist_id, playlist_title = query(
        conn,
        "select p.playlist_id, p.title from marts.playlists p"
        " left join marts.playlist_videos i using (playlist_id)"
        " group by p.playlist_id, p.title order by count(i.playlist_id) desc, p.playlist_id"
        " limit 1",
    )[0]
    per_entity = scheme == "per-entity"
    return {
        "overview": {"path": "/"},
        "trending": {"path": "/trending/"},
        "video": {
            "path": f"/videos/{video_id}/" if per_entity else f"/videos/video/?id={video_id}",
            "id": video_id,
            "title": video_title or "",
        },
        "playlist": {
            "path": f"/playlists/{playlist_id}/"
            if per_entity
            else f"/playlists/playlist/?id={playlist_id}",
            "id": playlist_id,
            "title": playlist_title or "",
        },
    }


def serve_site(site: Path, scheme: str) -> Any:
    """``flows/site_server.py`` serving ``site`` on a free port. For a per-entity site, a
    page that exists on disk is served as it is, not redirected to the per-kind address
    (``legacy_location``, when the server has it: it would send ``/videos/<id>/`` of an old
    build to a ``/videos/video/`` that build does not have)."""
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler

    from flows import site_server

    handler = getattr(site_server, "_SiteHandler", None)
    if scheme != "per-entity" or handler is None or "do_GET" not in vars(handler):
        return site_server.serve(site, port=0)

    class ExistingPagesFirst(handler):  # type: ignore[misc,valid-type]
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            if Path(self.translate_path(self.path)).exists():
                SimpleHTTPRequestHandler.do_GET(self)
            else:
                super().do_GET()

    server = site_server.SiteServer(
        ("127.0.0.1", 0), partial(ExistingPagesFirst, directory=str(site))
    )
    server.thread = threading.Thread(target=server.serve_forever, daemon=True)
    server.thread.start()
    return server


def measure_pages(
    site: Path, pages: dict[str, dict[str, str]], scheme: str, timeout: float = 180
) -> dict[str, Any]:
    """Open each page in a fresh context of one headless Chromium; what it fetched."""
    from tests.browser import Tab, chromium

    measured: dict[str, Any] = {}
    with serve_site(site, scheme) as server, chromium() as browser:
        base = server.url.rstrip("/")
        for name, page in pages.items():
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            try:
                tab = Tab(context.new_page())
                finished: list[Any] = []
                tab.page.on("requestfinished", _collector(finished))
                started = time.perf_counter()
                tab.goto(base + page["path"], ready=RENDERED, timeout=timeout)
                seconds = time.perf_counter() - started
                text = tab.evaluate("document.body.innerText")
                measured[name] = {
                    **page,
                    "render_seconds": seconds,
                    **transferred(finished, base, site),
                    "shows_entity": not page.get("title") or page["title"] in text,
                    "problems": tab.log.problems(),
                }
            finally:
                context.close()
    return measured


def _collector(into: list[Any]) -> Any:
    """A Playwright event handler appending to ``into``."""

    def collect(request: Any) -> None:
        into.append(request)

    return collect


def transferred(finished: Sequence[Any], base: str, site: Path | None = None) -> dict[str, Any]:
    """Bytes on the wire (response headers + encoded body) of ``finished`` requests, in all
    and per file (a file fetched in byte ranges counts once, with all its ranges); and what
    they would have been had the server gzipped each file it sent whole and uncompressed
    (level 6; headers as they were): an estimate for a site without gzip copies, such as
    the baseline's before ``flows/precompress.py``."""
    per_file: dict[str, dict[str, Any]] = {}
    total = body = 0
    for request in finished:
        try:
            sizes = request.sizes()
        except Exception:  # noqa: BLE001 - a request the page cancelled has no sizes
            continue
        wire = sizes["responseHeadersSize"] + sizes["responseBodySize"]
        total += wire
        body += sizes["responseBodySize"]
        url = request.url.removeprefix(base).split("?")[0]
        entry = per_file.setdefault(url, {"file": url, "bytes": 0, "requests": 0})
        entry["bytes"] += wire
        entry["requests"] += 1
    largest = sorted(per_file.values(), key=lambda e: -e["bytes"])[:10]
    gzipped = total
    for entry in per_file.values():
        saved = _gzip_saving(site, entry) if site is not None else 0
        gzipped -= saved
    return {
        "gzip_estimate_bytes": gzipped,
        "transferred_bytes": total,
        "body_bytes": body,
        "requests": len(finished),
        "files": len(per_file),
        "parquet_bytes": sum(e["bytes"] for e in per_file.values() if ".parquet" in e["file"]),
        "largest": largest,
    }


def _gzip_saving(site: Path, entry: dict[str, Any]) -> int:
    """Bytes gzip would have saved on ``entry``'s file, if it was fetched whole."""
    path = site / unquote(entry["file"]).lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    if not path.is_file() or entry["requests"] != 1:
        return 0
    data = path.read_bytes()
    if entry["bytes"] < len(data):  # a byte range: not the whole file
        return 0
    return max(0, len(data) - len(gzip.compress(data, compresslevel=6)))


# --- the benchmark ------------------------------------------------------------------------


@dataclass(frozen=True)
class Build:
    label: str
    videos: int
    project: str  # "working tree" or a commit
    baseline: bool = False


def run_benchmark(
    admin: ConnectionInfo,
    workdir: Path,
    sizes: Sequence[int],
    base: BaseSpec,
    progress: Progress,
    *,
    baseline: str | None = BASELINE_COMMIT,
    baseline_size: int = BASELINE_SIZE,
    project: str = "working tree",
    browser: bool = True,
    timeout: float = 3600,
) -> dict[str, Any]:
    started = time.perf_counter()
    base_db = f"reports_base_{uuid.uuid4().hex[:8]}"
    base_conn = create_database(admin, base_db)
    progress(f"base warehouse: {base.world} world, {base.days} daily captures")
    fill_seconds = fill_base(base_conn, base, workdir / "dbt-target", progress)
    base_rows = {
        table: query(base_conn, f'select count(*) from marts."{table}"')[0][0]
        for (table,) in query(
            base_conn,
            "select table_name from information_schema.tables where table_schema = 'marts'"
            " and table_type = 'BASE TABLE' order by 1",
        )
    }
    progress(f"base warehouse built in {fill_seconds:.0f} s: {base_rows.get('videos')} videos")
    builds = [Build(f"{size:,} videos", size, project) for size in sizes]
    if baseline:
        builds.insert(
            0, Build(f"{baseline_size:,} videos, {baseline}", baseline_size, baseline, True)
        )
    databases: dict[int, tuple[ConnectionInfo, dict[str, Any]]] = {}
    runs = []
    for build in builds:
        if build.videos not in databases:
            progress(f"scaling the marts to {build.videos:,} videos")
            step = time.perf_counter()
            conn = copy_database(admin, base_db, f"{base_db}_{build.videos}")
            scaled = scale_marts(conn, build.videos)
            scaled["generate_seconds"] = time.perf_counter() - step
            databases[build.videos] = conn, scaled
            progress(f"  {scaled['mart_rows']} in {scaled['generate_seconds']:.0f} s")
        conn, scaled = databases[build.videos]
        folder = workdir / f"project-{len(runs)}"
        if build.project == "working tree":
            project = copy_project(npm.REPORTS_DIR, folder / "reports")
        else:
            project = archive_project(build.project, folder)
        scheme = page_scheme(project)
        progress(f"{build.label} ({scheme} pages): evidence sources + build")
        load_before = list(os.getloadavg())
        published = publish_site(project, conn, timeout)
        published["load_average"] = {"before": load_before, "after": list(os.getloadavg())}
        progress(
            f"  sources {published['sources_seconds']:.0f} s, build "
            f"{published['build_seconds']:.0f} s"
        )
        site = project / "build"
        run: dict[str, Any] = {
            "label": build.label,
            "project": build.project,
            "baseline": build.baseline,
            "scheme": scheme,
            "videos": scaled["mart_rows"].get("videos", 0),
            "target_videos": build.videos,
            "warehouse": scaled,
            **published,
            "site": site_facts(site),
        }
        if browser:
            progress("  opening the pages in Chromium")
            try:
                run["pages"] = measure_pages(site, page_paths(conn, scheme), scheme)
            except Exception as exc:  # noqa: BLE001 - keep the build's numbers, say why
                run["pages_error"] = f"{type(exc).__name__}: {exc}"
                progress(f"  the pages could not be measured: {run['pages_error']}")
        runs.append(run)
        shutil.rmtree(folder, ignore_errors=True)
    result = {
        "benchmark": "reports",
        "parameters": {
            "sizes": list(sizes),
            "baseline": baseline,
            "baseline_size": baseline_size if baseline else None,
            "base_world": base.world,
            "days": base.days,
            "project": project,
            "browser": browser,
            "transferred": "Playwright request.sizes(): responseHeadersSize + responseBodySize",
        },
        "base": {"fill_seconds": fill_seconds, "mart_rows": base_rows},
        "runs": runs,
        "targets": TARGETS,
        "target_videos": TARGET_VIDEOS,
        "meets": meets(runs),
        "total_seconds": time.perf_counter() - started,
        "machine": machine_facts(admin),
    }
    return result


def meets(runs: Sequence[dict[str, Any]]) -> dict[str, bool] | None:
    """The targets, checked on the measured pages' build at 100,000 videos (none if absent)."""
    run = next(
        (r for r in runs if not r["baseline"] and r["target_videos"] == TARGET_VIDEOS),
        None,
    )
    if run is None:
        return None
    found = {
        "publish_seconds": run["publish_seconds"] <= TARGETS["publish_seconds"],
        "site_bytes": run["site"]["bytes"] <= TARGETS["site_bytes"],
    }
    if "pages" in run:
        found["page_bytes"] = all(
            p["transferred_bytes"] <= TARGETS["page_bytes"] for p in run["pages"].values()
        )
    return found


def _mb(count: float) -> str:
    return f"{count / 1e6:,.1f} MB" if count >= 1e5 else f"{count / 1e3:,.0f} kB"


def render_markdown(result: dict[str, Any]) -> str:
    """The results table: each run's publish by step, site, and what each page transferred (in
    brackets: of which parquet)."""
    lines = [
        "| pages | videos | `evidence sources` | row groups | `evidence build` | gzip copies "
        "| publish | site (files) | parquet | `/` | `/trending/` | a video | a playlist |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def seconds(run: dict[str, Any], step: str) -> str:
        return f"{run[step]:.1f} s" if step in run else "–"

    for run in result["runs"]:
        pages = run.get("pages", {})
        project = "working tree" if run["project"] == "working tree" else f"`{run['project']}`"
        lines.append(
            f"| {project}, {run['scheme']} | {run['videos']:,} "
            f"| {seconds(run, 'sources_seconds')} | {seconds(run, 'row_groups_seconds')} "
            f"| {seconds(run, 'build_seconds')} | {seconds(run, 'compress_seconds')} "
            f"| **{run['publish_seconds']:.1f} s** "
            f"| {_mb(run['site']['bytes'])} ({run['site']['files']:,}) "
            f"| {_mb(run['site']['parquet']['bytes'])} | "
            + " | ".join(
                f"{_mb(pages[name]['transferred_bytes'])} ({_mb(pages[name]['parquet_bytes'])})"
                if name in pages
                else "–"
                for name in PAGES
            )
            + " |"
        )
    lines += ["", machine_line(result["machine"])]
    checked = result.get("meets")
    if checked:
        lines.append(
            f"targets at {result['target_videos']:,} videos: "
            + ", ".join(f"{k} {'✔' if v else '✘'}" for k, v in checked.items())
        )
    return "\n".join(lines)


def table_rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Rows of ``python -m bench``'s combined table: (label, measure, result, target)."""
    measured = [r for r in result["runs"] if not r["baseline"]]
    baselines = [r for r in result["runs"] if r["baseline"]]
    checked = result.get("meets") or {}
    largest = f"at {result['target_videos']:,}: "

    def ok(key: str) -> str:
        if key not in checked:
            return "not measured"
        return "✔" if checked[key] else "✘ **missed**"

    def heaviest(run: dict[str, Any]) -> str:
        pages = run.get("pages")
        return _mb(max(p["transferred_bytes"] for p in pages.values())) if pages else "–"

    rows: list[tuple[str, str, str, str]] = []
    if measured:
        sizes = " / ".join(f"{r['videos']:,}" for r in measured)
        scheme = measured[0]["scheme"]
        rows += [
            (
                "reports",
                f"publish (every step), {scheme} pages, {sizes} videos",
                " / ".join(f"{r['publish_seconds']:.0f} s" for r in measured),
                f"≤ {TARGETS['publish_seconds']:.0f} s {largest}{ok('publish_seconds')}",
            ),
            (
                "",
                "site on disk (of which parquet)",
                " / ".join(
                    f"{_mb(r['site']['bytes'])} ({_mb(r['site']['parquet']['bytes'])})"
                    for r in measured
                ),
                f"≤ {TARGETS['site_bytes'] / 1e6:.0f} MB {largest}{ok('site_bytes')}",
            ),
            (
                "",
                "the heaviest of `/`, `/trending/`, a video, a playlist: bytes transferred",
                " / ".join(heaviest(r) for r in measured),
                f"≤ {TARGETS['page_bytes'] / 1e6:.0f} MB each {largest}{ok('page_bytes')}",
            ),
        ]
    for run in baselines:
        rows.append(
            (
                "" if rows else "reports",
                f"baseline `{run['project']}` ({run['scheme']} pages), {run['videos']:,} videos: "
                "publish; site; heaviest page",
                f"{run['publish_seconds']:.0f} s; {_mb(run['site']['bytes'])}; {heaviest(run)}",
                "",
            )
        )
    return rows


def earlier_baseline(path: Path) -> list[dict[str, Any]]:
    """The baseline's runs of an earlier results file, each saying when and on what load it
    was measured (``measured_earlier``)."""
    earlier = json.loads(path.read_text())
    runs = [r for r in earlier["runs"] if r["baseline"]]
    if not runs:
        raise SystemExit(f"{path} holds no baseline run")
    machine = earlier["machine"]
    for run in runs:
        run["measured_earlier"] = {
            "date": machine["date"],
            "load_average": machine["load_average"],
            "base": earlier["base"],
        }
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.reports",
        description=__doc__.split("\n\n", 1)[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--smoke", action="store_true", help="200 videos, small world, 3 days")
    parser.add_argument(
        "--sizes", type=int, nargs="*", help=f"videos (default {SIZES}; none: the baseline only)"
    )
    parser.add_argument("--days", type=int, help=f"daily captures of the base (default {DAYS})")
    parser.add_argument(
        "--baseline", default=BASELINE_COMMIT, help="commit of the per-entity pages"
    )
    parser.add_argument("--baseline-size", type=int, default=BASELINE_SIZE)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--baseline-from",
        type=Path,
        help="take the baseline's runs from this earlier results file instead of building it",
    )
    parser.add_argument(
        "--project",
        default="working tree",
        help="a commit whose reports/ the sizes build (default: the working tree's)",
    )
    parser.add_argument("--no-browser", action="store_true", help="build only")
    parser.add_argument("--timeout", type=float, default=3600, help="per Evidence step")
    parser.add_argument("--workdir", type=Path, help="temporary folder's parent")
    parser.add_argument("--output", type=Path, help="results JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    sizes = tuple(args.sizes if args.sizes is not None else SMOKE_SIZES if args.smoke else SIZES)
    base = BaseSpec(
        "small" if args.smoke else "default", args.days or (SMOKE_DAYS if args.smoke else DAYS)
    )
    earlier = earlier_baseline(args.baseline_from) if args.baseline_from else []
    baseline = None if args.no_baseline or args.smoke or earlier else args.baseline
    has_baseline = bool(baseline or earlier)
    mode = "smoke" if args.smoke else ("full" if sizes == SIZES and has_baseline else "custom")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    try:
        with isolated_cluster(args.workdir) as (admin, workdir):
            result = run_benchmark(
                admin,
                workdir,
                sizes,
                base,
                stderr_progress(),
                baseline=baseline,
                baseline_size=args.baseline_size,
                project=args.project,
                browser=not args.no_browser,
                timeout=args.timeout,
            )
    except (BenchError, npm.ReportsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if earlier:
        result["runs"] = earlier + result["runs"]
        result["parameters"]["baseline"] = earlier[0]["project"]
        result["parameters"]["baseline_size"] = earlier[0]["target_videos"]
        result["parameters"]["baseline_from"] = str(args.baseline_from)
    publish(render_markdown(result), result, results_path("reports", mode, args.output))
    if args.strict and result["meets"] and not all(result["meets"].values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
