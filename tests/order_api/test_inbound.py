"""How either door's event becomes a request: routing, bodies, headers and what a caller can get wrong."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from order_service.errors import BadRequest, MethodNotAllowed, NotFound
from order_service.inbound import MAX_REQUEST_BYTES, action_hint, parse_event

from tests.order_api.conftest import http_event

ORDER = {"customerId": "C", "items": [{"productId": "P", "quantity": 1}]}


def test_direct_create_keeps_the_event_as_params() -> None:
    request = parse_event({"action": "create", **ORDER, "idempotencyKey": "k1"})
    assert (request.action, request.params["customerId"], request.idempotency_key, request.door) == (
        "create",
        "C",
        "k1",
        "invoke",
    )


def test_direct_status() -> None:
    assert parse_event({"action": "status", "orderId": "ORD-1"}).params["orderId"] == "ORD-1"


def test_missing_action_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match="action is required"):
        parse_event({"customerId": "C"})


@pytest.mark.parametrize("action", ["delete", 3, ["create"], None])
def test_unknown_action_lists_the_allowed_ones(action: Any) -> None:
    with pytest.raises(BadRequest, match="one of create, status"):
        parse_event({"action": action} if action is not None else {})


@pytest.mark.parametrize("event", [None, [], "create", 3])
def test_event_must_be_an_object(event: Any) -> None:
    with pytest.raises(BadRequest, match="event must be a JSON object"):
        parse_event(event)


def test_oversized_direct_event_is_refused() -> None:
    with pytest.raises(BadRequest, match="larger than"):
        parse_event({"action": "create", "customerId": "C" * MAX_REQUEST_BYTES})


def test_http_post_orders_is_create() -> None:
    request = parse_event(http_event("POST", "/orders", ORDER))
    assert (request.action, request.params, request.door) == ("create", ORDER, "http")


def test_http_get_order_is_status() -> None:
    request = parse_event(http_event("GET", "/orders/ORD-9"))
    assert (request.action, request.params) == ("status", {"orderId": "ORD-9"})


def test_http_stage_prefix_is_ignored() -> None:
    assert parse_event(http_event("GET", "/prod/orders/ORD-9")).params == {"orderId": "ORD-9"}


def test_http_idempotency_header_is_case_insensitive() -> None:
    event = http_event("POST", "/orders", ORDER, headers={"IDEMPOTENCY-KEY": "abc"})
    assert parse_event(event).idempotency_key == "abc"


def test_http_idempotency_header_wins_over_body_field() -> None:
    event = http_event("POST", "/orders", {**ORDER, "idempotencyKey": "body"}, headers={"idempotency-key": "hdr"})
    assert parse_event(event).idempotency_key == "hdr"


def test_http_base64_body_is_decoded() -> None:
    event = http_event("POST", "/orders", base64.b64encode(json.dumps(ORDER).encode()).decode())
    event["isBase64Encoded"] = True
    assert parse_event(event).params == ORDER


def test_http_rest_payload_v1_is_read_too() -> None:
    event = {"httpMethod": "GET", "path": "/orders/ORD-1", "requestContext": {}, "headers": {}}
    assert parse_event(event).params == {"orderId": "ORD-1"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (None, "request body is required"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object, got array"),
        ("x" * (MAX_REQUEST_BYTES + 1), "larger than"),
    ],
)
def test_http_body_problems_are_bad_requests(body: Any, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        parse_event(http_event("POST", "/orders", body))


def test_http_invalid_base64_is_a_bad_request() -> None:
    event = http_event("POST", "/orders", "@@@")
    event["isBase64Encoded"] = True
    with pytest.raises(BadRequest, match="not valid base64"):
        parse_event(event)


@pytest.mark.parametrize("path", ["/", "/customers", "/orders/1/items/2", "/a/b/orders"])
def test_unknown_routes_are_not_found(path: str) -> None:
    with pytest.raises(NotFound, match="routes: POST /orders"):
        parse_event(http_event("GET", path))


@pytest.mark.parametrize(("method", "path"), [("GET", "/orders"), ("DELETE", "/orders/ORD-1")])
def test_wrong_method_is_not_allowed(method: str, path: str) -> None:
    with pytest.raises(MethodNotAllowed):
        parse_event(http_event(method, path))


@pytest.mark.parametrize(
    ("event", "hint"),
    [
        ({"action": "create"}, "create"),
        ({"action": 5}, "none"),
        ("text", "none"),
        (http_event("POST", "/orders", "{bad"), "create"),
        (http_event("GET", "/nowhere"), "none"),
    ],
)
def test_action_hint_for_error_responses(event: Any, hint: str) -> None:
    assert action_hint(event) == hint
