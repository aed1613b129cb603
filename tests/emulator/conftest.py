"""Fixtures and helpers for the emulator tests: worlds, servers on frozen clocks, the real
Google client, plain HTTP calls, admin calls and the ``python -m emulator`` subprocess."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httplib2
import pytest
from googleapiclient.discovery import Resource, build
from googleapiclient.errors import HttpError

from emulator import Clock, EmulatorServer, World

FROZEN_AT = datetime(2026, 11, 2, 12, 0, 0, tzinfo=UTC)
API_KEY = "test-key"
ROOT = Path(__file__).resolve().parents[2]


def make_client(url: str, key: str = API_KEY, timeout: float = 10) -> Resource:
    """The real google-api-python-client, pointed at the emulator."""
    return build(
        "youtube",
        "v3",
        developerKey=key,
        static_discovery=True,
        client_options={"api_endpoint": url},
        http=httplib2.Http(timeout=timeout),
    )


def fetch_all(collection: Any, **params: Any) -> tuple[list[dict], list[dict]]:
    """Follow nextPageToken to the end with the client's own list_next; (items, pages)."""
    pages: list[dict] = []
    request = collection.list(**params)
    while request is not None:
        page = request.execute()
        pages.append(page)
        request = collection.list_next(request, page)
    return [item for page in pages for item in page.get("items", [])], pages


def raw_get(url: str, headers: dict[str, str] | None = None) -> tuple[Any, bytes]:
    """A plain GET (no Google client), for status codes, headers and bodies as sent."""
    return httplib2.Http(timeout=10).request(url, "GET", headers=headers or {})


def raw_json(url: str, method: str = "GET", body: Any = None) -> tuple[Any, Any]:
    """A plain request with an optional JSON body: (response, decoded JSON body or None)."""
    data = None if body is None else json.dumps(body)
    response, content = httplib2.Http(timeout=10).request(url, method, body=data)
    return response, json.loads(content) if content else None


def admin(server: EmulatorServer, path: str, method: str = "GET", body: Any = None) -> Any:
    """A call to an ``/emulator/...`` control route: (status, decoded JSON body)."""
    response, value = raw_json(server.url + path, method, body)
    return response.status, value


def error_reason(error: HttpError) -> str:
    """``errors[0].reason`` of an API error raised by the Google client."""
    return error.error_details[0]["reason"]


@contextmanager
def running_cli(*args: str) -> Iterator[str]:
    """``python -m emulator ARGS`` in a subprocess: yields its banner line, then stops it with
    SIGTERM and checks that it exits cleanly."""
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


@pytest.fixture(scope="session")
def small_world() -> World:
    return World.small()


@pytest.fixture(scope="session")
def shared_server(world: World) -> Iterator[EmulatorServer]:
    """For read-only tests: never move its clock nor assert on its quota."""
    with EmulatorServer(world, Clock(FROZEN_AT, frozen=True)) as server:
        yield server


@pytest.fixture(scope="session")
def youtube(shared_server: EmulatorServer) -> Resource:
    return make_client(shared_server.url)


@pytest.fixture
def new_server(world: World) -> Iterator[Callable[..., EmulatorServer]]:
    """A factory of private servers (own clock and quota), stopped after the test."""
    started: list[EmulatorServer] = []

    def factory(**kwargs: Any) -> EmulatorServer:
        kwargs.setdefault("clock", Clock(FROZEN_AT, frozen=True))
        server = EmulatorServer(kwargs.pop("world", world), **kwargs).start()
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()
