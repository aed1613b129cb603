"""Fixtures for the extractor's resilience tests: an emulator over a small world whose
listings span several pages, with a frozen clock, faults and mutations cleared per test."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from emulator import Clock, EmulatorServer, World
from tests.conftest import EMULATOR_START
from tests.extract.faultkit import KEY, paged_world


@pytest.fixture(scope="session")
def small_paged_world() -> World:
    return paged_world()


@pytest.fixture
def paged(small_paged_world: World) -> Iterator[EmulatorServer]:
    """A private emulator (own clock, quota, faults) over the small multi-page world."""
    with EmulatorServer(small_paged_world, Clock(EMULATOR_START, frozen=True)) as server:
        yield server


@pytest.fixture
def key_never_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Debug logs of every library are captured (the Google client logs its URLs there):
    the test's API key must appear in none of them."""
    caplog.set_level(logging.DEBUG)
    yield
    assert KEY not in caplog.text
    assert "key=REDACTED" in caplog.text or "URL being requested" not in caplog.text
