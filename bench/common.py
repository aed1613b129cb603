"""What every benchmark shares: a throwaway PostgreSQL, fresh databases in it, the machine's
description, progress lines on stderr and the results file."""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import psycopg2

from extract.database import ConnectionInfo, from_url
from extract.settings import project_root
from flows.env import prepare

RESULTS = Path(__file__).resolve().parent / "results"

Progress = Callable[[str], None]


class BenchError(RuntimeError):
    """The benchmark could not complete; the message says which step failed and why."""


@contextmanager
def throwaway_cluster(workdir: Path | None = None) -> Iterator[ConnectionInfo]:
    """A PostgreSQL of our own in a temporary folder (inside ``workdir`` if given), deleted
    afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="tubewarehouse-bench-", dir=workdir))
    os.environ.setdefault("XDG_RUNTIME_DIR", str(folder))
    import pgserver

    server = pgserver.get_server(folder / "pgdata", cleanup_mode="delete")
    try:
        yield from_url(server.get_uri())
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def isolate(workdir: Path) -> None:
    """Project state (dbt logs, Prefect home) under ``workdir``; telemetry off."""
    home = workdir / "home"
    home.mkdir(parents=True, exist_ok=True)
    os.environ["TUBEWAREHOUSE_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = workdir / "run"
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    prepare()


@contextmanager
def isolated_cluster(
    parent: Path | None, keep: bool = False, check: Callable[[Path], None] | None = None
) -> Iterator[tuple[ConnectionInfo, Path]]:
    """A fresh folder of our own (inside ``parent`` if given) holding the project's state
    (``isolate``) and a throwaway PostgreSQL: yields the cluster's admin connection and the
    folder, both deleted afterwards unless ``keep`` (then says how to reach and stop them).
    ``check(folder)`` runs first (free disk, say); what it raises leaves nothing behind."""
    if parent:
        parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="tubewarehouse-bench-", dir=parent))
    try:
        if check:
            check(workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    isolate(workdir)
    import pgserver

    pgdata = workdir / "pgdata"
    server = pgserver.get_server(pgdata, cleanup_mode=None if keep else "delete")
    try:
        yield from_url(server.get_uri()), workdir
    finally:
        if keep:
            print(kept_message(server.get_uri(), workdir, pgdata), file=sys.stderr)
        else:
            server.cleanup()
            shutil.rmtree(workdir, ignore_errors=True)


def kept_message(uri: str, workdir: Path, pgdata: Path) -> str:
    stop = (
        "from pathlib import Path; from extract.database import stop_embedded; "
        f"stop_embedded(Path('{pgdata}'))"
    )
    return (
        f"kept: {uri} (data and dbt logs under {workdir}); "
        f'stop it with: .venv/bin/python -c "{stop}", then delete {workdir}'
    )


def results_path(name: str, mode: str, output: Path | None) -> Path | None:
    """Where a benchmark's results go: ``output`` if given, else none for a smoke run
    (nothing worth keeping), ``results/<name>.json`` for the full sizes and
    ``results/<name>-custom.json`` for any other."""
    if output is not None or mode == "smoke":
        return output
    return RESULTS / (f"{name}.json" if mode == "full" else f"{name}-custom.json")


def publish(markdown: str, result: dict[str, Any], output: Path | None) -> None:
    """Print the benchmark's table, and write its results when ``output`` (none for smoke
    runs: nothing worth keeping)."""
    print(markdown)
    if output is not None:
        print(f"\nresults: {write_results(result, output)}")


def create_database(admin: ConnectionInfo, name: str) -> ConnectionInfo:
    """A fresh database in the throwaway cluster, sessions in UTC (as the product's)."""
    conn = psycopg2.connect(admin.url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'create database "{name}"')
            cur.execute(f"alter database \"{name}\" set timezone = 'UTC'")
    finally:
        conn.close()
    return ConnectionInfo(admin.host, admin.port, admin.user, admin.password, name)


def execute(conn_info: ConnectionInfo, sql: str) -> float:
    """Run a statement outside a transaction (VACUUM, CHECKPOINT...); returns its seconds."""
    started = time.perf_counter()
    conn = conn_info.connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()
    return time.perf_counter() - started


def query(conn_info: ConnectionInfo, sql: str, params: tuple[Any, ...] = ()) -> list[tuple]:
    conn = conn_info.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        conn.close()


def machine_facts(conn: ConnectionInfo) -> dict[str, Any]:
    """The machine and server a result was measured on."""
    settings = dict(
        query(
            conn,
            "select name, current_setting(name) from pg_settings where name in"
            " ('shared_buffers', 'work_mem', 'maintenance_work_mem', 'max_wal_size',"
            " 'effective_cache_size', 'max_parallel_workers_per_gather', 'fsync',"
            " 'synchronous_commit')",
        )
    )
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_model": _proc_value("/proc/cpuinfo", "model name") or platform.processor(),
        "ram_gib": round(_mem_total_kib() / 2**20, 1),
        "load_average": list(os.getloadavg()),
        "postgres_version": query(conn, "show server_version")[0][0],
        "postgres_settings": settings,
        "dbt_version": metadata.version("dbt-core"),
        "dbt_postgres_version": metadata.version("dbt-postgres"),
        "pgserver_version": metadata.version("pgserver"),
        "psycopg2_version": metadata.version("psycopg2-binary"),
        "python_version": platform.python_version(),
        "platform": platform.platform(),
    }


def machine_line(machine: dict[str, Any]) -> str:
    """One line for a report: what the numbers were measured on."""
    return (
        f"{machine['date'][:10]}: {machine['cpu_count']} CPUs ({machine['cpu_model']}), "
        f"{machine['ram_gib']} GiB RAM, PostgreSQL {machine['postgres_version']} (pgserver), "
        f"Python {machine['python_version']}"
    )


def _mem_total_kib() -> int:
    value = _proc_value("/proc/meminfo", "MemTotal") or "0 kB"
    return int(value.split()[0])


def _proc_value(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key:
                return value.strip()
    except OSError:
        return None
    return None


def stderr_progress() -> Progress:
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    return progress


def quiet(_: str) -> None:
    """A progress callback that says nothing (tests)."""


def non_finite(value: Any, path: str = "") -> list[str]:
    """Paths of the numbers in ``value`` that are NaN or infinite."""
    if isinstance(value, bool):
        return []
    if isinstance(value, float):
        return [] if math.isfinite(value) else [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in non_finite(v, f"{path}.{k}")]
    if isinstance(value, list | tuple):
        return [p for i, v in enumerate(value) for p in non_finite(v, f"{path}[{i}]")]
    return []


def write_results(result: dict[str, Any], output: Path) -> str:
    """Write the JSON results; returns the path to show (relative to the repository)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, default=str) + "\n")
    shown = output.resolve()
    if shown.is_relative_to(project_root()):
        shown = shown.relative_to(project_root())
    return str(shown)


def rate(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("nan")


def seconds_text(seconds: float) -> str:
    """A duration for the results tables: 1.2 s, 0.43 s."""
    return f"{seconds:,.1f} s" if seconds >= 1 else f"{seconds:.2f} s"


def require_free_disk(folder: Path, needed: float, hint: str) -> None:
    """Refuse to start a benchmark that would fill the disk; ``hint`` says what to pass."""
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise BenchError(
            f"the benchmark needs about {needed / 1e9:.0f} GB in {folder.parent}, "
            f"{free / 1e9:.0f} GB are free: {hint}"
        )
