"""HTTP front of the emulator: routing, API key, quota ledger, ETag/304, ``Date`` from the clock.

Every request goes through one pipeline, ``EmulatorServer.handle``:

    admin route? -> resolve the list method -> check the key -> fault hook -> charge quota
    -> run the method (``api.py``) -> ETag / 304 -> ``_Handler.deliver``

Fault injection (5xx bursts, ``quotaExceeded`` after N units, slow responses, connection resets,
malformed JSON) belongs in ``EmulatorServer._inject_fault`` (decide) and ``_Handler.deliver``
(misbehave on the wire); nothing else needs to change. No faults are implemented yet.

Quota model: each call to a list method costs 1 unit, errors included (the real API charges
invalid requests too); a 304 Not Modified costs ``not_modified_cost`` (default 1, since Google
does not document that conditional requests are free). Requests without a valid key are not
charged (there is no project to bill), nor are unknown paths or the ``/emulator/`` admin calls.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from extract.emulator import api
from extract.emulator.clock import Clock
from extract.emulator.world import World

API_PREFIX = "/youtube/v3/"
ADMIN_PREFIX = "/emulator/"
JSON_TYPE = "application/json; charset=UTF-8"


@dataclass(frozen=True)
class Request:
    """An HTTP request as the pipeline sees it; ``now`` is read from the clock once, on arrival."""

    verb: str
    path: str
    query: dict[str, str]
    headers: Message
    body: bytes
    now: datetime


@dataclass
class Response:
    """What the pipeline hands back to the wire. ``method`` is the quota name, if any."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    method: str | None = None


def _json_bytes(value: Any, pretty: bool = True) -> bytes:
    if pretty:
        return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json_response(status: int, value: Any, *, pretty: bool = True) -> Response:
    headers = [
        ("Content-Type", JSON_TYPE),
        ("Vary", "Origin"),
        ("Vary", "X-Origin"),
        ("Vary", "Referer"),
        ("Cache-Control", "private"),
    ]
    return Response(status, _json_bytes(value, pretty), headers)


def _error(error: api.ApiError) -> Response:
    return _json_response(error.code, error.body())


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate == "*" or candidate.strip('"') == etag:
            return True
    return False


