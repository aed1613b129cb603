"""Fixtures for the emulator tests: worlds, servers on frozen clocks, the real Google client."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httplib2
import pytest
from googleapiclient.discovery import Resource, build

from emulator import Clock, EmulatorServer, World

FROZEN_AT = datetime(2026, 11, 2, 12, 0, 0, tzinfo=UTC)
API_KEY = "test-key"


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
    data = None if body is None else json.dumps(body)
    response, content = httplib2.Http(timeout=10).request(url, method, body=data)
    return response, json.loads(content) if content else None


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
