"""deploy/postgres/10-roles.sh on a real PostgreSQL (a throwaway pgserver cluster, its psql),
run the way the postgres image runs its init scripts: each service gets its own role with the
password from .env, and can do its job and nothing more; running it again changes nothing,
and over a stack created before the roles it hands every object to its service's role."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import errors

from extract.settings import project_root

SCRIPT = project_root() / "deploy" / "postgres" / "10-roles.sh"
# quotes, a backslash, a dollar and a percent sign: the script must pass them through intact
PASSWORDS = {
    "RUNNER_DB_PASSWORD": "runner'pass\"word$1%s\\",
    "PREFECT_DB_PASSWORD": "prefect-password-2",
    "REPORTS_DB_PASSWORD": "reports password 3",
}


class Cluster:
    def __init__(self, socket_dir: str, bin_dir: Path) -> None:
        self.socket_dir = socket_dir
        self.bin_dir = bin_dir

    def connect(self, dbname: str, user: str = "postgres") -> psycopg2.extensions.connection:
        conn = psycopg2.connect(host=self.socket_dir, dbname=dbname, user=user)
        conn.autocommit = True
        return conn

    def run_script(self, **env: str) -> subprocess.CompletedProcess[str]:
        """The script as docker-entrypoint runs it: POSTGRES_USER/POSTGRES_DB set, psql on
        the server's socket, the service's environment from compose."""
        return subprocess.run(
            [str(SCRIPT)],
            env={
                "PATH": f"{self.bin_dir}:{os.environ['PATH']}",
                "PGHOST": self.socket_dir,
                "POSTGRES_USER": "postgres",
                **PASSWORDS,
                **env,
            },
            capture_output=True,
            text=True,
            timeout=60,
        )

    def sql(self, dbname: str, statement: str, user: str = "postgres") -> list[tuple]:
        conn = self.connect(dbname, user)
        try:
            with conn.cursor() as cur:
                cur.execute(statement)
                return cur.fetchall() if cur.description else []
        finally:
            conn.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A cluster of its own: roles are cluster-wide (the suite's shared cluster keeps none)."""
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("roles-pg"), cleanup_mode="delete")
    uri = server.get_uri()
    socket_dir = uri.split("host=", 1)[1].split("&", 1)[0]
    yield Cluster(socket_dir, Path(pgserver.__file__).parent / "pginstall" / "bin")
    server.cleanup()


def new_stack(cluster: Cluster) -> dict[str, str]:
    """Database names for one stack (the entrypoint has created POSTGRES_DB already)."""
    suffix = uuid.uuid4().hex[:8]
    names = {"POSTGRES_DB": f"warehouse_{suffix}", "PREFECT_DB": f"prefect_{suffix}"}
    cluster.sql("postgres", f'create database "{names["POSTGRES_DB"]}"')
    return names


def scram_matches(stored: str, password: str) -> bool:
    """Whether a SCRAM-SHA-256 verifier from pg_authid is the one for ``password``."""
    method, iterations_salt, keys = stored.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return method == "SCRAM-SHA-256" and (
        base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key
    )


def refused(cluster: Cluster, dbname: str, statement: str | None, user: str) -> bool:
    """Whether ``user`` is refused: connecting to ``dbname`` or, once in, ``statement``."""
    try:
        cluster.sql(dbname, statement or "select 1", user)
    except (errors.InsufficientPrivilege, psycopg2.OperationalError) as error:
        return "permission denied" in str(error)
    return False


