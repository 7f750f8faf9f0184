"""One request of the mixed traffic ``release serve`` is loaded with: a create (its own Idempotency-Key, so
each one makes an order) or a read of the sample order. Sent by the 50-client test
(``test_serve_load.py``) and by ``bench/serve_latency.py``, so both measure the same requests."""

from __future__ import annotations

import http.client
import uuid

SAMPLE_ORDER_PATH = "/orders/ORD-2024-001"


def order_request(conn: http.client.HTTPConnection, *, create_body: bytes | None) -> int:
    """``POST /orders`` with ``create_body``, or (None) ``GET`` the sample order; the answer's status,
    its body read so the connection can carry the next request."""
    if create_body is not None:
        headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
        conn.request("POST", "/orders", body=create_body, headers=headers)
    else:
        conn.request("GET", SAMPLE_ORDER_PATH)
    response = conn.getresponse()
    response.read()
    return response.status
