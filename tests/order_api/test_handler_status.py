"""Reading an order's status through both doors."""

from __future__ import annotations

from typing import Any

from tests.order_api.conftest import ORDERS, http_event

CREATE = {"action": "create", "customerId": "CUST-001", "items": [{"productId": "PROD-A", "quantity": 2}]}


def test_existing_order_gives_200_with_its_status(call: Any) -> None:
    order_id = call(CREATE)[1]["orderId"]
    status, body = call({"action": "status", "orderId": order_id})
    assert (status, body["status"], body["orderId"], body["action"]) == (200, "PENDING", order_id, "status")


def test_unknown_order_gives_404_naming_it(call: Any) -> None:
    status, body = call({"action": "status", "orderId": "ORD-2024-001"})
    assert (status, body["error"]) == (404, "order ORD-2024-001 not found")


def test_http_status_behaves_like_direct_status(call: Any) -> None:
    order_id = call(CREATE)[1]["orderId"]
    status, body = call(http_event("GET", f"/orders/{order_id}"))
    assert (status, body["orderId"], body["action"]) == (200, order_id, "status")


def test_expired_smoke_order_is_not_found(call: Any, ddb: Any) -> None:
    order_id = call({**CREATE, "smokeTest": True})[1]["orderId"]
    ddb.update_item(
        TableName=ORDERS,
        Key={"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": "ORDER"}},
        UpdateExpression="SET expiresAt = :past",
        ExpressionAttributeValues={":past": {"N": "1"}},
    )
    assert call({"action": "status", "orderId": order_id})[0] == 404


def test_malformed_order_id_is_400(call: Any) -> None:
    status, body = call({"action": "status", "orderId": "../etc"})
    assert status == 400 and body["errors"][0]["field"] == "orderId"
