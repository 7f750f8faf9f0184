"""The repository on its own: the item layout it writes (its docstring is the contract), reading back,
and how each DynamoDB failure is translated. moto for the data; botocore's Stubber for the failures
moto cannot produce (throttling, cancellation reasons, an unreachable endpoint) and for the request
parameters moto ignores (``ConsistentRead``).
"""

from __future__ import annotations

import logging
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.stub import Stubber
from order_service.errors import InternalError, ServiceUnavailable
from order_service.models import AuditEntry, IdempotencyRecord, Order, OrderItem
from order_service.repository import RETRYABLE_CODES, IdempotencyKeyTaken, OrderRepository
from order_service.settings import Tables

from tests.order_api.conftest import AUDIT, CONFIG, ORDERS

TABLES = Tables(orders=ORDERS, config=CONFIG, audit=AUDIT)
ORDER = Order("ORD-1", "CUST-1", (OrderItem("P-1", 2), OrderItem("P-2", 1)), "PENDING", "2026-01-01T00:00:00.000+00:00")
AUDIT_ENTRY = AuditEntry("ORD-1", "ORDER_CREATED", ORDER.created_at, "req-1", "7", "1.2.3")
RECORD = IdempotencyRecord("key-1", "hash-1", {"orderId": "ORD-1", "status": "PENDING"}, 2_000_000_000)


@pytest.fixture
def repository(ddb: Any) -> OrderRepository:
    return OrderRepository(ddb, TABLES)


def test_create_writes_exactly_the_documented_items(repository: OrderRepository, ddb: Any) -> None:
    repository.create(ORDER, AUDIT_ENTRY, RECORD, now=1_000)
    orders = {item["SK"]["S"]: item for item in ddb.scan(TableName=ORDERS)["Items"]}
    assert orders["ORDER"] == {
        "PK": {"S": "ORDER#ORD-1"},
        "SK": {"S": "ORDER"},
        "orderId": {"S": "ORD-1"},
        "customerId": {"S": "CUST-1"},
        "items": {
            "L": [
                {"M": {"productId": {"S": "P-1"}, "quantity": {"N": "2"}}},
                {"M": {"productId": {"S": "P-2"}, "quantity": {"N": "1"}}},
            ]
        },
        "status": {"S": "PENDING"},
        "createdAt": {"S": ORDER.created_at},
    }
    assert orders["IDEMPOTENCY"] == {
        "PK": {"S": "IDEMPOTENCY#key-1"},
        "SK": {"S": "IDEMPOTENCY"},
        "requestHash": {"S": "hash-1"},
        "result": {"S": '{"orderId":"ORD-1","status":"PENDING"}'},
        "orderId": {"S": "ORD-1"},
        "expiresAt": {"N": "2000000000"},
    }
    assert ddb.scan(TableName=AUDIT)["Items"] == [
        {
            "PK": {"S": "ORDER#ORD-1"},
            "SK": {"S": f"AUDIT#{ORDER.created_at}#ORDER_CREATED"},
            "orderId": {"S": "ORD-1"},
            "event": {"S": "ORDER_CREATED"},
            "at": {"S": ORDER.created_at},
            "requestId": {"S": "req-1"},
            "functionVersion": {"S": "7"},
            "codeVersion": {"S": "1.2.3"},
        }
    ]


def test_smoke_test_order_and_audit_entry_carry_their_expiry(repository: OrderRepository, ddb: Any) -> None:
    order = Order("ORD-2", "C", (OrderItem("P", 1),), "PENDING", "t", expires_at=1234)
    audit = AuditEntry("ORD-2", "ORDER_CREATED", "t", "r", "7", "1", expires_at=1234)
    repository.create(order, audit, None, now=1_000)
    assert [i["expiresAt"] for i in ddb.scan(TableName=ORDERS)["Items"]] == [{"N": "1234"}]
    assert [i["expiresAt"] for i in ddb.scan(TableName=AUDIT)["Items"]] == [{"N": "1234"}]
    assert repository.get_order("ORD-2") == order


def test_order_reads_back_as_written(repository: OrderRepository) -> None:
    repository.create(ORDER, AUDIT_ENTRY, None, now=1_000)
    assert repository.get_order("ORD-1") == ORDER
    assert repository.get_order("ORD-404") is None


