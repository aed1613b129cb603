"""Build the Evidence reports in ``reports/`` against the warehouse.

The Evidence project reads only the ``marts`` schema. Its postgres source (``warehouse``)
commits no connection details: :func:`build` hands them to Evidence as
``EVIDENCE_SOURCE__warehouse__<option>`` environment variables, which Evidence 39 merges over
``reports/sources/warehouse/connection.yaml``. ``evidence sources`` extracts each source query
to parquet, each sorted by the key its pages look rows up by, then rewritten in row groups
sized for those lookups (``reports/scripts/size-row-groups.mjs``), so that the browser's
DuckDB-Wasm fetches a few byte ranges of a file rather than all of it. ``evidence build``
renders a static site into ``reports/build`` (every page prerendered; one page per kind of
entity, which reads the video, playlist or channel id from its address in the browser, so the
build does not grow with the warehouse), and gzip copies of its text and WebAssembly files are
written beside them. Any static server that answers byte ranges can publish it:
``flows/site_server.py`` does for ``ytw reports --serve``, the compose stack's nginx in
``deploy/nginx.conf``.

npm and Evidence run through ``flows/npm.py``: telemetry off in every process started here
(``SEND_ANONYMOUS_USAGE_STATS=no``, ``DO_NOT_TRACK=1``, and ``reports/evidence.settings.json``,
which Evidence's CLI reads instead of the environment).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
from pathlib import Path

from extract.database import ConnectionInfo, from_url
from flows import npm, precompress
from flows.npm import ReportsError

log = logging.getLogger(__name__)

SOURCE_NAME = "warehouse"
# a read-only connection for the reports, when the warehouse has one (see reader())
READER_URL_ENV = "REPORTS_DATABASE_URL"
# Written next to build/ after a successful build: hash of the project files and of the data
# `evidence sources` extracted. Same hash on the next build: the site is already up to date.
BUILD_MARKER = ".build-fingerprint"
# Rewrites the extracted parquet files in row groups sized for lookups (size_row_groups()).
ROW_GROUP_SCRIPT = Path("scripts") / "size-row-groups.mjs"
# What a build depends on besides the extracted data (paths relative to reports/).
PROJECT_INPUTS = (
    "pages",
    "partials",
    "components",
    "scripts",
    "sources",
    "evidence.config.yaml",
    "evidence.plugins.yaml",
    "package.json",
    "package-lock.json",
)


def reader(conn: ConnectionInfo) -> ConnectionInfo:
    """The connection the reports read the marts with: ``REPORTS_DATABASE_URL`` when set (a
    role that may only read ``marts``, as the compose stack gives the runner), else ``conn``."""
    url = os.environ.get(READER_URL_ENV, "").strip()
    return from_url(url) if url else conn


def source_env(conn: ConnectionInfo) -> dict[str, str]:
    """The variables through which Evidence's ``warehouse`` source gets its connection."""
    prefix = f"EVIDENCE_SOURCE__{SOURCE_NAME}__"
    return {
        prefix + "host": conn.host,
        prefix + "port": str(conn.port),
        prefix + "database": conn.dbname,
        prefix + "user": conn.user,
        prefix + "password": conn.password,
    }


def site_dir() -> Path:
    """Where ``evidence build`` writes the static site."""
    return npm.REPORTS_DIR / "build"


def _data_dir() -> Path:
    """Where ``evidence sources`` writes the extracted data (parquet per source query)."""
    return npm.REPORTS_DIR / ".evidence" / "template" / "static" / "data"


def build_fingerprint() -> str:
    """A hash of everything a build renders: the project's pages, partials, components,
    queries, settings and package files, and the data the last ``evidence sources`` extracted
    (its parquet files are byte-identical for identical query results)."""
    digest = hashlib.sha256()
    roots = [npm.REPORTS_DIR / name for name in PROJECT_INPUTS] + [_data_dir()]
    for root in roots:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            digest.update(str(path.relative_to(npm.REPORTS_DIR)).encode() + b"\0")
            digest.update(path.read_bytes() if path.is_file() else b"<missing>")
            digest.update(b"\0")
    return digest.hexdigest()


def source_queries() -> list[Path]:
    """The warehouse source queries, one parquet table each in the built site."""
    return sorted((npm.REPORTS_DIR / "sources" / SOURCE_NAME).glob("*.sql"))


def mart_tables() -> list[str]:
    """``marts.<table>`` names the source queries read, for the pre-flight check."""
    found: set[str] = set()
    for query in source_queries():
        found.update(m.lower() for m in _MART_REF.findall(query.read_text(encoding="utf-8")))
    return sorted(found)


_MART_REF = re.compile(r"\bmarts\.[A-Za-z_][A-Za-z0-9_]*", re.IGNORECASE)
# Lines `evidence sources` prints for a query or connection that failed (it still exits 0).
_SOURCE_FAILURE = re.compile(r"✖|\[ ?! ?\]|^\s*Error\b")


