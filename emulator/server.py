"""HTTP front of the emulator: routing, API key, quota ledger, ETag/304, ``Date`` from the clock.

Every request goes through one pipeline, ``EmulatorServer.handle``:

    admin route? -> resolve the list method -> check the key -> daily quota left?
    -> fault plan (``_inject_fault``: an error answers here) -> run the method (``api.py``, over
    ``mutations.view()``) -> ETag / 304 -> answer rewrites (``rewrites.py``) -> charge quota
    -> ``_Handler.deliver`` (where slow, reset and malformed faults misbehave on the wire)

Faults (``faults.py``), data mutations (``mutations.py``) and answer rewrites are scripted in
process (``server.faults.add(Fault(...))``, ``server.mutations.delete_video(...)``,
``server.rewrites.add(Rewrite(...))``, ``server.set_daily_quota(n)``) or over the admin routes
(``/emulator/faults``, ``/emulator/mutations``, ``/emulator/rewrites``,
``/emulator/quota/limit``) for an emulator started on its own.

Quota model: each call to a list method costs 1 unit (``search.list``, served only with
``search=True``: 100), errors included (the real API charges invalid requests too); a 304 Not
Modified costs ``not_modified_cost`` (default 1, since Google does not document that
conditional requests are free). Requests without a valid key are not
charged (there is no project to bill), nor are unknown paths or the ``/emulator/`` admin calls.
Faulted calls cost what ``faults.py`` says. With a ``daily_quota``, once the units charged in the
current Pacific-time day (by the emulator clock) reach it, every API call is answered 403
``quotaExceeded`` at no cost, until the clock passes midnight in America/Los_Angeles. The check
and the charge are not one atomic step: concurrent calls can overshoot the limit by a few units,
as Google's own (eventually consistent) accounting can.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import Message
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from emulator import api
from emulator.clock import Clock
from emulator.faults import Fault, FaultPlan, parse_rules
from emulator.mutations import Mutations
from emulator.rewrites import Rewrite, Rewrites, parse_rewrites
from emulator.world import World

API_PREFIX = "/youtube/v3/"
ADMIN_PREFIX = "/emulator/"
JSON_TYPE = "application/json; charset=UTF-8"
PACIFIC = ZoneInfo("America/Los_Angeles")  # where YouTube's daily quota resets at midnight


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
    """What the pipeline hands back to the wire. ``method`` is the quota name, if any;
    ``fault`` a slow/reset/malformed rule for ``_Handler.deliver`` to act out; ``date`` the
    ``Date`` header text a rewrite rule put in place of the clock's."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    method: str | None = None
    fault: Fault | None = None
    date: str | None = None


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


