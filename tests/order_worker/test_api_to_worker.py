"""The two functions together on one orders table: an order the Order API creates, fed to the worker as
the stream would deliver it, reads back CONFIRMED through the Order API. This pins the worker's copy
of the item layout (keys, ``status``, ``expiresAt``) to the Order API's own."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest

from release_cli.local_invoke import handler_module, local_aws, make_context
from tests.order_api.conftest import ORDERS, TEMPLATE
from tests.order_worker.conftest import batch, context, failures, record, worker_handler


@pytest.mark.parametrize("smoke_test", [False, True], ids=["order", "smoke-test-order"])
def test_an_order_the_api_creates_is_confirmed_and_reads_back_confirmed(smoke_test: bool) -> None:
    with local_aws(TEMPLATE, sample_data=False) as spec:
        import boto3

        api, worker = handler_module(), worker_handler()
        importlib.import_module("order_worker_service.clients").reset()
        api_context = make_context(spec, alias="dev", function_version="7")
        created = api.lambda_handler({"action": "create", "customerId": "C-1", "smokeTest": smoke_test}, api_context)
        order_id = json.loads(created["body"])["orderId"]
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        item: dict[str, Any] = ddb.get_item(
            TableName=ORDERS, Key={"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": "ORDER"}}
        )["Item"]

        assert worker.lambda_handler(batch(record("100", item)), context()) == failures()

        status = api.lambda_handler({"action": "status", "orderId": order_id}, api_context)
        assert (status["statusCode"], json.loads(status["body"])["status"]) == (200, "CONFIRMED")