class EmulatorServer:
    """A local YouTube Data API v3 (the list methods a warehouse needs) over a ``World``.

    ``start()`` serves in a daemon thread and returns ``self``; use it as a context manager in
    tests. ``url`` is what to pass as the Google client's ``api_endpoint``.
    """

    def __init__(
        self,
        world: World,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        not_modified_cost: int = 1,
    ) -> None:
        self.world = world
        self.clock = clock or Clock(not_before=world.as_of)
        self.host = host
        self.port = port
        self.api_key = api_key
        self.not_modified_cost = not_modified_cost
        self._quota: Counter[str] = Counter()
        self._quota_lock = threading.Lock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> EmulatorServer:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self.port), _Handler)
        httpd.emulator = self
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"youtube-emulator:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # ----------------------------------------------------------------- quota

    def quota(self) -> dict[str, Any]:
        """Units spent since start (or the last reset), in total and per API method."""
        with self._quota_lock:
            return {
                "total": sum(self._quota.values()),
                "by_method": dict(sorted(self._quota.items())),
            }

    def reset_quota(self) -> None:
        with self._quota_lock:
            self._quota.clear()

    def _charge(self, method: str, units: int) -> None:
        with self._quota_lock:
            self._quota[method] += units

    # ----------------------------------------------------------------- pipeline

    def handle(self, request: Request) -> Response:
        """Turn one request into one response. The single place requests are processed."""
        if request.path.startswith(ADMIN_PREFIX):
            return self._admin(request)
        if not request.path.startswith(API_PREFIX):
            return _error(api.method_not_found())
        method = api.METHODS.get(request.path[len(API_PREFIX) :].strip("/"))
        if method is None:
            return _error(api.method_not_found())
        if request.verb != "GET":
            return _error(api.ApiError(405, "Method not allowed.", "methodNotAllowed"))
        key = request.query.get("key", "")
        if not key:
            return _error(api.missing_key())
        if self.api_key is not None and key != self.api_key:
            return _error(api.invalid_key())

        fault = self._inject_fault(request, method.name)
        if fault is not None:
            return fault

        pretty = request.query.get("prettyPrint", "true").lower() != "false"
        try:
            body = api.call_method(method, self.world, request.query, request.now)
        except api.ApiError as error:
            self._charge(method.name, 1)
            response = _error(error)
            response.method = method.name
            return response
        if _etag_matches(request.headers.get("If-None-Match"), body["etag"]):
            self._charge(method.name, self.not_modified_cost)
            return Response(304, b"", [("Cache-Control", "private")], method.name)
        self._charge(method.name, 1)
        response = _json_response(200, body, pretty=pretty)
        response.method = method.name
        return response

    def _inject_fault(self, request: Request, method: str) -> Response | None:
        """Hook for fault injection: return a response to short-circuit the call. None for now."""
        return None

    # ----------------------------------------------------------------- admin

    def _admin(self, request: Request) -> Response:
        route = (request.verb, request.path.rstrip("/"))
        if route == ("GET", "/emulator/world"):
            return _json_response(200, self.world.summary())
        if route == ("GET", "/emulator/quota"):
            return _json_response(200, self.quota())
        if route == ("POST", "/emulator/quota/reset"):
            self.reset_quota()
            return _json_response(200, self.quota())
        if route == ("GET", "/emulator/clock"):
            return _json_response(200, self._clock_state())
        if route == ("POST", "/emulator/clock"):
            return self._move_clock(request.body)
        return _json_response(404, {"error": f"no admin route {request.verb} {request.path}"})

    def _clock_state(self) -> dict[str, Any]:
        now = self.clock.now()
        return {"now": now.isoformat().replace("+00:00", "Z"), "frozen": self.clock.frozen}

    def _move_clock(self, raw: bytes) -> Response:
        try:
            payload = json.loads(raw or b"{}")
            if not isinstance(payload, dict):
                raise ValueError("expected a JSON object")
            if "advance_hours" in payload:
                self.clock.advance(hours=float(payload["advance_hours"]))
            elif "advance_seconds" in payload:
                self.clock.advance(seconds=float(payload["advance_seconds"]))
            elif "set" in payload:
                self.clock.set(datetime.fromisoformat(str(payload["set"])))
            else:
                raise ValueError('expected {"advance_hours": n} or {"set": "<ISO-8601>"}')
        except (ValueError, TypeError) as exc:
            return _json_response(400, {"error": f"bad clock request: {exc}"})
        return _json_response(200, self._clock_state())


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    emulator: EmulatorServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the httplib2 transport expects
    server_version = "youtube-emulator"
    timeout = 60  # drop idle keep-alive connections
    # One write per response (flushed by handle_one_request) and no Nagle: otherwise headers and
    # body go out as two segments and delayed ACKs add ~40 ms to every keep-alive request.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: _HTTPServer
    _now: datetime | None = None

    def _serve(self) -> None:
        emulator = self.server.emulator
        self._now = emulator.clock.now()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        url = urlsplit(self.path)
        # Repeated parameters (the Google client sends part=a&part=b) mean the same as a,b.
        query = {
            name: ",".join(values)
            for name, values in parse_qs(url.query, keep_blank_values=True).items()
        }
        request = Request(self.command, url.path, query, self.headers, body, self._now)
        self.deliver(emulator.handle(request))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def deliver(self, response: Response) -> None:
        """Write a response on the wire (where slow/reset/malformed faults would act)."""
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.status != 304:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if response.body and response.status != 304:
            self.wfile.write(response.body)

    def version_string(self) -> str:
        return self.server_version

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header shows the emulated clock, read once when the request arrived.
        if timestamp is None and self._now is not None:
            return format_datetime(self._now, usegmt=True)
        return super().date_time_string(timestamp)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        # Quiet: request lines contain key=... and tests run many requests.
        return
