"""A local YouTube Data API v3 emulator for the demo and the tests.

``World`` is a deterministic synthetic YouTube (channels, videos, playlists, regions, charts and
statistics that grow with time); ``EmulatorServer`` serves it over HTTP in the real API's wire
format, driven by a ``Clock``; ``Fault`` rules, ``Mutations`` and ``Rewrite`` rules script
failures and bad data. Standard library only.

    from emulator import Clock, EmulatorServer, World

    with EmulatorServer(World.small(), Clock(frozen=True)) as server:
        ...  # googleapiclient build(..., client_options={"api_endpoint": server.url})
"""

from __future__ import annotations

from emulator.charts import ChartNotFound
from emulator.clock import Clock
from emulator.faults import Fault, FaultPlan
from emulator.mutations import Mutations
from emulator.rewrites import Rewrite, Rewrites
from emulator.server import EmulatorServer
from emulator.spec import WorldSpec
from emulator.world import World

__all__ = [
    "ChartNotFound",
    "Clock",
    "EmulatorServer",
    "Fault",
    "FaultPlan",
    "Mutations",
    "Rewrite",
    "Rewrites",
    "World",
    "WorldSpec",
]
