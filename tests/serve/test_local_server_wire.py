"""The local server on the wire, in-process with a recording function and a raw socket: the headers the
server owns (framing, Date, Connection), HEAD, what it answers to HTTP it refuses, and its log lines."""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from io import StringIO
from typing import Any, BinaryIO

import pytest

from release_cli.http_body import DRAIN_LIMIT_BYTES
from release_cli.http_routes import routes_from_template
from release_cli.local_server import ApiServer, LocalApi, make_server
from tests.serve.test_local_server import Recorder

ROUTE = "ANY /orders/{id}"
TEMPLATE = {"Resources": {"R": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"RouteKey": ROUTE}}}}


@dataclass
class Wire:
    httpd: ApiServer
    recorder: Recorder
    log: StringIO

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def connect(self, source: str = "127.0.0.1") -> socket.socket:
        conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        conn.settimeout(5)
        conn.bind((source, 0))
        conn.connect(("127.0.0.1", self.port))
        return conn

    def log_lines(self, count: int) -> list[str]:
        """The last ``count`` log lines, once there are that many (a line may follow the answer by a moment)."""
        deadline = time.monotonic() + 5
        while len(self.log.getvalue().splitlines()) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.log.getvalue().splitlines()[-count:]


@dataclass(frozen=True)
class Answer:
    status_line: str
    headers: list[tuple[str, str]]
    body: bytes

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


def read_answer(stream: BinaryIO, *, head: bool = False) -> Answer:
    """One response from ``stream``: status line, headers as sent, and a body of its Content-Length."""
    status_line = stream.readline().decode("latin-1").rstrip("\r\n")
    headers = []
    while (line := stream.readline().decode("latin-1").rstrip("\r\n")) != "":
        name, _, value = line.partition(":")
        headers.append((name, value.strip()))
    lengths = [value for name, value in headers if name.lower() == "content-length"]
    body = b"" if head or not lengths else stream.read(int(lengths[0]))
    return Answer(status_line, headers, body)


def closed_by_server(conn: socket.socket) -> bool:
    try:
        return conn.recv(1) == b""
    except TimeoutError:
        return False


@pytest.fixture
def wire() -> Iterator[Wire]:
    recorder, log = Recorder(), StringIO()
    httpd = make_server(LocalApi(routes_from_template(TEMPLATE), recorder, log), port=0)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield Wire(httpd, recorder, log)
    httpd.shutdown()
    httpd.server_close()


