"""Where the warehouse lives: a configured PostgreSQL, or an embedded one started on demand.

With ``DATABASE_URL`` set (any libpq URI, including the unix-socket form
``postgresql://user@/db?host=/run/dir``) that server is used as is. Without it the project
starts its own PostgreSQL from the ``pgserver`` wheel, keeps its data under the project's
state folder (``.tubewarehouse/pgdata``, git-ignored) and reuses it across runs. The same
connection feeds the extractor, dbt's profile and the Evidence source.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg2
import psycopg2.errors
from psycopg2.extensions import parse_dsn

from extract.settings import state_dir

log = logging.getLogger(__name__)

EMBEDDED_DBNAME = "tubewarehouse"


class DatabaseError(RuntimeError):
    """The warehouse database cannot be reached or started; the message says what to do."""


@dataclass(frozen=True)
class ConnectionInfo:
    """One PostgreSQL connection, in the forms each consumer needs (libpq URI, dbt, Evidence)."""

    host: str  # a hostname, or a unix-socket directory (starts with "/")
    port: int
    user: str
    password: str
    dbname: str
    embedded: bool = False

    @property
    def url(self) -> str:
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + quote(self.password, safe="")
        if self.host.startswith("/"):
            return f"postgresql://{auth}@/{self.dbname}?host={self.host}&port={self.port}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{self.dbname}"

    @property
    def display_url(self) -> str:
        """The URL with the password masked, for logs and messages."""
        if not self.password:
            return self.url
        return self.url.replace(":" + quote(self.password, safe="") + "@", ":***@", 1)

    def env(self) -> dict[str, str]:
        """Variables read by ``profiles.yml`` (dbt) and the Evidence postgres source."""
        return {
            "TW_PG_HOST": self.host,
            "TW_PG_PORT": str(self.port),
            "TW_PG_USER": self.user,
            "TW_PG_PASSWORD": self.password,
            "TW_PG_DBNAME": self.dbname,
        }

    def connect(self) -> psycopg2.extensions.connection:
        try:
            return psycopg2.connect(self.url, connect_timeout=10, application_name="tubewarehouse")
        except psycopg2.OperationalError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DatabaseError(
                f"cannot connect to PostgreSQL at {self.display_url}: {first}. "
                "Check that the server is running and DATABASE_URL is right, or unset "
                "DATABASE_URL to use the embedded PostgreSQL."
            ) from None


def from_url(url: str) -> ConnectionInfo:
    """Parse any libpq connection string or URI."""
    try:
        params = parse_dsn(url)
    except psycopg2.ProgrammingError as exc:
        raise DatabaseError(f"DATABASE_URL is not a valid libpq connection string: {exc}") from None
    return ConnectionInfo(
        host=params.get("host") or "/var/run/postgresql",
        port=int(params.get("port") or 5432),
        user=params.get("user") or os.environ.get("USER", "postgres"),
        password=params.get("password") or "",
        dbname=params.get("dbname") or params.get("user") or "postgres",
    )


def embedded_pgdata() -> Path:
    return state_dir() / "pgdata"


def start_embedded(pgdata: Path | None = None) -> ConnectionInfo:
    """Start (or reuse) the embedded PostgreSQL and make sure the warehouse database exists.

    The server keeps running after this process exits so later commands reuse it;
    ``ytw db stop`` stops it.
    """
    if not os.environ.get("XDG_RUNTIME_DIR"):
        # pgserver asks platformdirs for a runtime dir (and warns when none is set)
        runtime = state_dir() / "run"
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    import pgserver  # imported lazily: only the embedded mode needs it

    pgdata = pgdata or embedded_pgdata()
    pgdata.mkdir(parents=True, exist_ok=True)
    try:
        server = pgserver.get_server(pgdata, cleanup_mode=None)
    except Exception as exc:  # pgserver raises bare exceptions with initdb/pg_ctl output
        raise DatabaseError(
            f"could not start the embedded PostgreSQL in {pgdata}: {exc}. "
            f"See {pgdata / 'log'} or set DATABASE_URL to use another server."
        ) from None
    admin = from_url(server.get_uri())
    try:
        conn = psycopg2.connect(admin.url, connect_timeout=10)
    except psycopg2.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseError(
            f"the embedded PostgreSQL in {pgdata} does not answer ({first}): it was stopped "
            f"or crashed; run again to start it anew, or see {pgdata / 'log'}"
        ) from None
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("select 1 from pg_database where datname = %s", (EMBEDDED_DBNAME,))
            if cur.fetchone() is None:
                log.info("creating database %s in the embedded PostgreSQL", EMBEDDED_DBNAME)
                cur.execute(f'create database "{EMBEDDED_DBNAME}"')
                # Dates are cut in UTC whoever connects (clients also send PGTZ=UTC).
                cur.execute(f"alter database \"{EMBEDDED_DBNAME}\" set timezone = 'UTC'")
    finally:
        conn.close()
    return ConnectionInfo(
        host=admin.host,
        port=admin.port,
        user=admin.user,
        password=admin.password,
        dbname=EMBEDDED_DBNAME,
        embedded=True,
    )


def stop_embedded(pgdata: Path | None = None) -> bool:
    """Stop the embedded PostgreSQL if it runs; returns whether one was running."""
    import getpass

    from pgserver._commands import pg_ctl
    from pgserver.utils import PostmasterInfo

    pgdata = pgdata or embedded_pgdata()
    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return False
    # As root, pgserver runs the server as its own 'pgserver' user (PostgreSQL refuses root).
    user = "pgserver" if getpass.getuser() == "root" else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True


def back_within(conn_info: ConnectionInfo, seconds: float, interval: float = 1.0) -> bool:
    """Whether the server accepts a connection within ``seconds`` (tried every ``interval``):
    after losing it mid-run, a retry is worth it only if it is back (a restart, a failover),
    not when it was stopped."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            psycopg2.connect(conn_info.url, connect_timeout=max(1, int(interval) or 1)).close()
            return True
        except psycopg2.OperationalError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval)


def resolve() -> ConnectionInfo:
    """The warehouse connection: ``DATABASE_URL`` if set, else the embedded server."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return from_url(url)
    return start_embedded()


# One pipeline at a time per warehouse: an hourly and a daily run that meet, or a manual
# `ytw run` during a scheduled one, queue instead of crawling and building side by side.
PIPELINE_LOCK_KEY = 0x7477_6877  # "twhw"


@contextmanager
def pipeline_lock(
    conn_info: ConnectionInfo, wait_seconds: float = 3600, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold the warehouse's pipeline lock (a session advisory lock) for the ``with`` block.

    Waits up to ``wait_seconds`` for another holder (calling ``on_wait`` once if it has to);
    raises ``DatabaseError`` after that. The lock goes away with its connection, so a killed
    run never leaves it held."""
    conn = conn_info.connect()
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("select pg_try_advisory_lock(%s)", (PIPELINE_LOCK_KEY,))
            if not cur.fetchone()[0]:
                if on_wait is not None:
                    on_wait()
                cur.execute("set lock_timeout = %s", (f"{int(wait_seconds * 1000)}ms",))
                try:
                    cur.execute("select pg_advisory_lock(%s)", (PIPELINE_LOCK_KEY,))
                except psycopg2.errors.LockNotAvailable:
                    raise DatabaseError(
                        f"another pipeline run has held the warehouse for over "
                        f"{wait_seconds:.0f}s; see its logs (or the Prefect UI) before retrying"
                    ) from None
        yield
    finally:
        conn.close()
