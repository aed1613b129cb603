"""The HTTP side: a threaded ``http.server`` whose handler reads each request off the socket,
hands it to ``EmulatorServer.handle`` and writes the response back.

HTTP/1.1 with keep-alive (what the httplib2 transport expects), one write per response and no
Nagle delay. The ``Date`` header shows the emulated clock, read once when the request arrived
(or the text an answer rewrite put there). This is also where the wire-level faults are acted
out: ``slow`` (answer after the delay, then close), ``reset`` (TCP RST, no response) and
``malformed`` (a 200 carrying the first half of the body).
"""

from __future__ import annotations

import socket
import struct
import sys
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from emulator.messages import JSON_TYPE, Request, Response

if TYPE_CHECKING:
    from emulator.server import EmulatorServer


class HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    emulator: EmulatorServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out on a slow fault or hang up are expected here, not errors.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the httplib2 transport expects
    server_version = "youtube-emulator"
    timeout = 60  # drop idle keep-alive connections
    # One write per response (flushed by handle_one_request) and no Nagle: otherwise headers and
    # body go out as two segments and delayed ACKs add ~40 ms to every keep-alive request.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: HTTPServer
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
            self.server.emulator.stopping.wait(fault.delay_seconds)
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
