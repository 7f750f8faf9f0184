"""The server between client and function, in-process with a recording function: the payload 2.0 event
it builds and how it returns the function's response (status, headers, cookies, base64 bodies)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest

from release_cli.http_api_event import http_response
from release_cli.http_routes import routes_from_template
from release_cli.local_server import LocalApi, make_server
from tests.serve.conftest import request


class Recorder:
    """Stands in for the function: records every event, answers with ``reply`` (or raises it)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.reply: Any = {"statusCode": 200, "body": "{}"}

    def __call__(self, event: dict[str, Any]) -> Any:
        self.events.append(event)
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


@pytest.fixture
def server() -> Iterator[tuple[str, Recorder, StringIO]]:
    template = {
        "Resources": {"R": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"RouteKey": "ANY /orders/{id}"}}}
    }
    recorder, log = Recorder(), StringIO()
    httpd = make_server(LocalApi(routes_from_template(template), recorder, log), port=0)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", recorder, log
    httpd.shutdown()
    httpd.server_close()


def test_the_event_is_payload_format_2(server: tuple[str, Recorder, StringIO]) -> None:
    url, recorder, _ = server
    headers = {"X-Trace": "abc", "Cookie": "a=1; b=2", "Content-Type": "application/json"}
    request(f"{url}/orders/ORD%2D1?tag=x&tag=y&empty=", "PUT", '{"k": 1}', headers)
    event = recorder.events[-1]
    assert (event["version"], event["routeKey"], event["rawPath"], event["rawQueryString"]) == (
        "2.0",
        "ANY /orders/{id}",
        "/orders/ORD%2D1",
        "tag=x&tag=y&empty=",
    )
    assert event["queryStringParameters"] == {"tag": "x,y", "empty": ""}
    assert event["pathParameters"] == {"id": "ORD-1"}
    assert event["headers"]["x-trace"] == "abc" and "cookie" not in event["headers"]
    assert all(name == name.lower() for name in event["headers"])
    assert event["cookies"] == ["a=1", "b=2"]
    assert (event["body"], event["isBase64Encoded"]) == ('{"k": 1}', False)
    http = event["requestContext"]["http"]
    assert (http["method"], http["path"], http["sourceIp"], http["protocol"]) == (
        "PUT",
        "/orders/ORD%2D1",
        "127.0.0.1",
        "HTTP/1.1",
    )
    assert event["requestContext"]["routeKey"] == "ANY /orders/{id}"


def test_no_body_no_query_no_such_keys(server: tuple[str, Recorder, StringIO]) -> None:
    url, recorder, _ = server
    request(f"{url}/orders/1")
    event = recorder.events[-1]
    assert "body" not in event and "queryStringParameters" not in event and event["isBase64Encoded"] is False


def test_binary_bodies_are_base64(server: tuple[str, Recorder, StringIO]) -> None:
    url, recorder, _ = server
    data = b"\x89PNG\r\n\x1a\n\x00\xff"
    request(f"{url}/orders/1", "POST", data, {"Content-Type": "image/png"})
    event = recorder.events[-1]
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == data


def test_the_content_type_decides_not_the_bytes(server: tuple[str, Recorder, StringIO]) -> None:
    # Valid UTF-8 sent as application/octet-stream is still binary; JSON with a charset is text.
    url, recorder, _ = server
    request(f"{url}/orders/1", "POST", b'{"a": 1}', {"Content-Type": "application/octet-stream"})
    request(f"{url}/orders/1", "POST", b'{"a": 1}', {"Content-Type": "application/json; charset=utf-8"})
    request(f"{url}/orders/1", "POST", b"\xff\xfe", {"Content-Type": "text/plain"})
    assert [(e["isBase64Encoded"], e["body"]) for e in recorder.events[-3:]] == [
        (True, base64.b64encode(b'{"a": 1}').decode()),
        (False, '{"a": 1}'),
        (True, base64.b64encode(b"\xff\xfe").decode()),  # text that is not UTF-8 cannot travel as a string
    ]


def test_status_headers_cookies_and_base64_body_go_back(server: tuple[str, Recorder, StringIO]) -> None:
    url, recorder, _ = server
    recorder.reply = {
        "statusCode": 201,
        "headers": {"Content-Type": "image/png", "X-Count": 3},
        "cookies": ["s=1; Path=/", "t=2"],
        "body": base64.b64encode(b"\x00\x01binary").decode(),
        "isBase64Encoded": True,
    }
    reply = request(f"{url}/orders/1")
    assert (reply.status, reply.body, reply.headers["X-Count"]) == (201, b"\x00\x01binary", "3")
    assert reply.headers.get_all("Set-Cookie") == ["s=1; Path=/", "t=2"]


def test_a_function_raising_is_a_500_without_a_traceback(server: tuple[str, Recorder, StringIO]) -> None:
    url, recorder, log = server
    recorder.reply = RuntimeError("boom")
    reply = request(f"{url}/orders/1")
    assert (reply.status, reply.json()) == (500, {"message": "Internal Server Error"})
    assert "RuntimeError: boom" in log.getvalue() and "Traceback" not in log.getvalue()
    recorder.reply = {"statusCode": 200, "body": "ok"}
    assert request(f"{url}/orders/1").body == b"ok"  # still serving


def test_one_log_line_per_request(server: tuple[str, Recorder, StringIO]) -> None:
    url, _, log = server
    request(f"{url}/orders/1")
    request(f"{url}/nothing")
    lines = log.getvalue().splitlines()
    assert lines[-2].endswith("route=ANY /orders/{id}") and '"GET /orders/1 HTTP/1.1" 200' in lines[-2]
    assert '"GET /nothing HTTP/1.1" 404' in lines[-1]


@pytest.mark.parametrize(
    ("result", "status", "body"),
    [
        ({"orderId": "X"}, 200, b'{"orderId": "X"}'),  # no statusCode: the whole result is a JSON 200
        ({"statusCode": "200", "body": "x"}, 500, b'{"message":"Internal Server Error"}'),
        ({"statusCode": 200, "body": "%%%", "isBase64Encoded": True}, 500, b'{"message":"Internal Server Error"}'),
        ({"statusCode": 204}, 204, b""),
        ({"statusCode": 200, "body": "héllo"}, 200, "héllo".encode()),
    ],
)
def test_how_a_function_result_becomes_a_response(result: Any, status: int, body: bytes) -> None:
    response = http_response(json.loads(json.dumps(result)))
    assert (response.status, response.body) == (status, body)