def test_the_server_owns_the_framing_headers_and_the_connection_stays_open(wire: Wire) -> None:
    # A function's own Content-Length, Connection or Transfer-Encoding would contradict the body sent.
    wire.recorder.reply = {
        "statusCode": 200,
        "headers": {"content-LENGTH": "999", "Connection": "close", "Transfer-Encoding": "chunked", "X-A": "1"},
        "body": "hello",
    }
    with wire.connect() as conn, conn.makefile("rb") as stream:
        conn.sendall(b"GET /orders/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        first = read_answer(stream)
        assert (first.status_line, first.body, first.all("Content-Length")) == ("HTTP/1.1 200 OK", b"hello", ["5"])
        assert first.all("Transfer-Encoding") == first.all("Connection") == [] and first.all("X-A") == ["1"]
        conn.sendall(b"GET /orders/2 HTTP/1.1\r\nHost: x\r\n\r\n")  # keep-alive: the same connection goes on
        assert read_answer(stream).body == b"hello"
    assert [event["pathParameters"]["id"] for event in wire.recorder.events] == ["1", "2"]


def test_every_answer_has_one_date_the_functions_own_if_it_sent_one(wire: Wire) -> None:
    with wire.connect() as conn, conn.makefile("rb") as stream:
        conn.sendall(b"GET /orders/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        dates = read_answer(stream).all("Date")
        assert len(dates) == 1 and abs(parsedate_to_datetime(dates[0]).timestamp() - time.time()) < 60
        wire.recorder.reply = {"statusCode": 200, "headers": {"date": "Tue, 01 Jan 2030 00:00:00 GMT"}, "body": ""}
        conn.sendall(b"GET /orders/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_answer(stream).all("Date") == ["Tue, 01 Jan 2030 00:00:00 GMT"]


def test_head_gets_the_headers_of_get_and_no_body(wire: Wire) -> None:
    wire.recorder.reply = {"statusCode": 200, "body": "twelve bytes"}
    with wire.connect() as conn, conn.makefile("rb") as stream:
        conn.sendall(b"HEAD /orders/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        head = read_answer(stream, head=True)
        assert (head.status_line, head.all("Content-Length")) == ("HTTP/1.1 200 OK", ["12"])
        conn.sendall(b"GET /orders/1 HTTP/1.1\r\nHost: x\r\n\r\n")  # were a body sent, this would read it instead
        get = read_answer(stream)
        assert (get.status_line, get.all("Content-Length"), get.body) == ("HTTP/1.1 200 OK", ["12"], b"twelve bytes")


def test_a_lowercase_head_is_not_head_and_gets_its_body(wire: Wire) -> None:
    # Methods are case-sensitive (RFC 9110): "head" is an unknown method, so its answer has the body it announces.
    wire.recorder.reply = {"statusCode": 200, "body": "body"}
    with wire.connect() as conn, conn.makefile("rb") as stream:
        conn.sendall(b"head /orders/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_answer(stream).body == b"body"


def test_the_event_names_the_clients_address_and_http_version(wire: Wire) -> None:
    with wire.connect(source="127.0.0.3") as conn, conn.makefile("rb") as stream:
        conn.sendall(b"GET /orders/1 HTTP/1.0\r\n\r\n")
        assert read_answer(stream).status_line == "HTTP/1.1 200 OK"
        assert closed_by_server(conn)  # HTTP/1.0 without keep-alive: one request per connection
    http = wire.recorder.events[-1]["requestContext"]["http"]
    assert (http["sourceIp"], http["protocol"]) == ("127.0.0.3", "HTTP/1.0")
    assert wire.log_lines(1)[0].startswith('127.0.0.3 "GET /orders/1 HTTP/1.0" 200 ')


def test_one_log_line_per_request_with_client_status_size_time_and_route(wire: Wire) -> None:
    def slow(event: dict[str, Any]) -> Any:
        time.sleep(0.05)
        return {"statusCode": 200, "body": "{}"}

    wire.httpd.api = LocalApi(routes_from_template(TEMPLATE), slow, wire.log)
    with wire.connect() as conn, conn.makefile("rb") as stream:
        conn.sendall(b"GET /orders/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        read_answer(stream)
        conn.sendall(b"GET /customers HTTP/1.1\r\nHost: x\r\n\r\n")
        assert json.loads(read_answer(stream).body) == {"message": "Not Found"}
    found, missing = wire.log_lines(2)
    line = re.fullmatch(r'127\.0\.0\.1 "GET /orders/1 HTTP/1\.1" 200 2 (\d+\.\d)ms route=ANY /orders/\{id\}', found)
    assert line is not None, found
    assert 50 <= float(line.group(1)) < 5000  # the function's 50 ms, in milliseconds
    assert re.fullmatch(r'127\.0\.0\.1 "GET /customers HTTP/1\.1" 404 23 \d+\.\dms route=-', missing), missing


def test_a_body_declared_past_the_drain_limit_is_a_413_and_the_connection_closes(wire: Wire) -> None:
    # Not read on (that would be 40 MB): the answer says close, and the server closes.
    with wire.connect() as conn, conn.makefile("rb") as stream:
        conn.sendall(b"POST /orders/1 HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (DRAIN_LIMIT_BYTES + 1))
        answer = read_answer(stream)
        assert answer.status_line.startswith("HTTP/1.1 413 ")  # the reason phrase is the standard library's
        assert json.loads(answer.body) == {"message": "Request Entity Too Large"}
        assert answer.all("Connection") == ["close"] and closed_by_server(conn)
    assert wire.recorder.events == []
    assert re.search(r'"POST /orders/1 HTTP/1\.1" 413 38 \S+ route=-$', wire.log_lines(1)[0])


def test_an_http_0_9_request_is_a_400_with_a_status_line_and_never_reaches_the_function(wire: Wire) -> None:
    with wire.connect() as conn, conn.makefile("rb") as stream:
        conn.sendall(b"GET /orders/1\r\n\r\n")  # the parser reads (empty) headers even then
        answer = read_answer(stream)
        assert (answer.status_line, json.loads(answer.body)) == ("HTTP/1.1 400 Bad Request", {"message": "Bad Request"})
        assert answer.all("Connection") == ["close"] and closed_by_server(conn)
    assert wire.recorder.events == []
    assert wire.log_lines(1)[0].endswith("route=-")


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_header_line_over_64_kb_is_a_431_and_a_head_gets_no_body(wire: Wire, method: str) -> None:
    with wire.connect() as conn, conn.makefile("rb") as stream:
        conn.sendall(method.encode() + b" /orders/1 HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n")
        answer = read_answer(stream, head=method == "HEAD")
        assert answer.status_line == "HTTP/1.1 431 Request Header Fields Too Large"
        assert answer.all("Connection") == ["close"] and answer.all("Content-Type") == ["application/json"]
        rest = stream.read()  # to the end: the server closes
    if method == "HEAD":
        assert rest == b""
    else:
        assert (json.loads(answer.body), rest) == ({"message": "Request Header Fields Too Large"}, b"")
    assert wire.recorder.events == []


def test_a_request_line_over_64_kb_is_a_414_logged_as_dash(wire: Wire) -> None:
    with wire.connect() as conn, conn.makefile("rb") as stream:
        conn.sendall(b"GET /orders/" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n")
        answer = read_answer(stream)
    assert (answer.status_line, json.loads(answer.body)) == ("HTTP/1.1 414 URI Too Long", {"message": "URI Too Long"})
    assert re.fullmatch(r'127\.0\.0\.1 "-" 414 26 \S+ route=-', wire.log_lines(1)[0])


def test_a_carriage_return_inside_the_request_line_cannot_break_the_log_line(wire: Wire) -> None:
    with wire.connect() as conn, conn.makefile("rb") as stream:
        conn.sendall(b"GET /a\rb HTTP/1.1\r\n\r\n")
        assert read_answer(stream).status_line == "HTTP/1.1 400 Bad Request"
    assert "\r" not in wire.log.getvalue()
    assert wire.log_lines(1)[0].startswith('127.0.0.1 "GET /a b HTTP/1.1" 400 ')


def test_the_log_line_holds_the_first_200_characters_of_a_long_request_line(wire: Wire) -> None:
    request_line = "GET /orders/" + "x" * 300 + " HTTP/1.1"
    with wire.connect() as conn, conn.makefile("rb") as stream:
        conn.sendall(request_line.encode() + b"\r\nHost: x\r\n\r\n")
        assert read_answer(stream).status_line == "HTTP/1.1 200 OK"
    assert wire.log_lines(1)[0].startswith(f'127.0.0.1 "{request_line[:200]}" 200 ')


def test_a_connection_reset_mid_request_is_one_log_line_and_no_traceback(wire: Wire) -> None:
    conn = wire.connect()
    conn.sendall(b"POST /orders/1 HTTP/1.1\r\nHost: x\r\n")  # the headers never end
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()  # with SO_LINGER 0: a reset, not a FIN
    line = wire.log_lines(1)[0]
    assert line.startswith("127.0.0.1 connection error: ConnectionResetError: "), line
    assert "Traceback" not in wire.log.getvalue() and wire.recorder.events == []


def test_without_a_log_stream_the_lines_go_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    def failing(event: dict[str, Any]) -> Any:
        raise RuntimeError("boom")

    from release_cli.http_api_event import HttpRequest

    response, route_key = LocalApi(routes_from_template(TEMPLATE), failing).respond(HttpRequest("GET", "/orders/1", []))
    assert (response.status, route_key) == (500, ROUTE)
    assert capsys.readouterr().err == "function error on GET /orders/1: RuntimeError: boom\n"
