#!/bin/sh
# First start of the postgres service only (docker-entrypoint-initdb.d): a second database
# for the Prefect server's own state, next to the warehouse.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -c "create database \"${PREFECT_DB:-prefect}\""
