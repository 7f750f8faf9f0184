"""Shared fixtures: the worker's handler loaded from this checkout, a moto orders table, stream records.

The worker's asset has a ``handler.py`` and a ``version.py`` like the Order API's, and both suites run
in one process, so the worker's handler is loaded by file under its own module name
(``order_worker_handler``) with its own ``version`` module swapped in only while it imports:
``import handler`` elsewhere still finds the Order API's. Its package (``order_worker_service``) has
a name of its own and is put on ``sys.path`` as Lambda would (the asset root), appended so it never
shadows the Order API's modules. The orders table is created from the Order API tests' CDK-shaped
template (``tests/order_api/conftest.py``), so both functions see the same keys and TTL.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

sys.dont_write_bytecode = True  # a __pycache__ inside an asset folder would change its asset hash
ROOT = Path(__file__).resolve().parents[2]
WORKER_DIR = ROOT / "lambda_src" / "order_worker"
HOOK_DIR = ROOT / "lambda_src" / "pre_traffic_hook"
EVENTS_DIR = ROOT / "test_events" / "order_worker"
for path in (str(WORKER_DIR), str(HOOK_DIR)):
    if path not in sys.path:
        sys.path.append(path)

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from release_cli.local_invoke import LambdaContext, create_table, table_definitions  # noqa: E402
from tests.order_api.conftest import ORDERS, TEMPLATE  # noqa: E402

HANDLER_MODULE = "order_worker_handler"
STREAM_ARN = f"arn:aws:dynamodb:us-east-1:123456789012:table/{ORDERS}/stream/2024-01-01T00:00:00.000"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def worker_handler() -> ModuleType:
    """The worker's ``handler`` module from this checkout, loaded once per process."""
    if HANDLER_MODULE in sys.modules:
        return sys.modules[HANDLER_MODULE]
    version = _load("order_worker_version", WORKER_DIR / "version.py")
    saved = sys.modules.get("version")
    sys.modules["version"] = version
    try:
        module = _load(HANDLER_MODULE, WORKER_DIR / "handler.py")
    finally:
        if saved is None:
            sys.modules.pop("version", None)
        else:
            sys.modules["version"] = saved
    assert Path(module.__file__ or "").resolve().is_relative_to(ROOT)
    return module


@pytest.fixture(scope="module")
def aws() -> Iterator[None]:
    """One moto session per test module with the orders table (PK/SK, TTL on ``expiresAt``)."""
    from moto import mock_aws

    saved = {key: os.environ.pop(key, None) for key in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB")}
    with mock_aws():
        import boto3

        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, table_definitions(TEMPLATE)["OrdersTable"])
        yield
    for key, value in saved.items():
        if value is not None:
            os.environ[key] = value


@pytest.fixture
def ddb(aws: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An empty orders table, the worker's environment, and a cold worker container, for every test."""
    import boto3

    monkeypatch.setenv("ORDERS_TABLE", ORDERS)
    monkeypatch.setenv("STAGE", "dev")
    client = boto3.client("dynamodb", region_name="us-east-1")
    for item in client.scan(TableName=ORDERS)["Items"]:
        client.delete_item(TableName=ORDERS, Key={"PK": item["PK"], "SK": item["SK"]})
    importlib.import_module("order_worker_service.clients").reset()
    return client


@pytest.fixture
def worker() -> ModuleType:
    return worker_handler()


def context(function_version: str = "3", timeout_ms: int = 10_000) -> LambdaContext:
    name = "dev-OrderWorker"
    return LambdaContext(
        function_name=name,
        function_version=function_version,
        invoked_function_arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}:live",
        timeout_ms=timeout_ms,
    )


def order_item(order_id: str, status: str = "PENDING", **extra: Any) -> dict[str, Any]:
    """An order as the Order API stores it (``order_service/repository.py``)."""
    item = {
        "PK": {"S": f"ORDER#{order_id}"},
        "SK": {"S": "ORDER"},
        "orderId": {"S": order_id},
        "customerId": {"S": "CUST-1"},
        "items": {"L": [{"M": {"productId": {"S": "PROD-A"}, "quantity": {"N": "1"}}}]},
        "status": {"S": status},
        "createdAt": {"S": "2024-01-15T10:30:00.000+00:00"},
    }
    item.update(extra)
    return item


def record(
    sequence: str, item: dict[str, Any], event_name: str = "INSERT", old: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One DynamoDB stream record (NEW_AND_OLD_IMAGES) as Lambda delivers it."""
    stream: dict[str, Any] = {
        "ApproximateCreationDateTime": 1705314600,
        "Keys": {"PK": item["PK"], "SK": item["SK"]},
        "SequenceNumber": sequence,
        "SizeBytes": 100,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if event_name != "REMOVE":
        stream["NewImage"] = item
    if old is not None:
        stream["OldImage"] = old
    return {
        "eventID": f"event-{sequence}",
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": stream,
        "eventSourceARN": STREAM_ARN,
    }


def batch(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def failures(*sequences: str) -> dict[str, Any]:
    return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in sequences]}


def get_order(ddb: Any, order_id: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = ddb.get_item(
        TableName=ORDERS, Key={"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": "ORDER"}}, ConsistentRead=True
    ).get("Item")
    return item


def scan(ddb: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = ddb.scan(TableName=ORDERS)["Items"]
    return sorted(items, key=lambda item: (item["PK"]["S"], item["SK"]["S"]))
