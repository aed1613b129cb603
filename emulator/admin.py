"""The control endpoints under ``/emulator/`` (not part of YouTube): world summary, quota, clock,
faults, rewrites and mutations, for tests and for an emulator started on its own.

    GET  /emulator/world                 the world's summary()
    GET  /emulator/quota                 quota(); POST /emulator/quota/reset forgets it
    POST /emulator/quota/limit           {"daily_quota": n or null} or {"after_units": n},
                                         optionally with "bucket": "default" | "search" | "stats"
    GET  /emulator/clock                 {"now": ..., "frozen": ...}
    POST /emulator/clock                 {"advance_hours": n}, {"advance_seconds": n}, {"set": ISO}
    GET|POST|DELETE /emulator/faults     fault rules (POST: one object or a list)
    GET|POST|DELETE /emulator/rewrites   answer rewrite rules
    GET|POST|DELETE /emulator/mutations  data mutations

A POST with a list applies all of it or, if any entry is bad, nothing (400 with the reason).
These calls cost no quota.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from emulator.faults import parse_rules
from emulator.messages import Request, Response, json_response
from emulator.mutations import Mutations
from emulator.quota import DEFAULT_BUCKET, check_bucket
from emulator.rewrites import parse_rewrites

if TYPE_CHECKING:
    from emulator.server import EmulatorServer

ADMIN_PREFIX = "/emulator/"


def _payload(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError as exc:
        raise ValueError(f"the body is not JSON ({exc})") from None


def handle_admin(server: EmulatorServer, request: Request) -> Response:
    """Answer one ``/emulator/...`` request."""
    route = (request.verb, request.path.rstrip("/"))
    if route == ("GET", "/emulator/world"):
        return json_response(200, server.world.summary())
    if route == ("GET", "/emulator/quota"):
        return json_response(200, server.quota())
    if route == ("POST", "/emulator/quota/reset"):
        server.reset_quota()
        return json_response(200, server.quota())
    if route == ("GET", "/emulator/clock"):
        return json_response(200, _clock_state(server))
    if route == ("POST", "/emulator/clock"):
        return _move_clock(server, request.body)
    try:
        if route == ("POST", "/emulator/quota/limit"):
            return json_response(200, _set_limit(server, _payload(request.body)))
        if route == ("GET", "/emulator/faults"):
            return json_response(200, {"faults": server.faults.to_list()})
        if route == ("POST", "/emulator/faults"):
            server.faults.add(*parse_rules(_payload(request.body)))
            return json_response(200, {"faults": server.faults.to_list()})
        if route == ("DELETE", "/emulator/faults"):
            server.faults.clear()
            return json_response(200, {"faults": []})
        if route == ("GET", "/emulator/rewrites"):
            return json_response(200, {"rewrites": server.rewrites.to_list()})
        if route == ("POST", "/emulator/rewrites"):
            server.rewrites.add(*parse_rewrites(_payload(request.body)))
            return json_response(200, {"rewrites": server.rewrites.to_list()})
        if route == ("DELETE", "/emulator/rewrites"):
            server.rewrites.clear()
            return json_response(200, {"rewrites": []})
        if route == ("GET", "/emulator/mutations"):
            return json_response(200, server.mutations.to_dict())
        if route == ("POST", "/emulator/mutations"):
            _mutate(server, _payload(request.body))
            return json_response(200, server.mutations.to_dict())
        if route == ("DELETE", "/emulator/mutations"):
            server.mutations.clear()
            return json_response(200, server.mutations.to_dict())
    except ValueError as exc:
        return json_response(400, {"error": f"bad {request.path} request: {exc}"})
    return json_response(404, {"error": f"no admin route {request.verb} {request.path}"})


def _set_limit(server: EmulatorServer, payload: Any) -> dict[str, Any]:
    keys = set(payload) - {"bucket"} if isinstance(payload, dict) else set()
    bucket = check_bucket(payload.get("bucket", DEFAULT_BUCKET)) if keys else DEFAULT_BUCKET
    if keys == {"daily_quota"}:
        server.set_daily_quota(payload["daily_quota"], bucket)
    elif keys == {"after_units"}:
        server.quota_after(payload["after_units"], bucket)
    else:
        raise ValueError(
            'expected {"daily_quota": n or null} or {"after_units": n}, '
            'optionally with "bucket": "default", "search" or "stats"'
        )
    return server.quota()


def _mutate(server: EmulatorServer, payload: Any) -> None:
    actions = payload if isinstance(payload, list) else [payload]
    # Try the whole batch on a scratch copy first, so a bad action changes nothing.
    scratch = Mutations(server.world)
    for action in actions:
        scratch.apply(action)
    for action in actions:
        server.mutations.apply(action)


def _clock_state(server: EmulatorServer) -> dict[str, Any]:
    now = server.clock.now()
    return {"now": now.isoformat().replace("+00:00", "Z"), "frozen": server.clock.frozen}


def _move_clock(server: EmulatorServer, raw: bytes) -> Response:
    try:
        payload = json.loads(raw or b"{}")
        if not isinstance(payload, dict):
            raise ValueError("expected a JSON object")
        if "advance_hours" in payload:
            server.clock.advance(hours=float(payload["advance_hours"]))
        elif "advance_seconds" in payload:
            server.clock.advance(seconds=float(payload["advance_seconds"]))
        elif "set" in payload:
            server.clock.set(datetime.fromisoformat(str(payload["set"])))
        else:
            raise ValueError('expected {"advance_hours": n} or {"set": "<ISO-8601>"}')
    except (ValueError, TypeError) as exc:
        return json_response(400, {"error": f"bad clock request: {exc}"})
    return json_response(200, _clock_state(server))
