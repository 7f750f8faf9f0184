"""The local server's connections: a listen queue that holds a burst of clients, and a log line for every
connection it drops or cannot take (a request that never came, a failed accept, a full listen queue)."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest

from release_cli.http_routes import routes_from_template
from release_cli.local_server import LISTEN_BACKLOG, ApiServer, LocalApi, listen_queue, make_server
from tests.serve.conftest import request
from tests.serve.test_local_server import Recorder

TEMPLATE = {"Resources": {"R": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"RouteKey": "ANY /orders/{id}"}}}}
BURST = 100


@pytest.fixture
def idle_server() -> Iterator[tuple[ApiServer, StringIO]]:
    """A server that listens but does not accept yet (``serve`` starts it)."""
    log = StringIO()
    httpd = make_server(LocalApi(routes_from_template(TEMPLATE), Recorder(), log), port=0)
    yield httpd, log
    if getattr(httpd, "serving", False):  # shutdown() waits for serve_forever, forever if it never ran
        httpd.shutdown()
    httpd.server_close()


def serve(httpd: ApiServer) -> None:
    httpd.serving = True  # type: ignore[attr-defined]
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


def connect(port: int) -> socket.socket:
    """A connection the kernel completes; one it drops (a full listen queue) times out here."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=1)
    conn.settimeout(10)
    return conn


def wait_for(log: StringIO, text: str) -> str:
    deadline = time.monotonic() + 5
    while text not in log.getvalue() and time.monotonic() < deadline:
        time.sleep(0.02)
    return log.getvalue()


def test_the_listen_queue_holds_a_burst_until_the_server_accepts(idle_server: tuple[ApiServer, StringIO]) -> None:
    httpd, _ = idle_server
    assert httpd.request_queue_size == LISTEN_BACKLOG >= 128
    port = httpd.server_address[1]
    connections = [connect(port) for _ in range(BURST)]  # Python's default queue of 5 drops the 7th
    serve(httpd)
    for conn in connections:
        conn.sendall(b"GET /orders/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert all(conn.recv(64).startswith(b"HTTP/1.1 200 ") for conn in connections)
    for conn in connections:
        conn.close()


@pytest.mark.skipif(not hasattr(socket, "TCP_INFO"), reason="the listen queue's length is read with Linux's TCP_INFO")
def test_a_full_listen_queue_is_logged_and_so_is_room_again(idle_server: tuple[ApiServer, StringIO]) -> None:
    httpd, log = idle_server
    queue = listen_queue(httpd.socket)
    assert queue is not None and queue == (0, LISTEN_BACKLOG)
    port = httpd.server_address[1]
    connections = [connect(port) for _ in range(LISTEN_BACKLOG + 1)]  # the kernel queues size + 1
    assert listen_queue(httpd.socket) == (LISTEN_BACKLOG + 1, LISTEN_BACKLOG)
    serve(httpd)
    lines = wait_for(log, "listen queue has room again").splitlines()
    full = f"listen queue full ({LISTEN_BACKLOG + 1} of {LISTEN_BACKLOG} connections waiting): the kernel refuses "
    assert lines[:2] == [full + "new connections until there is room", "listen queue has room again"]
    for conn in connections:
        conn.close()


def test_a_request_that_never_comes_is_logged_when_the_connection_is_closed(
    idle_server: tuple[ApiServer, StringIO], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("release_cli.local_server._Handler.timeout", 0.2)
    httpd, log = idle_server
    serve(httpd)
    conn = connect(httpd.server_address[1])
    assert conn.recv(64) == b""  # closed by the server
    text = wait_for(log, "connection closed")
    assert "127.0.0.1 connection closed: Request timed out: TimeoutError('timed out')\n" in text
    conn.close()


def test_a_failed_accept_is_logged_and_the_connection_still_served(
    idle_server: tuple[ApiServer, StringIO], monkeypatch: pytest.MonkeyPatch
) -> None:
    accept = socketserver.TCPServer.get_request
    failures = [OSError(24, "Too many open files")]

    def get_request(self: Any) -> Any:
        if failures:
            raise failures.pop()
        return accept(self)

    monkeypatch.setattr(socketserver.TCPServer, "get_request", get_request)
    httpd, log = idle_server
    serve(httpd)
    reply = request(f"http://127.0.0.1:{httpd.server_address[1]}/orders/1")
    assert reply.status == 200  # the connection waited in the queue for the next accept
    assert log.getvalue().splitlines()[0] == "accept failed: OSError: [Errno 24] Too many open files"


def test_listen_queue_is_none_where_it_cannot_be_read() -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as unix:
        assert listen_queue(unix) is None
