"""Where a create without items ends and a create with bad items begins, through the handler.

The line (documented in ``validation.py`` and the README): ``items`` absent is an order with no items
yet (the lab's alias test must answer 200 with version and functionVersion); ``items`` present must be
an array of 1..maxItemsPerOrder valid items, else a 400 whose ``errors`` name the field and whose
``error`` line reads as the lab's (``<field> <problem>``). Both doors: direct invoke and HTTP POST.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from release_cli.local_invoke import FunctionSpec, invoke_payload, load_template, local_aws, make_context, template_path
from tests.conftest import Synthesized

MANY = [{"productId": f"P{i}", "quantity": 1} for i in range(26)]


@pytest.fixture(scope="module")
def local(synthesized: Synthesized) -> Iterator[FunctionSpec]:
    with local_aws(load_template(template_path("dev", cdk_out=synthesized.outdir))) as spec:
        yield spec


def direct(local: FunctionSpec, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = invoke_payload(payload, make_context(local, "dev", "3"))
    return response["statusCode"], json.loads(response["body"])


def over_http(local: FunctionSpec, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/orders",
        "headers": {"content-type": "application/json"},
        "requestContext": {"http": {"method": "POST", "path": "/orders"}},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }
    response = invoke_payload(event, make_context(local, "dev", "3"))
    return response["statusCode"], json.loads(response["body"])


@pytest.mark.parametrize("door", [direct, over_http], ids=["invoke", "http"])
def test_no_items_is_an_order_with_no_items_yet(local: FunctionSpec, door: Any) -> None:
    status, body = door(local, {"action": "create", "customerId": "CUST-001"})
    assert (status, body["items"], body["status"], body["functionVersion"]) == (200, [], "PENDING", "3")
    assert "version" in body and body["orderId"].startswith("ORD-")


def test_an_order_with_no_items_reads_back(local: FunctionSpec) -> None:
    _, created = direct(local, {"action": "create", "customerId": "CUST-009"})
    status, body = direct(local, {"action": "status", "orderId": created["orderId"]})
    assert (status, body["items"], body["customerId"]) == (200, [], "CUST-009")


@pytest.mark.parametrize(
    ("items", "field", "problem"),
    [
        (None, "items", "must be an array, got null"),
        ("PROD-A", "items", "must be an array, got string"),
        ({"productId": "PROD-A", "quantity": 1}, "items", "must be an array, got object"),
        ([], "items", "must contain at least one item"),
        (MANY, "items", "must contain at most 25 items, got 26"),
        ([{"productId": "PROD-A", "quantity": 0}], "items[0].quantity", "must be between 1 and 1000, got 0"),
        ([{"productId": "PROD-A", "quantity": -2}], "items[0].quantity", "must be between 1 and 1000, got -2"),
        ([{"productId": "PROD-A", "quantity": "2"}], "items[0].quantity", "must be an integer, got string"),
    ],
    ids=["null", "string", "object", "empty", "too-many", "zero", "negative", "quantity-string"],
)
@pytest.mark.parametrize("door", [direct, over_http], ids=["invoke", "http"])
def test_bad_items_are_400s_naming_the_field(
    local: FunctionSpec, door: Any, items: Any, field: str, problem: str
) -> None:
    status, body = door(local, {"action": "create", "customerId": "CUST-001", "items": items})
    assert (status, body["errors"], body["error"]) == (
        400,
        [{"field": field, "problem": problem}],
        f"{field} {problem}",
    )


def test_a_400_stores_nothing(local: FunctionSpec) -> None:
    import boto3

    client = boto3.client("dynamodb", region_name="us-east-1")
    table = local.environment["ORDERS_TABLE"]
    before = client.scan(TableName=table, Select="COUNT")["Count"]
    direct(local, {"action": "create", "customerId": "CUST-001", "items": []})
    assert client.scan(TableName=table, Select="COUNT")["Count"] == before


def test_missing_customer_reads_as_the_labs_error_and_names_the_field(local: FunctionSpec) -> None:
    status, body = direct(local, {"action": "create"})
    assert (status, body["error"], body["errors"]) == (
        400,
        "customerId is required",
        [{"field": "customerId", "problem": "is required"}],
    )