def _payload(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError as exc:
        raise ValueError(f"the body is not JSON ({exc})") from None


def pacific_day(at: datetime) -> date:
    """The quota day ``at`` falls in (days start at midnight America/Los_Angeles)."""
    return at.astimezone(PACIFIC).date()


def _check_limit(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"daily quota must be a whole number >= 0 or null, got {value!r}")
    return value


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

    ``faults``: initial fault rules (``Fault`` objects or their JSON dicts), kept in
    ``self.faults`` (a ``FaultPlan``). ``daily_quota``: units per Pacific day, None = unlimited.
    ``self.mutations`` scripts data changes (``Mutations``); ``rewrites``: answer rewriting
    rules (``Rewrite`` objects or their JSON dicts), kept in ``self.rewrites``. ``search``: also
    serve ``search.list`` (100 units a call), which the warehouse never uses.
    """

    def __init__(
        self,
        world: World,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        not_modified_cost: int = 1,
        faults: Iterable[Fault | dict[str, Any]] = (),
        daily_quota: int | None = None,
        search: bool = False,
        rewrites: Iterable[Rewrite | dict[str, Any]] = (),
    ) -> None:
        self.world = world
        # search.list (100 units a call) exists only when asked for: see api.OPTIONAL_METHODS
        self.methods = {**api.METHODS, **(api.OPTIONAL_METHODS if search else {})}
        self.clock = clock or Clock(not_before=world.as_of)
        self.host = host
        self.port = port
        self.api_key = api_key
        self.not_modified_cost = not_modified_cost
        self.faults = FaultPlan(faults)
        self.mutations = Mutations(world)
        self.rewrites = Rewrites(rewrites)
        self._quota: Counter[str] = Counter()
        self._quota_lock = threading.Lock()
        self._daily_limit = _check_limit(daily_quota)
        self._day: date | None = None  # the Pacific day _units_today belongs to
        self._units_today = 0
        self._refused = 0
        self._stopping = threading.Event()  # cuts slow-fault sleeps short on stop()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> EmulatorServer:
        if self._httpd is not None:
            return self
        self._stopping.clear()
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
        self._stopping.set()
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
        """Units spent since start (or the last reset), in total and per API method, and today.

        ``units_today`` counts the Pacific day ``pacific_day`` of the emulator clock;
        ``refused`` is how many calls the daily limit answered with ``quotaExceeded``.
        """
        day = pacific_day(self.clock.now())
        with self._quota_lock:
            return {
                "total": sum(self._quota.values()),
                "by_method": dict(sorted(self._quota.items())),
                "daily_limit": self._daily_limit,
                "pacific_day": day.isoformat(),
                "units_today": self._units_today if self._day == day else 0,
                "refused": self._refused,
            }

    def reset_quota(self) -> None:
        """Forget every unit spent (the daily limit itself stays)."""
        with self._quota_lock:
            self._quota.clear()
            self._day = None
            self._units_today = 0
            self._refused = 0

    def set_daily_quota(self, units: int | None) -> None:
        """Units allowed per Pacific day (None = unlimited); what today already spent counts."""
        limit = _check_limit(units)
        with self._quota_lock:
            self._daily_limit = limit

    def quota_after(self, units: int) -> int:
        """Let ``units`` more units through today, then answer ``quotaExceeded``; the new limit."""
        if isinstance(units, bool) or not isinstance(units, int) or units < 0:
            raise ValueError(f"quota_after needs a whole number of units >= 0, got {units!r}")
        day = pacific_day(self.clock.now())
        with self._quota_lock:
            spent = self._units_today if self._day == day else 0
            self._daily_limit = spent + units
            return self._daily_limit

    def _charge(self, method: str, units: int, now: datetime) -> None:
        if units <= 0:
            return
        day = pacific_day(now)
        with self._quota_lock:
            self._quota[method] += units
            if self._day != day:
                self._day, self._units_today = day, 0
            self._units_today += units

    def _quota_spent(self, now: datetime) -> bool:
        """True (and counted as refused) when today's units reached the daily limit."""
        day = pacific_day(now)
        with self._quota_lock:
            if self._daily_limit is None:
                return False
            spent = self._units_today if self._day == day else 0
            if spent < self._daily_limit:
                return False
            self._refused += 1
            return True

    # ----------------------------------------------------------------- pipeline

    def handle(self, request: Request) -> Response:
        """Turn one request into one response. The single place requests are processed."""
        if request.path.startswith(ADMIN_PREFIX):
            return self._admin(request)
        if not request.path.startswith(API_PREFIX):
            return _error(api.method_not_found())
        method = self.methods.get(request.path[len(API_PREFIX) :].strip("/"))
        if method is None:
            return _error(api.method_not_found())
        if request.verb != "GET":
            return _error(api.ApiError(405, "Method not allowed.", "methodNotAllowed"))
        key = request.query.get("key", "")
        if not key:
            return _error(api.missing_key())
        if self.api_key is not None and key != self.api_key:
            return _error(api.invalid_key())

        if self._quota_spent(request.now):
            response = _error(api.quota_exceeded())  # costs nothing: there is nothing left
            response.method = method.name
            return response

        fault = self._inject_fault(request, method.name)
        if fault is not None and fault.kind == "error":
            self._charge(method.name, fault.error_cost(), request.now)
            response = _error(fault.api_error())
            response.method = method.name
            return response

        response, units = self._call(request, method)
        if fault is not None:  # slow, reset, malformed: processed as usual, acted out on the wire
            response.fault = fault
            if fault.cost is not None:
                units = fault.cost
        self._charge(method.name, units, request.now)
        return response

    def _call(self, request: Request, method: api.Method) -> tuple[Response, int]:
        """Run the method over the (possibly mutated) world: the response and its cost."""
        pretty = request.query.get("prettyPrint", "true").lower() != "false"
        world = self.mutations.view()
        try:
            body = api.call_method(method, world, request.query, request.now)
        except api.ApiError as error:
            response = _error(error)
            response.method = method.name
            return response, method.cost
        not_modified = _etag_matches(request.headers.get("If-None-Match"), body["etag"])
        # after the ETag check: a rewritten answer keeps the ETag of what was produced
        rewritten = self.rewrites.apply(method.name, request.query, None if not_modified else body)
        if not_modified:
            headers = [("Cache-Control", "private")]
            response = Response(304, b"", headers, method.name, date=rewritten.date)
            return response, self.not_modified_cost
        response = _json_response(200, rewritten.body, pretty=pretty)
        response.method = method.name
        response.date = rewritten.date
        return response, method.cost

    def _inject_fault(self, request: Request, method: str) -> Fault | None:
        """The fault rule that applies to this call, if any (the plan counts the call)."""
        if not len(self.faults):
            return None
        return self.faults.decide(method, request.query)

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
        try:
            if route == ("POST", "/emulator/quota/limit"):
                return _json_response(200, self._set_limit(_payload(request.body)))
            if route == ("GET", "/emulator/faults"):
                return _json_response(200, {"faults": self.faults.to_list()})
            if route == ("POST", "/emulator/faults"):
                self.faults.add(*parse_rules(_payload(request.body)))
                return _json_response(200, {"faults": self.faults.to_list()})
            if route == ("DELETE", "/emulator/faults"):
                self.faults.clear()
                return _json_response(200, {"faults": []})
            if route == ("GET", "/emulator/rewrites"):
                return _json_response(200, {"rewrites": self.rewrites.to_list()})
            if route == ("POST", "/emulator/rewrites"):
                self.rewrites.add(*parse_rewrites(_payload(request.body)))
                return _json_response(200, {"rewrites": self.rewrites.to_list()})
            if route == ("DELETE", "/emulator/rewrites"):
                self.rewrites.clear()
                return _json_response(200, {"rewrites": []})
            if route == ("GET", "/emulator/mutations"):
                return _json_response(200, self.mutations.to_dict())
            if route == ("POST", "/emulator/mutations"):
                self._mutate(_payload(request.body))
                return _json_response(200, self.mutations.to_dict())
            if route == ("DELETE", "/emulator/mutations"):
                self.mutations.clear()
                return _json_response(200, self.mutations.to_dict())
        except ValueError as exc:
            return _json_response(400, {"error": f"bad {request.path} request: {exc}"})
        return _json_response(404, {"error": f"no admin route {request.verb} {request.path}"})

    def _set_limit(self, payload: Any) -> dict[str, Any]:
        if isinstance(payload, dict) and set(payload) == {"daily_quota"}:
            self.set_daily_quota(payload["daily_quota"])
        elif isinstance(payload, dict) and set(payload) == {"after_units"}:
            self.quota_after(payload["after_units"])
        else:
            raise ValueError('expected {"daily_quota": n or null} or {"after_units": n}')
        return self.quota()

    def _mutate(self, payload: Any) -> None:
        actions = payload if isinstance(payload, list) else [payload]
        # Try the whole batch on a scratch copy first, so a bad action changes nothing.
        scratch = Mutations(self.world)
        for action in actions:
            scratch.apply(action)
        for action in actions:
            self.mutations.apply(action)

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

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out on a slow fault or hang up are expected here, not errors.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


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
    _date: str | None = None  # a rewrite rule's Date header text, for the current answer

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
        """Write a response on the wire, or act out a slow/reset/malformed fault."""
        fault = response.fault
        kind = fault.kind if fault is not None else None
        if kind == "reset":
            self._reset()
            return
        status, headers, body = response.status, response.headers, response.body
        self._date = response.date
        if fault is not None and kind == "slow":
            self.server.emulator._stopping.wait(fault.delay_seconds)
            # The client has probably given up: do not keep the connection for another request.
            headers = [*headers, ("Connection", "close")]
        elif kind == "malformed":
            status = 200
            headers = [h for h in headers if h[0].lower() != "content-type"]
            headers.insert(0, ("Content-Type", JSON_TYPE))
            # A strict prefix of a JSON object is never valid JSON.
            body = body[: len(body) // 2] if len(body) > 1 else b'{"kind": "youtube#'
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and status != 304:
            self.wfile.write(body)

    def _reset(self) -> None:
        """Drop the connection with a TCP RST and no response (SO_LINGER 0, then close)."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # The socket really closes (sending the RST) once finish() has closed rfile and wfile.
        self.connection.close()

    def version_string(self) -> str:
        return self.server_version

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header shows the emulated clock, read once when the request arrived (or
        # what a rewrite rule says).
        if timestamp is None and self._date is not None:
            return self._date
        if timestamp is None and self._now is not None:
            return format_datetime(self._now, usegmt=True)
        return super().date_time_string(timestamp)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        # Quiet: request lines contain key=... and tests run many requests.
        return
