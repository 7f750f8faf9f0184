"""Shared fixtures: the two Lambda assets on sys.path, fake AWS settings, and a local DynamoDB from a template.

The template fixture is a hand-written CloudFormation dict shaped like the synthesized stage template
(three tables with the CDK's properties, and the function's environment as ``Ref``s), so these tests
do not depend on a ``cdk.out`` being present; ``test_local_invoke`` compares it with the real one.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.dont_write_bytecode = True  # a __pycache__ inside an asset folder would change its asset hash
ROOT = Path(__file__).resolve().parents[2]
for asset in ("order_api", "pre_traffic_hook"):
    path = str(ROOT / "lambda_src" / asset)
    if path not in sys.path:
        sys.path.insert(0, path)

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from release_cli.local_invoke import (  # noqa: E402
    FunctionSpec,
    LambdaContext,
    create_table,
    local_aws,
    make_context,
    reset_handler_state,
    table_definitions,
)

ORDERS, CONFIG, AUDIT = "dev-version-demo-orders", "dev-version-demo-config", "dev-version-demo-audit"


def _table(name: str, keys: list[str], ttl: bool, stream: bool = False) -> dict[str, Any]:
    props: dict[str, Any] = {
        "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"} for key in keys],
        "BillingMode": "PAY_PER_REQUEST",
        "DeletionProtectionEnabled": False,
        "KeySchema": [
            {"AttributeName": key, "KeyType": kind}
            for key, kind in zip(keys, ("HASH", "RANGE")[: len(keys)], strict=True)
        ],
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": False},
        "SSESpecification": {"SSEEnabled": True},
        "TableName": name,
        "Tags": [{"Key": "Stage", "Value": "dev"}],
    }
    if ttl:
        props["TimeToLiveSpecification"] = {"AttributeName": "expiresAt", "Enabled": True}
    if stream:  # the order worker reads the orders table's stream
        props["StreamSpecification"] = {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    return {"Type": "AWS::DynamoDB::Table", "Properties": props, "DeletionPolicy": "Delete"}


TEMPLATE: dict[str, Any] = {
    "Resources": {
        "OrdersTable": _table(ORDERS, ["PK", "SK"], ttl=True, stream=True),
        "ConfigTable": _table(CONFIG, ["configKey"], ttl=False),
        "AuditTable": _table(AUDIT, ["PK", "SK"], ttl=True),
        "OrderApiFunction": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "FunctionName": "dev-VersionedOrderAPI",
                "Handler": "handler.lambda_handler",
                "MemorySize": 256,
                "Timeout": 10,
                "Environment": {
                    "Variables": {
                        "ORDERS_TABLE": {"Ref": "OrdersTable"},
                        "CONFIG_TABLE": {"Ref": "ConfigTable"},
                        "AUDIT_TABLE": {"Ref": "AuditTable"},
                        "STAGE": "dev",
                    }
                },
            },
        },
        "OrderWorkerFunction": {  # same handler string as the Order API's: found by FunctionName, never by Handler
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "FunctionName": "dev-OrderWorker",
                "Handler": "handler.lambda_handler",
                "MemorySize": 128,
                "Timeout": 10,
                "Environment": {"Variables": {"ORDERS_TABLE": {"Ref": "OrdersTable"}, "STAGE": "dev"}},
            },
        },
    }
}


@pytest.fixture
def template() -> dict[str, Any]:
    return json.loads(json.dumps(TEMPLATE))


@pytest.fixture(scope="module")
def local_module() -> Iterator[FunctionSpec]:
    """One moto session per test module: starting moto and loading botocore models per test is the slow part."""
    with local_aws(TEMPLATE) as spec:
        yield spec


@pytest.fixture
def local(local_module: FunctionSpec) -> FunctionSpec:
    """Empty tables (re-created if a test deleted one) and a cold handler container, for every test."""
    import boto3

    client = boto3.client("dynamodb", region_name="us-east-1")
    existing = set(client.list_tables()["TableNames"])
    for args in table_definitions(TEMPLATE).values():
        if args["TableName"] not in existing:
            create_table(client, args)
            continue
        keys = [entry["AttributeName"] for entry in args["KeySchema"]]
        for item in client.scan(TableName=args["TableName"])["Items"]:
            client.delete_item(TableName=args["TableName"], Key={key: item[key] for key in keys})
    reset_handler_state()
    return local_module


@pytest.fixture
def context(local: FunctionSpec) -> LambdaContext:
    return make_context(local, alias="dev", function_version="7")


@pytest.fixture
def ddb(local: FunctionSpec) -> Any:
    import boto3

    return boto3.client("dynamodb", region_name="us-east-1")


@pytest.fixture
def call(local: FunctionSpec, context: LambdaContext) -> Callable[..., tuple[int, dict[str, Any]]]:
    """Invoke the handler in-process; returns (statusCode, parsed body)."""
    import handler

    def invoke(event: Any) -> tuple[int, dict[str, Any]]:
        response = handler.lambda_handler(event, context)
        return response["statusCode"], json.loads(response["body"])

    return invoke


def http_event(method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A minimal API Gateway HTTP API (payload 2.0) event."""
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "headers": headers or {},
        "requestContext": {"http": {"method": method, "path": path}, "requestId": "api-req"},
        "isBase64Encoded": False,
    }
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    return event


def scan(ddb: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = ddb.scan(TableName=table)["Items"]
    return items