def check_marts(conn: ConnectionInfo) -> None:
    """Fail early, with what to do, when a mart the reports read does not exist yet.

    Evidence's postgres connector reports a missing table only as "Cannot read properties of
    undefined", so the check is done here.
    """
    tables = mart_tables()
    if not tables:
        return
    try:
        db = conn.connect()
    except RuntimeError as exc:  # extract.database.DatabaseError says how to fix the URL
        raise ReportsError(f"cannot build the reports: {exc}") from None
    try:
        with db.cursor() as cur:
            cur.execute(
                "select name, to_regclass(name) is not null"
                " and has_table_privilege(to_regclass(name), 'select')"
                " from unnest(%s::text[]) as name",
                (tables,),
            )
            readable = dict(cur.fetchall())
            cur.execute(
                "select name from unnest(%s::text[]) as name where to_regclass(name) is null",
                (tables,),
            )
            missing = [row[0] for row in cur.fetchall()]
    finally:
        db.close()
    if missing:
        raise ReportsError(
            f"cannot build the reports: {', '.join(missing)} missing in {conn.display_url}. "
            "Run the pipeline first (`make demo`, or `ytw run`) so the marts exist."
        )
    refused = [name for name, ok in readable.items() if not ok]
    if refused:
        raise ReportsError(
            f"cannot build the reports: {conn.user} may not read {', '.join(refused)} in "
            f"{conn.display_url}. Grant it SELECT on the marts (the compose stack's "
            "deploy/postgres/10-roles.sh does), or unset REPORTS_DATABASE_URL."
        )


def build(conn: ConnectionInfo, *, timeout: float = 1200, force: bool = False) -> Path:
    """Extract the source queries from ``conn`` and build the static site; return its folder.

    The steps, each a function of its own (``bench/reports.py`` times them one by one):
    :func:`check_marts`, :func:`extract_sources`, :func:`size_row_groups`, then, unless the
    site in ``build/`` was rendered from the same data and project files (e.g. ``ytw reports
    --serve`` right after the demo; ``force`` renders it anyway), :func:`render_site` and
    :func:`compress_site`. Raises ReportsError when Node is missing, a mart is missing, a
    source query fails or the site does not build.
    """
    npm.ensure_installed()
    conn = reader(conn)
    check_marts(conn)
    env = npm.base_env(source_env(conn))
    extract_sources(conn, env, timeout)
    size_row_groups(env, timeout)

    out = site_dir()
    marker = npm.REPORTS_DIR / BUILD_MARKER
    fingerprint = build_fingerprint()
    if (
        not force
        and (out / "index.html").is_file()
        and marker.is_file()
        and marker.read_text().strip() == fingerprint
    ):
        log.info("reports unchanged since the last build (same pages, same data): keeping %s", out)
        return out

    marker.unlink(missing_ok=True)
    render_site(env, timeout)
    compress_site(out)
    marker.write_text(fingerprint + "\n")
    return out


def _evidence() -> list[str]:
    _node, npm_path = npm.require_node()
    return [npm_path, "exec", "--no", "--", "evidence"]


def extract_sources(conn: ConnectionInfo, env: dict[str, str], timeout: float) -> None:
    """``evidence sources``: every source query's result as one parquet file in the data
    folder, emptied first (a query that fails or returns nothing would leave the previous
    run's file in place, and a build would show stale numbers)."""
    shutil.rmtree(_data_dir(), ignore_errors=True)
    log.info("extracting report sources from %s", conn.display_url)
    output = npm.run(
        [*_evidence(), "sources"],
        what="evidence sources",
        env=env,
        timeout=timeout,
        done_marker="Done!",
    )
    failures = [line.strip() for line in output.splitlines() if _SOURCE_FAILURE.search(line)]
    if failures:
        raise ReportsError(
            "evidence sources could not extract every source query from "
            f"{conn.display_url}:\n  " + "\n  ".join(failures) + "\nCheck the queries in "
            f"{npm.REPORTS_DIR / 'sources' / SOURCE_NAME} against the marts schema."
        )


def size_row_groups(env: dict[str, str], timeout: float) -> None:
    """Rewrite the extracted parquet files in row groups sized for lookups
    (``reports/scripts/size-row-groups.mjs``): a page showing one video fetches the footer
    and one or two row groups of each file it reads, not the whole file."""
    node, _npm = npm.require_node()
    output = npm.run(
        [node, str(ROW_GROUP_SCRIPT), str(_data_dir())],
        what="sizing the parquet row groups",
        env=env,
        timeout=timeout,
        done_marker="Done!",
    )
    for line in output.splitlines():
        if "groups" in line:
            log.debug("%s", line.strip())


def render_site(env: dict[str, str], timeout: float) -> None:
    """``evidence build:strict`` into a clean ``build/`` (evidence build copies its output over
    the old folder: no stale page may stay). Strict: a page query or component error fails
    the build instead of shipping the error box."""
    out = site_dir()
    log.info("building the reports site")
    shutil.rmtree(out, ignore_errors=True)
    npm.run([*_evidence(), "build:strict"], what="evidence build", env=env, timeout=timeout)
    if not (out / "index.html").is_file():
        raise ReportsError(
            f"evidence build reported success but {out / 'index.html'} is missing; "
            f"delete {npm.REPORTS_DIR / '.evidence'} and {out} and build again."
        )
    pages = sum(1 for _ in out.rglob("index.html"))
    log.info("reports site built in %s (%d pages)", out, pages)


def compress_site(out: Path) -> None:
    """Gzip copies of the site's text and WebAssembly files (``flows/precompress.py``), which
    ``ytw reports --serve`` and the compose stack's nginx send to browsers that accept
    them."""
    summary = precompress.write_gzip_copies(out)
    log.info("reports site compressed: %s", summary)
