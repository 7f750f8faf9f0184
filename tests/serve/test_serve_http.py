"""``release serve`` as a client sees it: a real process, a real HTTP client, the dev stage's template.

The stages' HTTP API has only the ``$default`` route, so every path reaches the handler, which answers
unknown paths (404) and wrong methods (405) itself; what API Gateway would answer without the handler
(no route, oversized body, malformed HTTP) is covered here and in test_serve_routes.
"""

from __future__ import annotations

import base64
import json
import signal
import socket
from pathlib import Path

from tests.serve.conftest import Served, request, start_server

ORDER = {"customerId": "CUST-001", "items": [{"productId": "PROD-A", "quantity": 2}]}


def test_create_then_read_back(served: Served) -> None:
    created = request(f"{served.url}/orders", "POST", json.dumps(ORDER), {"Content-Type": "application/json"})
    assert created.status == 200 and created.headers["Content-Type"] == "application/json"
    order_id = created.json()["orderId"]
    read = request(f"{served.url}/orders/{order_id}")
    assert (read.status, read.json()["orderId"], read.json()["items"]) == (200, order_id, ORDER["items"])


def test_the_labs_sample_order_is_there(served: Served) -> None:
    reply = request(f"{served.url}/orders/ORD-2024-001")
    assert (reply.status, reply.json()["status"], reply.json()["action"]) == (200, "SHIPPED", "status")


def test_bad_json_is_the_handlers_400(served: Served) -> None:
    reply = request(
        f"{served.url}/orders", "POST", '{"customerId": "C", "items": [', {"Content-Type": "application/json"}
    )
    assert (reply.status, reply.json()["error"]) == (400, "request body is not valid JSON")


def test_unknown_path_is_the_handlers_404_through_the_default_route(served: Served) -> None:
    reply = request(f"{served.url}/customers")
    assert reply.status == 404 and "no route for GET /customers" in reply.json()["error"]


def test_wrong_method_is_the_handlers_405_with_an_allow_header(served: Served) -> None:
    # RFC 9110: a 405 must list the target's methods in Allow.
    reply = request(f"{served.url}/orders", "DELETE")
    assert (reply.status, reply.json()["message"], reply.headers["Allow"]) == (405, "Method not allowed", "POST")
    reply = request(f"{served.url}/orders/ORD-2024-001", "PUT", "{}")
    assert (reply.status, reply.headers["Allow"]) == (405, "GET")


def test_a_binary_body_reaches_the_handler_base64_encoded(served: Served) -> None:
    # application/octet-stream is not text: the event carries it base64-encoded with isBase64Encoded true,
    # and the handler decodes it -- so a JSON order sent as octet-stream is still created.
    body = json.dumps(ORDER).encode()
    reply = request(f"{served.url}/orders", "POST", body, {"Content-Type": "application/octet-stream"})
    assert (reply.status, reply.json()["customerId"]) == (200, "CUST-001")


def test_a_2_mb_body_is_the_handlers_400_and_the_server_keeps_serving(served: Served) -> None:
    # Under API Gateway's 10 MB the body reaches the handler, whose own limit is 16 KB (as deployed).
    big = json.dumps({**ORDER, "note": "x" * (2 * 1024 * 1024)})
    reply = request(f"{served.url}/orders", "POST", big, {"Content-Type": "application/json"})
    assert reply.status == 400 and reply.json()["error"] == "request body is larger than 16384 bytes"
    assert request(f"{served.url}/orders/ORD-2024-001").status == 200


def test_a_body_over_10_mb_is_a_413_and_the_server_keeps_serving(served: Served) -> None:
    reply = request(f"{served.url}/orders", "POST", b"x" * (10 * 1024 * 1024 + 1))
    assert (reply.status, reply.json()) == (413, {"message": "Request Entity Too Large"})
    assert request(f"{served.url}/orders/ORD-2024-001").status == 200


def test_a_body_of_exactly_10_mb_reaches_the_handler(served: Served) -> None:
    reply = request(f"{served.url}/orders", "POST", b"x" * (10 * 1024 * 1024), {"Content-Type": "application/json"})
    assert reply.status == 400 and "larger than" in reply.json()["error"]


