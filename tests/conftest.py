"""Shared fixtures: a throwaway PostgreSQL cluster (real server, pgserver wheel), one fresh
database per test, and the YouTube API emulator with a frozen clock.

Everything the tests start lives under pytest's temporary folder: the repository's own
``.tubewarehouse`` state (the demo's embedded database) is never touched.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
import pytest

from emulator import Clock, EmulatorServer, World
from extract.database import PIPELINE_LOCK_KEY, ConnectionInfo, from_url
from extract.settings import Settings
from flows.env import prepare

EMULATOR_START = datetime(2026, 11, 2, 12, 0, 0, tzinfo=UTC)
# Real API answers recorded by other projects (source and licences in its README).
SAMPLES = Path(__file__).resolve().parent / "fixtures" / "youtube_api_samples"


def pytest_configure(config: pytest.Config) -> None:
    """Runs before any test module is collected, so before anything imports prefect or dbt
    (both read their settings at import)."""
    isolate_environment()


def isolate_environment() -> None:
    """This process's environment for tests: project state and Prefect home in a new
    temporary folder, no ``DATABASE_URL``, the project's settings (telemetry off...) on top.
    Processes the tests start inherit it."""
    os.environ["TUBEWAREHOUSE_HOME"] = tempfile.mkdtemp(prefix="tubewarehouse-test-")
    os.environ.pop("DATABASE_URL", None)
    runtime = Path(os.environ["TUBEWAREHOUSE_HOME"]) / "run"
    runtime.mkdir(mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))  # pgserver's socket fallback dir
    # Prefect's temporary server logs its shutdown after pytest has closed its streams.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    prepare()


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConnectionInfo]:
    """A real PostgreSQL server for the whole session, deleted at the end."""
    import pgserver

    pgdata = tmp_path_factory.mktemp("pg")
    server = pgserver.get_server(pgdata, cleanup_mode="delete")
    yield from_url(server.get_uri())
    server.cleanup()


def create_database(admin: ConnectionInfo, name: str) -> ConnectionInfo:
    conn = psycopg2.connect(admin.url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'create database "{name}"')
        cur.execute(f"alter database \"{name}\" set timezone = 'UTC'")
    conn.close()
    return ConnectionInfo(admin.host, admin.port, admin.user, admin.password, name)


@pytest.fixture
def warehouse(pg_cluster: ConnectionInfo) -> ConnectionInfo:
    """An empty database of its own for one test."""
    return create_database(pg_cluster, f"test_{uuid.uuid4().hex[:10]}")


@pytest.fixture(scope="module")
def module_warehouse(pg_cluster: ConnectionInfo) -> ConnectionInfo:
    """An empty database shared by the tests of one module (for expensive set-ups)."""
    return create_database(pg_cluster, f"test_{uuid.uuid4().hex[:10]}")


@pytest.fixture(scope="session")
def world() -> World:
    """The default emulator world (what `make demo` shows)."""
    return World.generate()


@pytest.fixture
def emulator(world: World) -> Iterator[EmulatorServer]:
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True)) as server:
        yield server


def settings_for(server: EmulatorServer, **overrides: object) -> Settings:
    summary = server.world.summary()
    values: dict[str, object] = {
        "api_key": "test-key",
        "api_url": server.url,
        "channel_ids": summary["tracked_channel_ids"],
        "regions": summary["region_codes"],
        "timeout_seconds": 10.0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def env_for(server: EmulatorServer, warehouse: ConnectionInfo, **overrides: str) -> dict[str, str]:
    """The environment a ``ytw`` process (or the flow) needs to run against ``server`` and
    ``warehouse``; ``overrides`` replace variables (e.g. ``YOUTUBE_CHANNEL_IDS``)."""
    settings = settings_for(server)
    return {
        "DATABASE_URL": warehouse.url,
        "YOUTUBE_API_URL": server.url,
        "YOUTUBE_API_KEY": settings.api_key,
        "YOUTUBE_CHANNEL_IDS": ",".join(settings.channel_ids),
        "YOUTUBE_REGIONS": ",".join(settings.regions),
        **overrides,
    }


def execute(conn_info: ConnectionInfo, sql: str) -> None:
    """Run statements and commit."""
    conn = conn_info.connect()
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def query(conn_info: ConnectionInfo, sql: str, params: tuple = ()) -> list[tuple]:
    conn = conn_info.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        conn.close()


def waiting_on_the_lock(conn: ConnectionInfo) -> int:
    """Sessions waiting for the pipeline lock (an advisory lock not granted)."""
    (count,) = query(
        conn,
        "select count(*) from pg_locks where locktype = 'advisory' and not granted and objid = %s",
        (PIPELINE_LOCK_KEY,),
    )[0]
    return int(count)
