"""``EmulatorServer``: the request pipeline, the API key, quota charging, ETag/304.

Every request goes through one pipeline, ``EmulatorServer.handle``:

    admin route? (``admin.py``) -> resolve the list method -> check the key -> daily quota left?
    -> fault plan (``_inject_fault``: an error answers here) -> run the method (``api/``, over
    ``mutations.view()``) -> ETag / 304 -> answer rewrites (``rewrites.py``) -> charge quota
    -> ``handler.Handler.deliver`` (where slow, reset and malformed faults misbehave on the wire)

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
Faulted calls cost what ``faults.py`` says. Each method charges one quota bucket (``quota.py``):
``videos.batchGetStats`` the ``stats`` bucket (``stats_daily_quota``, default 10,000),
``search.list`` the ``search`` bucket (``search_daily_quota``), every other method the
``default`` bucket (``daily_quota``). Once the units charged to a bucket in the current
Pacific-time day (by the emulator clock) reach its limit, that bucket's methods are answered 403
``quotaExceeded`` at no cost, until the clock passes midnight in America/Los_Angeles; the other
buckets' methods answer as usual.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from emulator.admin import ADMIN_PREFIX, handle_admin
from emulator.api import errors
from emulator.api.methods import BATCH_STATS, METHODS, SEARCH, Method, call_method
from emulator.clock import Clock
from emulator.faults import Fault, FaultPlan
from emulator.handler import Handler, HTTPServer
from emulator.messages import Request, Response, error_response, json_response
from emulator.mutations import Mutations
from emulator.quota import DEFAULT_BUCKET, DEFAULT_LIMITS, SEARCH_BUCKET, STATS_BUCKET, QuotaLedger
from emulator.rewrites import Rewrite, Rewrites
from emulator.world import World

API_PREFIX = "/youtube/v3/"


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
    ``self.faults`` (a ``FaultPlan``). ``daily_quota``: units per Pacific day of the default
    bucket, None = unlimited; ``stats_daily_quota`` (default 10,000) and ``search_daily_quota``
    (default unlimited) the same for the ``stats`` and ``search`` buckets.
    ``self.mutations`` scripts data changes (``Mutations``); ``rewrites``: answer rewriting
    rules (``Rewrite`` objects or their JSON dicts), kept in ``self.rewrites``. ``search``: also
    serve ``search.list`` (100 units a call), which the warehouse never uses. ``batch_stats``
    (default True): serve ``videos.batchGetStats``; False emulates a project the method is not
    available to (its path answers 404 ``notFound``, like any method the API does not have).
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
        batch_stats: bool = True,
        stats_daily_quota: int | None = DEFAULT_LIMITS[STATS_BUCKET],
        search_daily_quota: int | None = DEFAULT_LIMITS[SEARCH_BUCKET],
    ) -> None:
        self.world = world
        # search.list (100 units a call) exists only when asked for, videos.batchGetStats
        # unless refused: see OPTIONAL_METHODS
        self.methods = dict(METHODS)
        if search:
            self.methods["search"] = SEARCH
        if batch_stats:
            self.methods["videos:batchGetStats"] = BATCH_STATS
        self.clock = clock or Clock(not_before=world.as_of)
        self.host = host
        self.port = port
        self.api_key = api_key
        self.not_modified_cost = not_modified_cost
        self.faults = FaultPlan(faults)
        self.mutations = Mutations(world)
        self.rewrites = Rewrites(rewrites)
        self._ledger = QuotaLedger(
            {
                DEFAULT_BUCKET: daily_quota,
                STATS_BUCKET: stats_daily_quota,
                SEARCH_BUCKET: search_daily_quota,
            }
        )
        self.stopping = threading.Event()  # cuts slow-fault sleeps short on stop()
        self._httpd: HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> EmulatorServer:
        if self._httpd is not None:
            return self
        self.stopping.clear()
        httpd = HTTPServer((self.host, self.port), Handler)
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
        self.stopping.set()
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

        ``units_today``, ``daily_limit`` and ``refused`` are the default bucket's: units in the
        Pacific day ``pacific_day`` of the emulator clock, its limit, and how many calls the
        limit answered with ``quotaExceeded``. ``buckets`` has the same (plus ``total``) for
        every bucket: ``default``, ``search``, ``stats``.
        """
        return self._ledger.snapshot(self.clock.now())

    def reset_quota(self) -> None:
        """Forget every unit spent (the daily limits themselves stay)."""
        self._ledger.reset()

    def set_daily_quota(self, units: int | None, bucket: str = DEFAULT_BUCKET) -> None:
        """Units a bucket allows per Pacific day (None = unlimited); what today already spent
        counts."""
        self._ledger.set_daily_limit(units, bucket)

    def quota_after(self, units: int, bucket: str = DEFAULT_BUCKET) -> int:
        """Let ``units`` more units of a bucket through today, then answer ``quotaExceeded``;
        the new limit."""
        return self._ledger.allow(units, self.clock.now(), bucket)

    # ----------------------------------------------------------------- pipeline

    def handle(self, request: Request) -> Response:
        """Turn one request into one response. The single place requests are processed."""
        if request.path.startswith(ADMIN_PREFIX):
            return handle_admin(self, request)
        if not request.path.startswith(API_PREFIX):
            return error_response(errors.method_not_found())
        method = self.methods.get(request.path[len(API_PREFIX) :].strip("/"))
        if method is None:
            return error_response(errors.method_not_found())
        if request.verb != "GET":
            return error_response(errors.method_not_allowed())
        key = request.query.get("key", "")
        if not key:
            return error_response(errors.missing_key())
        if self.api_key is not None and key != self.api_key:
            return error_response(errors.invalid_key())

        if self._ledger.spent(request.now, method.bucket):
            # costs nothing: there is nothing left
            response = error_response(errors.quota_exceeded())
            response.method = method.name
            return response

        fault = self._inject_fault(request, method.name)
        if fault is not None and fault.kind == "error":
            self._ledger.charge(method.name, fault.error_cost(), request.now, method.bucket)
            response = error_response(fault.api_error())
            response.method = method.name
            return response

        response, units = self._call(request, method)
        if fault is not None:  # slow, reset, malformed: processed as usual, acted out on the wire
            response.fault = fault
            if fault.cost is not None:
                units = fault.cost
        self._ledger.charge(method.name, units, request.now, method.bucket)
        return response

    def _call(self, request: Request, method: Method) -> tuple[Response, int]:
        """Run the method over the (possibly mutated) world: the response and its cost."""
        pretty = request.query.get("prettyPrint", "true").lower() != "false"
        world = self.mutations.view()
        try:
            body = call_method(method, world, request.query, request.now)
        except errors.ApiError as error:
            response = error_response(error)
            response.method = method.name
            return response, method.cost
        not_modified = _etag_matches(request.headers.get("If-None-Match"), body["etag"])
        # after the ETag check: a rewritten answer keeps the ETag of what was produced
        rewritten = self.rewrites.apply(method.name, request.query, None if not_modified else body)
        if not_modified:
            headers = [("Cache-Control", "private")]
            response = Response(304, b"", headers, method.name, date=rewritten.date)
            return response, self.not_modified_cost
        response = json_response(200, rewritten.body, pretty=pretty)
        response.method = method.name
        response.date = rewritten.date
        return response, method.cost

    def _inject_fault(self, request: Request, method: str) -> Fault | None:
        """The fault rule that applies to this call, if any (the plan counts the call)."""
        if not len(self.faults):
            return None
        return self.faults.decide(method, request.query)
