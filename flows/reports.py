"""Build and serve the Evidence reports in ``reports/`` against the warehouse.

The Evidence project reads only the ``marts`` schema. Its postgres source (``warehouse``)
commits no connection details: :func:`build` hands them to Evidence as
``EVIDENCE_SOURCE__warehouse__<option>`` environment variables, which Evidence 39 merges over
``reports/sources/warehouse/connection.yaml``. ``evidence sources`` extracts each source query
to parquet, ``evidence build`` renders a static site into ``reports/build`` (every page
prerendered, one per video, playlist and channel included, so any static server can publish
it); :func:`serve` publishes that folder with the standard library's HTTP server, by default
on :data:`DEFAULT_URL`.

Telemetry stays off in every process started here: ``SEND_ANONYMOUS_USAGE_STATS=no``,
``DO_NOT_TRACK=1`` (and ``reports/evidence.settings.json``, which Evidence's CLI reads instead
of the environment).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from extract.database import ConnectionInfo, from_url
from flows import children
from flows.env import TELEMETRY_OFF

log = logging.getLogger("flows.reports")

REPO_ROOT = Path(__file__).resolve().parents[1]
REPORTS_DIR = REPO_ROOT / "reports"
SOURCE_NAME = "warehouse"
# a read-only connection for the reports, when the warehouse has one (see reader())
READER_URL_ENV = "REPORTS_DATABASE_URL"
# Written into node_modules after a successful install: hash of package.json + lockfile.
INSTALL_MARKER = ".tubewarehouse-install"
# Written next to build/ after a successful build: hash of the project files and of the data
# `evidence sources` extracted. Same hash on the next build: the site is already up to date.
BUILD_MARKER = ".build-fingerprint"
# What a build depends on besides the extracted data (paths relative to reports/).
PROJECT_INPUTS = (
    "pages",
    "partials",
    "components",
    "sources",
    "evidence.config.yaml",
    "evidence.plugins.yaml",
    "package.json",
    "package-lock.json",
)
TAIL_LINES = 40
# How long `evidence sources` may linger after printing its final line (see _run).
DONE_GRACE_SECONDS = 15
# Where `ytw reports --serve` (and serve()) publish the site unless told otherwise.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000
DEFAULT_URL = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}/"

# npm's own phone-home switches; the project-wide telemetry settings come from flows.env.
NPM_QUIET = {
    "NPM_CONFIG_UPDATE_NOTIFIER": "false",
    "NPM_CONFIG_FUND": "false",
    "NPM_CONFIG_AUDIT": "false",
}

NODE_HELP = (
    "Install Node.js 20 LTS with npm (Debian/Ubuntu: `apt-get install nodejs npm`; "
    "elsewhere see https://nodejs.org/en/download) and make sure `node` and `npm` are on PATH."
)


class ReportsError(RuntimeError):
    """Building or serving the reports failed; the message says what to do."""


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


def _base_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Stale connection options from the caller's shell must not override ours.
        if not key.startswith("EVIDENCE_SOURCE__")
    }
    env.update(TELEMETRY_OFF)
    env.update(NPM_QUIET)
    if extra:
        env.update(extra)
    return env


def _require_node() -> tuple[str, str]:
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        missing = " and ".join(name for name, path in (("node", node), ("npm", npm)) if not path)
        raise ReportsError(f"cannot build the reports: {missing} not found. {NODE_HELP}")
    try:
        version = subprocess.run(
            [node, "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        raise ReportsError(f"cannot run `{node} --version` ({exc}). {NODE_HELP}") from None
    major = version.lstrip("v").split(".", 1)[0]
    if not major.isdigit() or int(major) < 18:
        raise ReportsError(f"Node {version} is too old for Evidence 39. {NODE_HELP}")
    return node, npm


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_STACK_FRAME = re.compile(r"^\s+at ")


def _tail(lines: Sequence[str], count: int = TAIL_LINES) -> str:
    """The last lines of a command's output, without colour codes and JavaScript stack frames."""
    kept = (_ANSI.sub("", line) for line in lines if not _STACK_FRAME.match(line))
    return "\n".join(deque(kept, maxlen=count))