def raw_exchange(served: Served, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as conn:
        conn.sendall(data)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received


def test_a_malformed_request_line_is_a_400_and_the_server_keeps_serving(served: Served) -> None:
    answer = raw_exchange(served, b"NOT A VALID REQUEST LINE AT ALL\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and json.loads(body) == {"message": "Bad Request"}
    assert b"Traceback" not in answer
    assert request(f"{served.url}/orders/ORD-2024-001").status == 200


def test_a_bad_content_length_is_a_400(served: Served) -> None:
    answer = raw_exchange(served, b"POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 ")


def test_a_chunked_body_is_read(served: Served) -> None:
    body = json.dumps(ORDER).encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    head = b"POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    answer = raw_exchange(served, head + b"Connection: close\r\n\r\n" + chunked)
    assert answer.startswith(b"HTTP/1.1 200 ") and b'"customerId":"CUST-001"' in answer


def test_many_small_chunks_over_10_mb_are_a_413_on_a_connection_that_stays_usable(served: Served) -> None:
    import http.client

    piece = b"x" * 8192
    count = 10 * 1024 * 1024 // len(piece) + 1  # each chunk is small; their total is over the quota
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    conn.putrequest("POST", "/orders")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.putheader("Content-Type", "application/json")
    conn.endheaders()
    for _ in range(count):
        conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
    conn.send(b"0\r\n\r\n")
    response = conn.getresponse()
    assert (response.status, json.loads(response.read())) == (413, {"message": "Request Entity Too Large"})
    conn.request("GET", "/orders/ORD-2024-001")  # the same connection: the oversized body was drained
    again = conn.getresponse()
    assert (again.status, json.loads(again.read())["orderId"]) == (200, "ORD-2024-001")
    conn.close()


def test_a_negative_chunk_size_is_a_400_at_once_not_a_read_until_the_client_hangs_up(served: Served) -> None:
    # int("-1", 16) == -1 and rfile.read(-1) would read (and keep) whatever comes until the socket closes.
    head = b"POST /orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as conn:
        conn.sendall(head + b"-1\r\n" + b"x" * 65536)  # and the connection stays open
        answer = conn.recv(65536)
    assert answer.startswith(b"HTTP/1.1 400 ") and b"Connection: close" in answer


def test_the_readme_states_the_limits_the_server_and_handler_apply() -> None:
    from release_cli.http_body import MAX_BODY_BYTES
    from tests.serve.conftest import ROOT

    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    serve = text[text.index("`release serve [--stage dev] [--port 3000]` is") :][:3000]
    assert MAX_BODY_BYTES == 10 * 1024 * 1024 and "over 10 MB" in serve and "413" in serve
    assert "chunked" in serve  # the chunks' total counts
    assert "request body is larger than 16384 bytes" in serve  # the handler's own limit, a 400
    assert "`Allow`" in serve


def test_keep_alive_serves_several_requests_on_one_connection(served: Served) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    statuses = []
    for _ in range(3):
        conn.request("GET", "/orders/ORD-2024-001")
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
    conn.close()
    assert statuses == [200, 200, 200]


def test_url_is_printed_and_ctrl_c_stops_it_cleanly(dev_template: Path) -> None:
    server = start_server("--template", str(dev_template), "--no-sample-data")
    assert request(f"{server.url}/orders/ORD-2024-001").status == 404  # --no-sample-data: empty tables
    code, err = server.stop(signal.SIGINT)
    assert (code, "Traceback" in err, err.strip().splitlines()[-1]) == (0, False, "stopped")
    assert '"GET /orders/ORD-2024-001 HTTP/1.1" 404' in err  # the request log line


def test_sigterm_stops_it_too(dev_template: Path) -> None:
    server = start_server("--template", str(dev_template))
    code, err = server.stop(signal.SIGTERM)
    assert (code, "Traceback" in err) == (0, False)


def test_a_port_in_use_is_an_input_error(served: Served, dev_template: Path) -> None:
    import subprocess
    import sys

    from tests.serve.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "-m", "release_cli", "serve", "--port", str(served.port), "--template", str(dev_template)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "pick another --port" in result.stderr


def test_binary_request_event_round_trip_is_lossless() -> None:
    # What the server puts in the event for a non-text body decodes back to the exact bytes.
    from release_cli.http_api_event import HttpRequest, build_event

    data = bytes(range(256))
    event = build_event(HttpRequest("POST", "/orders", [("Content-Type", "image/png")], data), "$default", {})
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == data
