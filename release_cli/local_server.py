"""The Order API as a local HTTP server: ``sam local start-api`` without Docker (``release serve``).

Each request is matched against the template's HTTP API routes (``http_routes``), becomes a payload
2.0 event (``http_api_event``), and runs through the handler in-process against the local tables of
``release local`` (``local_invoke.local_aws``: moto, sample data loaded). The function may be called
by several connections at once: ``release serve`` gives it Lambda's concurrency model
(``execution_environments``: each concurrent request in an execution environment of its own, up to
``--concurrency``, the rest queued). Connections are threaded and kept alive (HTTP/1.1), so a slow
client never blocks another's connection set-up.

Connections: the listen queue holds ``LISTEN_BACKLOG`` (128) connections not yet accepted (the
standard library's 5 overflowed under 50 clients: the kernel dropped their connection attempts and
clients saw resets); the kernel caps it at ``net.core.somaxconn``. Whatever ends a connection other
than the client closing it or an answer that says ``Connection: close`` is logged, one line with the
reason: a connection reset or broken mid-request, a request that did not arrive within
``SOCKET_TIMEOUT_SECONDS`` (an idle keep-alive connection is closed then), an accept that failed
(too many open files, a client gone before it was accepted), and, on Linux, an accept that found the
listen queue full (the kernel refuses new connections while it is: it counts them, the process cannot).

What API Gateway would refuse never reaches the handler, and is answered as API Gateway does:
no route -> 404 ``{"message":"Not Found"}``; a body over 10 MB (the HTTP API payload quota), sent with
a Content-Length or chunked (the chunks' total counts), -> 413 ``{"message":"Request Entity Too
Large"}`` (``http_body``: never more than the quota held in memory); malformed HTTP -> 400 (or
431/505, as the standard library's parser names it); the handler raising -> 500
``{"message":"Internal Server Error"}``. A body under 10 MB reaches the handler, which has limits of
its own (it answers a body over 16 KB with its 400 "request body is larger than 16384 bytes", as it
does deployed); Lambda's 6 MB invoke payload limit is not emulated. Function code that cannot be
loaded (an import or syntax error in a new execution environment) -> 502 ``{"message":"Internal
Server Error"}``, API Gateway's answer for an integration that failed, the traceback in the log only.
None of these ever sends a traceback, and the server keeps serving. One log line per request goes to
stderr.

With ``check_auth`` (``release serve --check-auth``) a route the template authorizes answers a request
that carries no ``Authorization`` header as API Gateway does before any function runs: ``AWS_IAM``
-> 403 ``{"message":"Forbidden"}``, ``JWT`` (or a Lambda authorizer) -> 401 ``{"message":"Unauthorized"}``.
It catches a client that forgot to sign; it verifies no signature and no token.
"""

from __future__ import annotations

import socket
import struct
import sys
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO

from release_cli.execution_environments import EnvironmentInitError
from release_cli.http_api_event import HttpRequest, HttpResponse, build_event, gateway_error, http_response
from release_cli.http_body import BodyRefused, read_body
from release_cli.http_routes import Route, match_route

SOCKET_TIMEOUT_SECONDS = 60
LISTEN_BACKLOG = 128
"""Connections the kernel queues before they are accepted (the standard library's default is 5)."""
Invoker = Callable[[dict[str, Any]], Any]


class LocalApi:
    """Routes plus the function: turns one ``HttpRequest`` into one ``HttpResponse``."""

    def __init__(
        self, routes: list[Route], invoke: Invoker, log: TextIO | None = None, *, check_auth: bool = False
    ) -> None:
        self.routes = routes
        self.check_auth = check_auth
        self._invoke = invoke
        self._log = log if log is not None else sys.stderr

    def set_invoker(self, invoke: Invoker) -> None:
        """The function to call from now on (``release serve`` sets it once the local tables are up)."""
        self._invoke = invoke

    def respond(self, request: HttpRequest) -> tuple[HttpResponse, str]:
        """The response and the route key it took (``-`` when none did)."""
        found = match_route(self.routes, request.method, request.raw_path)
        if found is None:
            return gateway_error(404, "Not Found"), "-"
        if self.check_auth and not _has_credentials(request):
            refusal = MISSING_CREDENTIALS.get(found.authorization)
            if refusal is not None:
                return gateway_error(*refusal), found.route_key
        event = build_event(request, found.route_key, found.path_parameters)
        try:
            result = self._invoke(event)
        except EnvironmentInitError as err:  # the code could not be loaded: API Gateway's failed integration
            self.log(f"function init error on {request.method} {request.raw_path}: {err}\n{err.detail.rstrip()}")
            return gateway_error(502, "Internal Server Error"), found.route_key
        except Exception as err:  # the function failed: API Gateway answers 500 and the log has the cause
            self.log(f"function error on {request.method} {request.raw_path}: {type(err).__name__}: {err}")
            return gateway_error(500, "Internal Server Error"), found.route_key
        return http_response(result), found.route_key

    def log(self, line: str) -> None:
        try:
            self._log.write(line + "\n")
            self._log.flush()
        except (OSError, ValueError):  # stderr closed: logging must never take a request down
            pass


