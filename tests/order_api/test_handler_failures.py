"""Server-side failures: a 5xx with the request id, never a stack trace, never a half-written order."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from tests.order_api.conftest import AUDIT, ORDERS, scan

CREATE = {"action": "create", "customerId": "CUST-001", "items": [{"productId": "PROD-A", "quantity": 2}]}


class FailingClient:
    """Stands in for the DynamoDB client: config reads work (empty), every other call raises ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def batch_get_item(self, **_: Any) -> dict[str, Any]:
        return {"Responses": {}}

    def __getattr__(self, name: str) -> Any:
        def fail(**_: Any) -> Any:
            raise self.error

        return fail


def client_error(code: str, operation: str = "TransactWriteItems") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "simulated"}}, operation)


@pytest.fixture
def failing(monkeypatch: pytest.MonkeyPatch) -> Any:
    from order_service import clients

    def install(error: Exception) -> None:
        monkeypatch.setattr(clients, "_dynamodb", FailingClient(error))

    return install


@pytest.mark.parametrize(
    "error",
    [
        client_error("ProvisionedThroughputExceededException"),
        client_error("ThrottlingException"),
        client_error("TransactionConflictException"),
        EndpointConnectionError(endpoint_url="http://dynamodb"),
    ],
)
def test_throttling_and_outages_left_after_retries_are_503(call: Any, failing: Any, error: Exception) -> None:
    failing(error)
    assert call(CREATE)[0] == 503


def test_other_dynamodb_errors_are_500(call: Any, failing: Any) -> None:
    failing(client_error("AccessDeniedException"))
    assert call(CREATE)[0] == 500


def test_server_error_body_carries_the_request_id(call: Any, failing: Any, context: Any) -> None:
    failing(client_error("ThrottlingException"))
    body = call(CREATE)[1]
    assert body["requestId"] == context.aws_request_id and body["action"] == "create"


def test_unexpected_exception_is_500_without_a_stack_trace(call: Any, failing: Any) -> None:
    failing(ZeroDivisionError("secret internals"))
    status, body = call(CREATE)
    text = json.dumps(body)
    assert status == 500 and "Traceback" not in text and "secret internals" not in text


def test_missing_table_variable_is_500_naming_it(call: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUDIT_TABLE")
    status, body = call(CREATE)
    assert status == 500 and "AUDIT_TABLE" in body["error"]


def test_failed_audit_write_leaves_no_order(call: Any, ddb: Any) -> None:
    ddb.delete_table(TableName=AUDIT)
    status, _ = call(CREATE)
    assert status >= 500 and scan(ddb, ORDERS) == []


def test_failed_order_write_leaves_no_audit_entry(call: Any, ddb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = uuid.UUID(int=1)
    monkeypatch.setattr(uuid, "uuid4", lambda: fixed)
    taken = {"PK": {"S": f"ORDER#ORD-{fixed.hex}"}, "SK": {"S": "ORDER"}}
    ddb.put_item(TableName=ORDERS, Item=taken)
    status, _ = call(CREATE)
    assert status == 500 and scan(ddb, AUDIT) == []


def test_client_uses_standard_retry_mode() -> None:
    from order_service import clients

    assert clients.RETRY_CONFIG.retries == {"mode": "standard", "total_max_attempts": 3}


def test_client_is_created_once_per_container(local: Any) -> None:
    from order_service import clients

    assert clients.dynamodb() is clients.dynamodb()