def test_a_fresh_volume_gives_each_service_its_own_role(cluster: Cluster) -> None:
    stack = new_stack(cluster)
    warehouse, prefect_db = stack["POSTGRES_DB"], stack["PREFECT_DB"]
    done = cluster.run_script(**stack)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""  # quiet in the container's log

    roles = cluster.sql(
        "postgres",
        "select rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolpassword "
        "from pg_authid where rolname in ('runner', 'prefect', 'reports') order by rolname",
    )
    assert [r[0] for r in roles] == ["prefect", "reports", "runner"]
    for name, superuser, createdb, createrole, login, stored in roles:
        assert (superuser, createdb, createrole, login) == (False, False, False, True), name
        assert scram_matches(stored, PASSWORDS[f"{name.upper()}_DB_PASSWORD"]), name

    # runner: owns the warehouse; extract and dbt create their schemas and tables there
    for statement in (
        "create schema raw_youtube",
        "create table raw_youtube.pages (id bigint generated always as identity, body text)",
        "insert into raw_youtube.pages (body) values ('{}')",
        "create schema staging",
        "create view staging.pages as select * from raw_youtube.pages",
        "create table marts.videos as select 1 as video_id",
        "create view marts.video_ids as select video_id from marts.videos",
        "create temporary table scratch (id int)",
    ):
        cluster.sql(warehouse, statement, "runner")
    assert refused(cluster, prefect_db, None, "runner")

    # reports: the marts, read only, including what the runner created after the script
    assert cluster.sql(warehouse, "select * from marts.videos", "reports") == [(1,)]
    assert cluster.sql(warehouse, "select * from marts.video_ids", "reports") == [(1,)]
    for statement in (
        "select * from raw_youtube.pages",
        "select * from staging.pages",
        "insert into marts.videos values (2)",
        "create table marts.mine (id int)",
        "create schema mine",
    ):
        assert refused(cluster, warehouse, statement, "reports"), statement
    assert refused(cluster, prefect_db, None, "reports")

    # prefect: its own database only
    cluster.sql(prefect_db, "create type state_type as enum ('RUNNING')", "prefect")
    cluster.sql(prefect_db, "create table flow_run (id int, state state_type)", "prefect")
    assert refused(cluster, warehouse, None, "prefect")

    # again (a password change): nothing breaks, what was granted stays
    again = cluster.run_script(**stack)
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert cluster.sql(warehouse, "select * from marts.videos", "reports") == [(1,)]


def test_an_older_stack_is_handed_to_the_new_roles(cluster: Cluster) -> None:
    """Before these roles, the superuser created both databases' objects."""
    stack = new_stack(cluster)
    warehouse, prefect_db = stack["POSTGRES_DB"], stack["PREFECT_DB"]
    cluster.sql("postgres", f'create database "{prefect_db}"')
    for statement in (
        "create schema raw_youtube",
        "create table raw_youtube.pages (id bigint generated always as identity, body text)",
        "create sequence raw_youtube.run_numbers",
        "create schema marts",
        "create table marts.videos (video_id text primary key)",
        "create materialized view marts.video_count as select count(*) from marts.videos",
        "create view public.latest as select * from marts.videos",
    ):
        cluster.sql(warehouse, statement)
    cluster.sql(prefect_db, "create type state_type as enum ('RUNNING')")
    cluster.sql(prefect_db, "create table flow_run (id serial primary key, state state_type)")

    done = cluster.run_script(**stack)
    assert done.returncode == 0, done.stderr

    owners = cluster.sql(
        warehouse,
        "select c.relname, pg_get_userbyid(c.relowner) from pg_class as c "
        "join pg_namespace as n on n.oid = c.relnamespace "
        "where n.nspname in ('raw_youtube', 'marts', 'public') and c.relkind <> 'i'",
    )
    assert {owner for _, owner in owners} == {"runner"}, owners
    assert {"pages", "pages_id_seq", "run_numbers", "videos", "video_count", "latest"} <= {
        name for name, _ in owners
    }
    cluster.sql(warehouse, "insert into raw_youtube.pages (body) values ('{}')", "runner")
    cluster.sql(warehouse, "select nextval('raw_youtube.run_numbers')", "runner")
    cluster.sql(warehouse, "insert into marts.videos values ('v1')", "runner")
    cluster.sql(warehouse, "refresh materialized view marts.video_count", "runner")
    assert cluster.sql(warehouse, "select * from marts.videos", "reports") == [("v1",)]
    assert cluster.sql(warehouse, "select * from marts.video_count", "reports") == [(1,)]

    cluster.sql(prefect_db, "insert into flow_run (state) values ('RUNNING')", "prefect")
    cluster.sql(prefect_db, "alter type state_type add value 'COMPLETED'", "prefect")
    assert cluster.sql(prefect_db, "select count(*) from flow_run", "prefect") == [(1,)]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RUNNER_DB_PASSWORD": ""}, "set RUNNER_DB_PASSWORD in .env"),
        ({"REPORTS_DB_PASSWORD": ""}, "set REPORTS_DB_PASSWORD in .env"),
        ({"RUNNER_DB_USER": "postgres"}, "postgres is POSTGRES_USER, the superuser"),
        ({"REPORTS_DB_USER": "runner"}, "must differ"),
    ],
)
def test_a_missing_password_or_a_shared_role_stops_the_script(
    cluster: Cluster, env: dict[str, str], message: str
) -> None:
    stack = new_stack(cluster)
    done = cluster.run_script(**stack, **env)
    assert done.returncode != 0 and message in done.stderr, done.stderr
