"""The environment every process the project launches runs with: no telemetry, UTC sessions,
and Prefect's home inside the project's state folder (nothing in the user's home).

Call :func:`prepare` before importing prefect or dbt: both read settings at import time.
"""

from __future__ import annotations

import os

from extract.database import ConnectionInfo
from extract.settings import state_dir

TELEMETRY_OFF = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "SEND_ANONYMOUS_USAGE_STATS": "no",  # Evidence
}


def prepare() -> None:
    """Set the project's process environment (idempotent; explicit user settings win)."""
    os.environ.update(TELEMETRY_OFF)
    os.environ.setdefault("PGTZ", "UTC")  # libpq sessions (dbt, Evidence) cut dates in UTC
    os.environ.setdefault("PREFECT_HOME", str(state_dir() / "prefect"))
    # The first call of a local flow starts a temporary Prefect server: slow on a busy box.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    # Our own loggers show up in Prefect's run logs (and so in the UI).
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "extract,flows")
    # ...and outside a flow run (the CLI's own dbt calls) they just log locally.
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
    os.environ.setdefault("DBT_LOG_PATH", str(state_dir() / "dbt-logs"))


def use_connection(conn: ConnectionInfo) -> None:
    """Expose the warehouse connection to dbt's profile and Evidence's source."""
    os.environ.update(conn.env())