MISSING_CREDENTIALS = {"AWS_IAM": (403, "Forbidden"), "JWT": (401, "Unauthorized"), "CUSTOM": (401, "Unauthorized")}
"""API Gateway's answer, per route AuthorizationType, to a request without an ``Authorization`` header."""


def _has_credentials(request: HttpRequest) -> bool:
    return any(name.lower() == "authorization" and value.strip() for name, value in request.headers)


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG
    api: LocalApi
    _queue_was_full = False

    def get_request(self) -> tuple[socket.socket, Any]:
        """Accept one connection; a failed accept (which the standard library drops silently) is logged."""
        try:
            accepted = super().get_request()
        except OSError as err:
            self.api.log(f"accept failed: {type(err).__name__}: {err}")
            raise
        self._note_full_queue()
        return accepted

    def _note_full_queue(self) -> None:
        """One line when the listen queue is found full, and one when it has room again (Linux only)."""
        waiting = listen_queue(self.socket)
        if waiting is None:
            return
        full = waiting[0] >= waiting[1]
        if full != self._queue_was_full:
            self._queue_was_full = full
            self.api.log(
                f"listen queue full ({waiting[0] + 1} of {waiting[1]} connections waiting): the kernel refuses "
                "new connections until there is room"
                if full
                else "listen queue has room again"
            )

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that broke mid-request: one line, never a traceback."""
        error = sys.exc_info()[1]
        self.api.log(f"{client_address[0]} connection error: {type(error).__name__}: {error}")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once: no delayed-ACK stalls on keep-alive
    timeout = SOCKET_TIMEOUT_SECONDS
    server: ApiServer
    server_version = "release-serve"

    def handle_one_request(self) -> None:
        self._started = time.perf_counter()
        super().handle_one_request()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # every method reaches the router: API Gateway routes any verb
            return self._serve
        raise AttributeError(name)

    def _serve(self) -> None:
        if self.request_version == "HTTP/0.9":  # API Gateway speaks HTTP/1.x only
            self.send_error(400)
            return
        body = self._read_body()
        if body is None:
            return
        request = HttpRequest(
            method=self.command,
            target=self.path,
            headers=list(self.headers.items()),
            body=body,
            source_ip=self.client_address[0],
            protocol=self.request_version,
        )
        response, route_key = self.server.api.respond(request)
        self._send(response, route_key)

    def _read_body(self) -> bytes | None:
        """The request body, or None once an error answer (400, 413) has been sent."""
        body = read_body(self.rfile, self.headers)
        if isinstance(body, BodyRefused):
            self._send(gateway_error(body.status, body.message), "-", close=body.close)
            return None
        return body

    def _send(self, response: HttpResponse, route_key: str, *, close: bool = False) -> None:
        self.send_response_only(response.status)
        names = {name.lower() for name, _ in response.headers}
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        if "date" not in names:
            self.send_header("Date", self.date_time_string())
        self.send_header("Content-Length", str(len(response.body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        # Logged before the answer leaves: once a client has its answer, the line is in the log.
        self._log_request(response.status, len(response.body), route_key)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's parser refusing a request (bad request line, headers): JSON, then close."""
        # parse_request has set request_version (and command: None before the method is read) by now.
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # answer with a status line and headers, whatever was sent
        self._send(gateway_error(code, HTTPStatus(code).phrase), "-", close=True)

    def _log_request(self, status: int, size: int, route_key: str) -> None:
        elapsed = (time.perf_counter() - self._started) * 1000  # both set in handle_one_request, before any answer
        line = (self.requestline or "-").replace("\r", " ")[:200]  # a request line ends at its first LF
        self.server.api.log(f'{self.client_address[0]} "{line}" {status} {size} {elapsed:.1f}ms route={route_key}')

    def log_error(self, format: str, *args: Any) -> None:
        """The standard library gave up on the connection (a request that did not arrive in time): one line."""
        reason = (format % args).replace("\r", " ").replace("\n", " ")
        self.server.api.log(f"{self.client_address[0]} connection closed: {reason}")

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: ``_log_request`` writes one line per request instead."""


def listen_queue(listener: socket.socket) -> tuple[int, int] | None:
    """(connections waiting to be accepted, the queue's size) of a listening socket, on Linux; else None."""
    option = getattr(socket, "TCP_INFO", None)
    if option is None:
        return None
    try:
        info = listener.getsockopt(socket.IPPROTO_TCP, option, 32)
    except OSError:
        return None
    # struct tcp_info: 8 one-byte fields, then u32 rto, ato, snd_mss, rcv_mss, unacked, sacked. For a
    # listening socket the kernel reports the accept queue's length in unacked and its size in sacked.
    waiting, size = struct.unpack_from("=II", info, 24)
    return waiting, size


def make_server(api: LocalApi, host: str = "127.0.0.1", port: int = 3000) -> ApiServer:
    """A server bound to ``host:port`` (0 takes a free port; ``server_address`` tells which); ``api``
    answers its requests and may be replaced (``server.api``) until it starts serving."""
    server = ApiServer((host, port), _Handler)
    server.api = api
    return server