def test_idempotency_record_reads_back_as_written(repository: OrderRepository) -> None:
    repository.create(ORDER, AUDIT_ENTRY, RECORD, now=1_000)
    assert repository.get_idempotency("key-1") == RECORD
    assert repository.get_idempotency("key-2") is None


def test_an_existing_order_id_is_refused_and_nothing_is_written(repository: OrderRepository, ddb: Any) -> None:
    repository.create(ORDER, AUDIT_ENTRY, None, now=1_000)
    again = AuditEntry("ORD-1", "ORDER_CREATED", "later", "req-2", "7", "1.2.3")
    with pytest.raises(InternalError, match="the order store refused the request"):
        repository.create(ORDER, again, RECORD, now=1_000)
    assert len(ddb.scan(TableName=AUDIT)["Items"]) == 1
    assert repository.get_idempotency("key-1") is None


def test_live_key_is_taken_and_expired_key_is_reused(repository: OrderRepository) -> None:
    repository.create(ORDER, AUDIT_ENTRY, RECORD, now=1_000)
    second = Order("ORD-2", "C", (OrderItem("P", 1),), "PENDING", "t")
    audit = AuditEntry("ORD-2", "ORDER_CREATED", "t", "r", "7", "1")
    with pytest.raises(IdempotencyKeyTaken) as caught:
        repository.create(second, audit, RECORD, now=RECORD.expires_at - 1)
    assert caught.value.args == ("key-1",)
    repository.create(second, audit, RECORD, now=RECORD.expires_at + 1)  # expired: TTL has not removed it yet
    assert repository.get_order("ORD-2") == second


# --- what moto cannot show: request parameters and failures (botocore's Stubber) ------------------


def _stubbed() -> tuple[OrderRepository, Stubber]:
    client = boto3.client("dynamodb", region_name="us-east-1")
    return OrderRepository(client, TABLES), Stubber(client)


def test_reads_are_strongly_consistent() -> None:
    # A replay must see a record written a moment ago by another invocation: eventually consistent reads may not.
    repository, stubber = _stubbed()
    order_key = {"PK": {"S": "ORDER#o"}, "SK": {"S": "ORDER"}}
    key_key = {"PK": {"S": "IDEMPOTENCY#k"}, "SK": {"S": "IDEMPOTENCY"}}
    stubber.add_response("get_item", {}, {"TableName": ORDERS, "Key": order_key, "ConsistentRead": True})
    stubber.add_response("get_item", {}, {"TableName": ORDERS, "Key": key_key, "ConsistentRead": True})
    with stubber:
        assert (repository.get_order("o"), repository.get_idempotency("k")) == (None, None)
        stubber.assert_no_pending_responses()


def _cancelled(*reasons: str | None) -> dict[str, Any]:
    return {"CancellationReasons": [{"Code": reason} if reason else {"Code": "None"} for reason in reasons]}


@pytest.mark.parametrize("code", sorted(RETRYABLE_CODES))
def test_retryable_errors_are_503(code: str, caplog: pytest.LogCaptureFixture) -> None:
    repository, stubber = _stubbed()
    stubber.add_client_error("transact_write_items", service_error_code=code)
    with stubber, pytest.raises(ServiceUnavailable) as caught, caplog.at_level(logging.ERROR):
        repository.create(ORDER, AUDIT_ENTRY, RECORD, now=1)
    assert caught.value.message == "the order store is busy; retry later"
    assert f"DynamoDB TransactWriteItems failed: {code}" in caplog.text


@pytest.mark.parametrize("reason", ["ThrottlingError", "TransactionConflict", "ProvisionedThroughputExceeded"])
def test_cancellation_worth_retrying_is_503(reason: str) -> None:
    repository, stubber = _stubbed()
    stubber.add_client_error(
        "transact_write_items",
        service_error_code="TransactionCanceledException",
        modeled_fields=_cancelled(None, reason, None),
    )
    with stubber, pytest.raises(ServiceUnavailable, match="the order store is busy; retry later"):
        repository.create(ORDER, AUDIT_ENTRY, RECORD, now=1)


