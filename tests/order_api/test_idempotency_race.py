"""Concurrent creates with one idempotency key: exactly one order and one audit entry, one answer for all.

Real threads against the session's moto server (HTTP, one request per call, as a deployed function's
concurrent invocations would hit DynamoDB): every caller reads "no record yet" at about the same time,
all try the transaction, and the condition on the idempotency record's put must let exactly one win;
the losers take the "key already taken" branch and answer with the winner's order. The test counts
the callers that took that branch, so it fails if the race it claims to test never happened.

moto 5.2.5 checks a transaction's conditions and applies its writes without a lock (seen: two
concurrent transactions both passed ``attribute_not_exists`` about one run in five). DynamoDB's
TransactWriteItems is atomic and serializable with other transactions (AWS docs, "Amazon DynamoDB
Transactions: How it works", isolation levels), so the ``serializable_moto`` fixture gives moto's
server that guarantee with a lock around its transaction code; reads stay concurrent, which is
where the race is.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from order_service import repository as repository_module
from order_service.models import NewOrder, OrderItem
from order_service.repository import OrderRepository
from order_service.runtime_config import Limits
from order_service.service import Invocation, OrderService
from order_service.settings import Tables

from release_cli.local_invoke import create_table, table_definitions
from tests.order_api.conftest import TEMPLATE

CALLERS = 8
ROUNDS = 8
BROKEN_ROUNDS = 3
ORDER = NewOrder(customer_id="CUST-RACE", items=(OrderItem(product_id="SKU-1", quantity=2),))


@pytest.fixture
def serializable_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's in-process server with DynamoDB's transaction isolation: one TransactWriteItems at a time."""
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.Lock()
    unlocked = DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return unlocked(self, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", transact_write_items)


@pytest.fixture
def dynamodb(
    moto_endpoint: str, serializable_moto: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Any, Tables]]:
    """A DynamoDB client on the moto server and the three tables under names no other test uses."""
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=moto_endpoint)
    suffix = uuid.uuid4().hex[:8]
    names = {}
    for logical_id, args in table_definitions(TEMPLATE).items():
        names[logical_id] = f"{args['TableName']}-race-{suffix}"
        create_table(client, {**args, "TableName": names[logical_id]})
    yield client, Tables(orders=names["OrdersTable"], config=names["ConfigTable"], audit=names["AuditTable"])
    for name in names.values():
        client.delete_table(TableName=name)


class CountingRepository(OrderRepository):
    """The real repository; counts the creates that lost the race (``IdempotencyKeyTaken``)."""

    def __init__(self, client: Any, tables: Tables) -> None:
        super().__init__(client, tables)
        self.taken = 0
        self._lock = threading.Lock()

    def create(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().create(*args, **kwargs)
        except repository_module.IdempotencyKeyTaken:
            with self._lock:
                self.taken += 1
            raise


def _race(service: OrderService, key: str) -> list[dict[str, Any]]:
    """``CALLERS`` threads released together, each creating the same order with the same key."""
    start = threading.Barrier(CALLERS)

    def one(number: int) -> dict[str, Any]:
        start.wait()
        invocation = Invocation(request_id=f"req-{key}-{number}", function_version="7", code_version="1.0.0")
        return service.create(ORDER, key, invocation)

    with ThreadPoolExecutor(max_workers=CALLERS) as pool:
        return list(pool.map(one, range(CALLERS)))


def _items(client: Any, table: str) -> list[dict[str, Any]]:
    pages = client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
    return [item for page in pages for item in page["Items"]]


def test_same_key_at_the_same_time_makes_one_order_and_one_audit_entry(
    dynamodb: tuple[Any, Tables],
) -> None:
    client, tables = dynamodb
    repository = CountingRepository(client, tables)
    service = OrderService(repository, Limits())
    keys = [f"race-{n}-{uuid.uuid4().hex[:6]}" for n in range(ROUNDS)]
    answers = {key: _race(service, key) for key in keys}

    orders = [i for i in _items(client, tables.orders) if i["SK"]["S"] == "ORDER"]
    records = {i["PK"]["S"]: i for i in _items(client, tables.orders) if i["SK"]["S"] == "IDEMPOTENCY"}
    audits = _items(client, tables.audit)
    assert len(orders) == ROUNDS  # one per key, not one per caller
    assert len(audits) == ROUNDS
    assert set(records) == {f"IDEMPOTENCY#{key}" for key in keys}
    for key, results in answers.items():
        order_ids = {result["orderId"] for result in results}
        assert len(order_ids) == 1, f"{key}: callers got different orders {order_ids}"
        (order_id,) = order_ids
        assert records[f"IDEMPOTENCY#{key}"]["orderId"]["S"] == order_id
        assert sorted(result["idempotentReplay"] for result in results) == [False] + [True] * (CALLERS - 1)
        assert [a["orderId"]["S"] for a in audits].count(order_id) == 1
    # The race really happened: callers lost the transaction, not only the earlier read.
    assert repository.taken > 0


def test_without_the_condition_on_the_key_two_orders_would_be_created(
    dynamodb: tuple[Any, Tables], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race above is strong enough to see the bug it guards against: drop the condition and it shows."""
    client, tables = dynamodb
    original: Callable[..., Any] = client.transact_write_items

    def unconditional(TransactItems: list[dict[str, Any]]) -> Any:
        for write in TransactItems:
            if write["Put"]["Item"]["SK"]["S"] == "IDEMPOTENCY":
                write["Put"].pop("ConditionExpression")
                write["Put"].pop("ExpressionAttributeValues")
        return original(TransactItems=TransactItems)

    monkeypatch.setattr(client, "transact_write_items", unconditional)
    service = OrderService(OrderRepository(client, tables), Limits())
    for n in range(BROKEN_ROUNDS):
        _race(service, f"broken-{n}")
    orders = [i for i in _items(client, tables.orders) if i["SK"]["S"] == "ORDER"]
    assert len(orders) > BROKEN_ROUNDS
