"""The deployed HTTP API, end to end: create, read back, validation errors, the lab's test events.

Every order these tests create carries ``smokeTest`` (it expires by TTL), so they are safe against any
stage; events that are not production-safe run only against dev.
"""

from __future__ import annotations

import json
import uuid

import pytest

from service_model.test_events import TestEvent, load_events
from tests.integration.deployment import Deployment, HttpRequest, call, http_request_for

NEW_ORDER_STATUSES = ("PENDING", "CONFIRMED")
"""A created order's status read back at once: the worker (lambda_src/order_worker) moves it on by itself."""
HTTP_EVENTS = [event for event in load_events() if http_request_for(event) is not None]


def _json(response: dict) -> dict:
    return json.loads(response["body"])


def test_create_then_read_back(deployment: Deployment) -> None:
    customer = f"CUST-INTEG-{uuid.uuid4().hex[:8]}"
    order = {"customerId": customer, "items": [{"productId": "PROD-A", "quantity": 2}], "smokeTest": True}
    created = deployment.call(HttpRequest("POST", "/orders", json.dumps(order)))
    assert created["statusCode"] == 200, created
    order_id = _json(created)["orderId"]

    read = deployment.call(HttpRequest("GET", f"/orders/{order_id}"))
    assert read["statusCode"] == 200, read
    body = _json(read)
    assert (body["orderId"], body["customerId"]) == (order_id, customer)
    # The stage's order worker confirms a new order from the table's stream, asynchronously: the read
    # may come before it (PENDING) or after it (CONFIRMED); the local emulator's stream poller is often first.
    assert body["status"] in NEW_ORDER_STATUSES, body


def test_create_without_customer_is_a_400_naming_the_field(deployment: Deployment) -> None:
    order = {"items": [{"productId": "PROD-A", "quantity": 1}], "smokeTest": True}
    response = deployment.call(HttpRequest("POST", "/orders", json.dumps(order)))
    assert response["statusCode"] == 400, response
    assert {"field": "customerId", "problem": "is required"} in _json(response)["errors"]


def test_unknown_order_is_a_404(deployment: Deployment) -> None:
    response = deployment.call(HttpRequest("GET", f"/orders/ORD-MISSING-{uuid.uuid4().hex[:8]}"))
    assert response["statusCode"] == 404, response


@pytest.mark.parametrize("event", HTTP_EVENTS, ids=[event.name for event in HTTP_EVENTS])
def test_lab_event_through_the_api(deployment: Deployment, event: TestEvent) -> None:
    if not event.production_safe and deployment.stage != "dev":
        pytest.skip(f"{event.name} is not production-safe; it runs against dev only")
    request = http_request_for(event)
    assert request is not None
    assert event.mismatches(deployment.call(request)) == []


def test_an_unsigned_request_is_refused_before_the_function_runs(deployment: Deployment) -> None:
    """api_auth iam (jwt): API Gateway answers a call without credentials with 403 (401), never invoking the alias."""
    if deployment.refused is None:
        pytest.skip(f"stage {deployment.stage}'s API is open (stages.toml api_auth none)")
    response = call(deployment.api_url, HttpRequest("GET", "/orders/ORD-2024-001"))
    assert (response["statusCode"], json.loads(response["body"])) == deployment.refused