@pytest.mark.parametrize(
    ("reasons", "with_key", "raised"),
    [
        ((None, None, "ConditionalCheckFailed"), True, IdempotencyKeyTaken),
        (("ConditionalCheckFailed", None, None), True, InternalError),  # the order id exists: not the key
        (("ConditionalCheckFailed", None), False, InternalError),
        ((None, "ConditionalCheckFailed", None), True, InternalError),
    ],
)
def test_only_the_keys_own_condition_means_the_key_is_taken(
    reasons: tuple[str | None, ...], with_key: bool, raised: type[Exception]
) -> None:
    repository, stubber = _stubbed()
    stubber.add_client_error(
        "transact_write_items", service_error_code="TransactionCanceledException", modeled_fields=_cancelled(*reasons)
    )
    with stubber, pytest.raises(raised):
        repository.create(ORDER, AUDIT_ENTRY, RECORD if with_key else None, now=1)


def test_other_client_errors_are_500(caplog: pytest.LogCaptureFixture) -> None:
    repository, stubber = _stubbed()
    stubber.add_client_error("get_item", service_error_code="AccessDeniedException")
    with stubber, pytest.raises(InternalError) as caught, caplog.at_level(logging.ERROR):
        repository.get_order("o")
    assert caught.value.message == "the order store refused the request"
    assert "DynamoDB GetItem failed: AccessDeniedException" in caplog.text


def test_client_error_without_an_error_block_is_500() -> None:
    class Raising:
        def transact_write_items(self, **_: Any) -> None:
            raise ClientError(_cancelled(None, None, "ConditionalCheckFailed"), "TransactWriteItems")

    with pytest.raises(InternalError):
        OrderRepository(Raising(), TABLES).create(ORDER, AUDIT_ENTRY, RECORD, now=1)


@pytest.mark.parametrize("operation", ["create", "get_order", "get_idempotency"])
def test_unreachable_store_is_503(operation: str, caplog: pytest.LogCaptureFixture) -> None:
    class Unreachable:
        def __getattr__(self, name: str) -> Any:
            def call(**_: Any) -> None:
                raise EndpointConnectionError(endpoint_url="https://dynamodb.example")

            return call

    repository = OrderRepository(Unreachable(), TABLES)
    calls = {
        "create": lambda: repository.create(ORDER, AUDIT_ENTRY, RECORD, now=1),
        "get_order": lambda: repository.get_order("o"),
        "get_idempotency": lambda: repository.get_idempotency("k"),
    }
    with pytest.raises(ServiceUnavailable) as caught, caplog.at_level(logging.ERROR):
        calls[operation]()
    assert caught.value.message == "the order store is unreachable; retry later"
    name = "TransactWriteItems" if operation == "create" else "GetItem"
    assert f"DynamoDB {name} failed: Could not connect" in caplog.text


def test_record_without_an_order_id_stores_an_empty_one(repository: OrderRepository, ddb: Any) -> None:
    repository.create(ORDER, AUDIT_ENTRY, IdempotencyRecord("key-9", "h", {}, 2_000_000_000), now=1_000)
    key = {"PK": {"S": "IDEMPOTENCY#key-9"}, "SK": {"S": "IDEMPOTENCY"}}
    assert ddb.get_item(TableName=ORDERS, Key=key)["Item"]["orderId"] == {"S": ""}


def test_an_audit_entry_is_never_overwritten(repository: OrderRepository, ddb: Any) -> None:
    # Its key is (order, time, event): a second write of the same entry must fail the whole create.
    ddb.put_item(
        TableName=AUDIT,
        Item={"PK": {"S": "ORDER#ORD-1"}, "SK": {"S": f"AUDIT#{ORDER.created_at}#ORDER_CREATED"}, "mark": {"S": "old"}},
    )
    with pytest.raises(InternalError):
        repository.create(ORDER, AUDIT_ENTRY, None, now=1_000)
    assert repository.get_order("ORD-1") is None
    assert ddb.scan(TableName=AUDIT)["Items"][0]["mark"] == {"S": "old"}


def test_an_order_item_without_items_reads_as_an_empty_order(repository: OrderRepository, ddb: Any) -> None:
    item = {
        "PK": {"S": "ORDER#ORD-3"},
        "SK": {"S": "ORDER"},
        "orderId": {"S": "ORD-3"},
        "customerId": {"S": "C"},
        "status": {"S": "PENDING"},
        "createdAt": {"S": "t"},
    }
    ddb.put_item(TableName=ORDERS, Item=item)
    assert repository.get_order("ORD-3") == Order("ORD-3", "C", (), "PENDING", "t")
