"""Creating orders through the handler against moto: the seed's contract, transactions, TTL and idempotency."""

from __future__ import annotations

from typing import Any

from tests.order_api.conftest import AUDIT, ORDERS, http_event, scan

CREATE = {"action": "create", "customerId": "CUST-001", "items": [{"productId": "PROD-A", "quantity": 2}]}


def test_create_answers_with_the_seed_contract(call: Any) -> None:
    status, body = call(CREATE)
    assert status == 200
    assert {key: body[key] for key in ("message", "version", "functionVersion", "action")} == {
        "message": "Order created",
        "version": "2.1.0",
        "functionVersion": "7",
        "action": "create",
    }


def test_version_matches_the_version_module(call: Any) -> None:
    import version

    assert call(CREATE)[1]["version"] == version.VERSION


def test_create_writes_the_order(call: Any, ddb: Any) -> None:
    order_id = call(CREATE)[1]["orderId"]
    item = ddb.get_item(TableName=ORDERS, Key={"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": "ORDER"}})["Item"]
    assert (item["customerId"]["S"], item["status"]["S"], item["items"]["L"][0]["M"]["quantity"]["N"]) == (
        "CUST-001",
        "PENDING",
        "2",
    )


def test_create_writes_one_audit_entry_for_the_order(call: Any, ddb: Any, context: Any) -> None:
    order_id = call(CREATE)[1]["orderId"]
    entries = scan(ddb, AUDIT)
    assert [(e["PK"]["S"], e["event"]["S"], e["requestId"]["S"]) for e in entries] == [
        (f"ORDER#{order_id}", "ORDER_CREATED", context.aws_request_id)
    ]


def test_regular_orders_do_not_expire(call: Any, ddb: Any) -> None:
    call(CREATE)
    assert all("expiresAt" not in item for item in scan(ddb, ORDERS) + scan(ddb, AUDIT))


def test_smoke_test_order_and_audit_expire(call: Any, ddb: Any) -> None:
    call({**CREATE, "smokeTest": True})
    assert all("expiresAt" in item for item in scan(ddb, ORDERS) + scan(ddb, AUDIT))


def test_http_create_behaves_like_direct_create(call: Any) -> None:
    status, body = call(http_event("POST", "/orders", {k: v for k, v in CREATE.items() if k != "action"}))
    assert (status, body["action"], body["customerId"], body["status"]) == (200, "create", "CUST-001", "PENDING")


def test_invalid_create_writes_nothing(call: Any, ddb: Any) -> None:
    status, _ = call({"action": "create", "items": []})
    assert status == 400 and scan(ddb, ORDERS) == [] and scan(ddb, AUDIT) == []


def test_retry_with_same_key_returns_the_first_result(call: Any) -> None:
    first = call({**CREATE, "idempotencyKey": "k-1"})[1]
    again = call({**CREATE, "idempotencyKey": "k-1"})[1]
    assert (again["orderId"], again["createdAt"], again["idempotentReplay"]) == (
        first["orderId"],
        first["createdAt"],
        True,
    )


def test_retry_with_same_key_writes_nothing_new(call: Any, ddb: Any) -> None:
    call({**CREATE, "idempotencyKey": "k-1"})
    before = (scan(ddb, ORDERS), scan(ddb, AUDIT))
    call({**CREATE, "idempotencyKey": "k-1"})
    assert (scan(ddb, ORDERS), scan(ddb, AUDIT)) == before


def test_key_from_http_header_and_event_field_are_the_same_key(call: Any) -> None:
    first = call({**CREATE, "idempotencyKey": "k-2"})[1]
    body = {k: v for k, v in CREATE.items() if k != "action"}
    again = call(http_event("POST", "/orders", body, headers={"Idempotency-Key": "k-2"}))[1]
    assert again["orderId"] == first["orderId"]


def test_same_key_with_a_different_request_is_a_conflict(call: Any) -> None:
    call({**CREATE, "idempotencyKey": "k-3"})
    status, body = call({**CREATE, "idempotencyKey": "k-3", "customerId": "OTHER"})
    assert status == 409 and "different request" in body["error"]


def test_idempotency_record_always_expires(call: Any, ddb: Any) -> None:
    call({**CREATE, "idempotencyKey": "k-4"})
    record = ddb.get_item(TableName=ORDERS, Key={"PK": {"S": "IDEMPOTENCY#k-4"}, "SK": {"S": "IDEMPOTENCY"}})["Item"]
    assert int(record["expiresAt"]["N"]) > 0


def test_expired_idempotency_record_lets_the_key_create_again(call: Any, ddb: Any) -> None:
    first = call({**CREATE, "idempotencyKey": "k-5"})[1]
    ddb.update_item(
        TableName=ORDERS,
        Key={"PK": {"S": "IDEMPOTENCY#k-5"}, "SK": {"S": "IDEMPOTENCY"}},
        UpdateExpression="SET expiresAt = :past",
        ExpressionAttributeValues={":past": {"N": "1"}},
    )
    again = call({**CREATE, "idempotencyKey": "k-5"})[1]
    assert again["orderId"] != first["orderId"] and again["idempotentReplay"] is False


def test_item_limit_comes_from_the_config_table(call: Any, ddb: Any) -> None:
    from tests.order_api.conftest import CONFIG

    ddb.put_item(TableName=CONFIG, Item={"configKey": {"S": "maxItemsPerOrder"}, "value": {"N": "1"}})
    items = [{"productId": "A", "quantity": 1}, {"productId": "B", "quantity": 1}]
    status, body = call({**CREATE, "items": items})
    assert status == 400 and body["errors"] == [{"field": "items", "problem": "must contain at most 1 items, got 2"}]