def _stop(proc: subprocess.Popen[str]) -> None:
    """End the process group started for ``proc`` (npm -> sh -> node): only our own children."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def _run(
    args: Sequence[str],
    *,
    what: str,
    env: Mapping[str, str],
    timeout: float,
    done_marker: str | None = None,
) -> str:
    """Run one command in ``reports/`` and return its output (stdout and stderr).

    Raises ReportsError with the output's tail when it fails or outlives ``timeout``. With
    ``done_marker``, a process that printed the marker but does not exit within
    ``DONE_GRACE_SECONDS`` is stopped and counted as finished: ``evidence sources`` keeps a
    database connection open after a failed query and would otherwise never exit.
    """
    started = time.monotonic()
    log.debug("running %s", " ".join(args))
    lines: list[str] = []
    marker_seen = threading.Event()
    try:
        # Under the guard, leading a process group of its own: _stop reaches npm's children,
        # and none of them outlives this process, even killed with SIGKILL.
        proc = children.start(
            list(args),
            cwd=REPORTS_DIR,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as exc:
        raise ReportsError(f"{what} could not start ({exc}). {NODE_HELP}") from None

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            lines.append(line)
            log.debug("%s | %s", what, line)
            if done_marker and done_marker in line:
                marker_seen.set()

    reader = threading.Thread(target=read, name=f"{what} output", daemon=True)
    reader.start()
    deadline = started + timeout
    command = f"`{' '.join(args)}` in {REPORTS_DIR}"
    try:
        while proc.poll() is None:
            if time.monotonic() > deadline:
                _stop(proc)
                reader.join(timeout=5)
                raise ReportsError(
                    f"{what} did not finish within {timeout:.0f} s ({command}). "
                    f"Last lines of its output:\n{_tail(lines)}"
                )
            if marker_seen.wait(timeout=0.2):
                try:
                    proc.wait(timeout=DONE_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    log.debug("%s printed %r but did not exit: stopping it", what, done_marker)
                    _stop(proc)
                break
    except BaseException:
        if proc.poll() is None:
            _stop(proc)
        raise
    reader.join(timeout=10)
    elapsed = time.monotonic() - started
    if proc.returncode != 0 and not marker_seen.is_set():
        raise ReportsError(
            f"{what} failed (exit {proc.returncode}, {command}). "
            f"Last lines of its output:\n{_tail(lines)}"
        )
    log.info("%s done in %.1f s", what, elapsed)
    return "\n".join(lines)


def _install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        path = REPORTS_DIR / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def ensure_installed(force: bool = False) -> None:
    """Install the Evidence toolchain unless ``node_modules`` matches the package files.

    A marker inside ``node_modules`` records a hash of ``package.json`` and
    ``package-lock.json`` after each successful install; a changed hash reinstalls.
    Uses ``npm ci``: exactly what ``package-lock.json`` records (every platform's optional
    packages included), failing instead of resolving anything anew when the lock and
    ``package.json`` disagree (``make lock`` refreshes both locks).
    """
    _node, npm = _require_node()
    marker = REPORTS_DIR / "node_modules" / INSTALL_MARKER
    if not force and marker.is_file() and marker.read_text().strip() == _install_fingerprint():
        log.debug("reports dependencies are up to date")
        return
    log.info(
        "installing the reports' Node dependencies in %s (first run: about a minute)", REPORTS_DIR
    )
    _run(
        [npm, "ci", "--no-audit", "--no-fund"],
        what="npm ci for the reports",
        env=_base_env(),
        timeout=1800,
    )
    marker.write_text(_install_fingerprint() + "\n")


def site_dir() -> Path:
    """Where ``evidence build`` writes the static site."""
    return REPORTS_DIR / "build"


def _data_dir() -> Path:
    """Where ``evidence sources`` writes the extracted data (parquet per source query)."""
    return REPORTS_DIR / ".evidence" / "template" / "static" / "data"


def build_fingerprint() -> str:
    """A hash of everything a build renders: the project's pages, partials, components,
    queries, settings and package files, and the data the last ``evidence sources`` extracted
    (its parquet files are byte-identical for identical query results)."""
    digest = hashlib.sha256()
    roots = [REPORTS_DIR / name for name in PROJECT_INPUTS] + [_data_dir()]
    for root in roots:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            digest.update(str(path.relative_to(REPORTS_DIR)).encode() + b"\0")
            digest.update(path.read_bytes() if path.is_file() else b"<missing>")
            digest.update(b"\0")
    return digest.hexdigest()


def source_queries() -> list[Path]:
    """The warehouse source queries, one parquet table each in the built site."""
    return sorted((REPORTS_DIR / "sources" / SOURCE_NAME).glob("*.sql"))


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

    When the extracted data and the project's files are those of the site already in
    ``build/`` (e.g. ``ytw reports --serve`` right after the demo), the site is kept as it is
    rather than rendered again (minutes for a big warehouse); ``force`` renders it anyway.
    Raises ReportsError when Node is missing, a mart is missing, a source query fails or the
    site does not build.
    """
    _node, npm = _require_node()
    ensure_installed()
    conn = reader(conn)
    check_marts(conn)
    env = _base_env(source_env(conn))
    evidence = [npm, "exec", "--no", "--", "evidence"]

    # A query that fails or returns nothing leaves the previous run's parquet in place:
    # start from an empty data folder so a build never shows stale numbers.
    shutil.rmtree(_data_dir(), ignore_errors=True)
    log.info("extracting report sources from %s", conn.display_url)
    output = _run(
        [*evidence, "sources"],
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
            f"{REPORTS_DIR / 'sources' / SOURCE_NAME} against the marts schema."
        )

    out = site_dir()
    marker = REPORTS_DIR / BUILD_MARKER
    fingerprint = build_fingerprint()
    if (
        not force
        and (out / "index.html").is_file()
        and marker.is_file()
        and marker.read_text().strip() == fingerprint
    ):
        log.info("reports unchanged since the last build (same pages, same data): keeping %s", out)
        return out

    log.info("building the reports site")
    # evidence build copies its output over the old folder: start clean so no stale pages stay.
    marker.unlink(missing_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    # build:strict fails on a page query or component error instead of shipping the error box.
    _run([*evidence, "build:strict"], what="evidence build", env=env, timeout=timeout)
    if not (out / "index.html").is_file():
        raise ReportsError(
            f"evidence build reported success but {out / 'index.html'} is missing; "
            f"delete {REPORTS_DIR / '.evidence'} and {out} and build again."
        )
    marker.write_text(fingerprint + "\n")
    pages = sum(1 for _ in out.rglob("index.html"))
    log.info("reports site built in %s (%d pages)", out, pages)
    return out


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
            "(`flows.reports.build`, or the pipeline)."
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
