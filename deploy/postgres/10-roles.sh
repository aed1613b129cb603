#!/bin/sh
# One login per service, none of them the superuser (POSTGRES_USER, kept for administration):
#   RUNNER_DB_USER   owns the warehouse database (POSTGRES_DB): extract and dbt write there
#   PREFECT_DB_USER  owns PREFECT_DB, the Prefect server's own state, and nothing else
#   REPORTS_DB_USER  reads the marts schema of the warehouse, nothing else
# Passwords come from .env through the postgres service's environment (never the command
# line: psql reads them with \getenv).
#
# docker-entrypoint-initdb.d runs this on the first start of an empty volume. It is safe to
# run again: after changing a password in .env (`docker compose up -d postgres` first), or
# to move a stack created before these roles onto them (it hands every object in each
# database to its service's role):
#   docker compose exec postgres /docker-entrypoint-initdb.d/10-roles.sh
set -eu

: "${POSTGRES_USER:?}" "${POSTGRES_DB:?}"
: "${RUNNER_DB_PASSWORD:?set RUNNER_DB_PASSWORD in .env}"
: "${PREFECT_DB_PASSWORD:?set PREFECT_DB_PASSWORD in .env}"
: "${REPORTS_DB_PASSWORD:?set REPORTS_DB_PASSWORD in .env}"
export PREFECT_DB="${PREFECT_DB:-prefect}"
export RUNNER_DB_USER="${RUNNER_DB_USER:-runner}"
export PREFECT_DB_USER="${PREFECT_DB_USER:-prefect}"
export REPORTS_DB_USER="${REPORTS_DB_USER:-reports}"

for role in "$RUNNER_DB_USER" "$PREFECT_DB_USER" "$REPORTS_DB_USER"; do
    if [ "$role" = "$POSTGRES_USER" ]; then
        echo "10-roles.sh: $role is POSTGRES_USER, the superuser: give each service its own role" >&2
        exit 1
    fi
done
if [ "$RUNNER_DB_USER" = "$PREFECT_DB_USER" ] || [ "$RUNNER_DB_USER" = "$REPORTS_DB_USER" ] \
    || [ "$PREFECT_DB_USER" = "$REPORTS_DB_USER" ]; then
    echo "10-roles.sh: RUNNER_DB_USER, PREFECT_DB_USER and REPORTS_DB_USER must differ" >&2
    exit 1
fi

run_sql() {  # run_sql DATABASE < script
    PGOPTIONS="-c client_min_messages=warning" \
        psql -X -q -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$1"
}

# Hands everything in the current database (schemas, tables, views, sequences, types) that
# another role owns to the role named in the psql variable :owner. A no-op on a fresh volume.
hand_over() {
    cat <<'SQL'
select oid as owner_oid from pg_roles where rolname = :'owner'
\gset
select format('alter schema %I owner to %I', n.nspname, :'owner')
from pg_namespace as n
where n.nspname not like 'pg\_%' and n.nspname not in ('information_schema', 'public')
    and n.nspowner <> :owner_oid
    and not exists (
        select from pg_depend as d
        where d.classid = 'pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e'
    )
\gexec
select format(
    'alter %s %I.%I owner to %I',
    case c.relkind when 'S' then 'sequence' else 'table' end, n.nspname, c.relname, :'owner'
)
from pg_class as c
    inner join pg_namespace as n on c.relnamespace = n.oid
where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
    and n.nspname not like 'pg\_%' and n.nspname <> 'information_schema'
    and c.relowner <> :owner_oid
    -- extension members, and sequences that belong to a column (they follow their table)
    and not exists (
        select from pg_depend as d
        where d.classid = 'pg_class'::regclass and d.objid = c.oid
            and d.deptype in ('e', 'a', 'i')
    )
\gexec
select format('alter type %I.%I owner to %I', n.nspname, t.typname, :'owner')
from pg_type as t
    inner join pg_namespace as n on t.typnamespace = n.oid
where t.typtype in ('e', 'd')
    and n.nspname not like 'pg\_%' and n.nspname <> 'information_schema'
    and t.typowner <> :owner_oid
    and not exists (
        select from pg_depend as d
        where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e'
    )
\gexec
SQL
}

run_sql "$POSTGRES_DB" <<'SQL'
\getenv warehouse POSTGRES_DB
\getenv prefect_db PREFECT_DB
\getenv runner RUNNER_DB_USER
\getenv runner_password RUNNER_DB_PASSWORD
\getenv prefect PREFECT_DB_USER
\getenv prefect_password PREFECT_DB_PASSWORD
\getenv reports REPORTS_DB_USER
\getenv reports_password REPORTS_DB_PASSWORD

select format('create role %I', role)
from (values (:'runner'), (:'prefect'), (:'reports')) as wanted (role)
where not exists (select from pg_roles where rolname = role)
\gexec
select format(
    'alter role %I with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls '
    'password %L',
    role, password
)
from (
    values (:'runner', :'runner_password'), (:'prefect', :'prefect_password'),
        (:'reports', :'reports_password')
) as wanted (role, password)
\gexec

select format('create database %I owner %I', :'prefect_db', :'prefect')
where not exists (select from pg_database where datname = :'prefect_db')
\gexec
select format('alter database %I owner to %I', :'prefect_db', :'prefect')
\gexec
select format('alter database %I owner to %I', :'warehouse', :'runner')
\gexec
-- Only a database's owner (and those granted it) may connect: not every role, as by default.
select format('revoke all on database %I from public', db)
from (values (:'prefect_db'), (:'warehouse')) as dbs (db)
\gexec
select format('grant connect on database %I to %I', :'warehouse', :'reports')
\gexec
SQL

{
    echo '\getenv owner RUNNER_DB_USER'
    hand_over
    cat <<'SQL'
\getenv runner RUNNER_DB_USER
\getenv reports REPORTS_DB_USER
-- The reports read the marts and nothing else. `marts` is the schema dbt builds them in
-- (dbt_project/macros/generate_schema_name.sql); created here so that its privileges exist
-- before the first build: every table or view the runner creates there is readable.
select format('create schema if not exists marts authorization %I', :'runner')
\gexec
select format('grant usage on schema marts to %I', :'reports')
\gexec
select format('grant select on all tables in schema marts to %I', :'reports')
\gexec
select format(
    'alter default privileges for role %I in schema marts grant select on tables to %I',
    :'runner', :'reports'
)
\gexec
SQL
} | run_sql "$POSTGRES_DB"

{
    echo '\getenv owner PREFECT_DB_USER'
    hand_over
} | run_sql "$PREFECT_DB"
