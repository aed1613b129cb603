"""Fixtures shared by the flows tests."""

from __future__ import annotations

import pytest

from emulator import Clock, EmulatorServer, World
from extract.database import ConnectionInfo
from extract.run import run_extract
from flows import transform
from tests.conftest import EMULATOR_START, create_database, settings_for


@pytest.fixture(scope="session")
def built(pg_cluster: ConnectionInfo) -> ConnectionInfo:
    """A warehouse with one extract run landed and the whole project built on it."""
    conn = create_database(pg_cluster, "docs_site")
    with EmulatorServer(World.small(), Clock(EMULATOR_START, frozen=True)) as emulator:
        assert run_extract(settings_for(emulator), conn).ok
    assert transform.build(conn).success
    return conn
