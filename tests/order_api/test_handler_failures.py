"""Server-side failures: a 5xx with the request id, never a stack trace, never a half-written order."""

from __future__ import annotations

import json
import re
import selectors
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from order_service import clients

from release_cli.local_invoke import FunctionSpec, LambdaContext
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


@pytest.mark.parametrize("reason", ["ThrottlingError", "TransactionConflict", "ProvisionedThroughputExceeded"])
def test_transaction_cancelled_by_throttling_or_conflict_is_503(call: Any, failing: Any, reason: str) -> None:
    # Cancellation reason codes as botocore's DynamoDB model documents them under TransactionCanceledException.
    cancelled = ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "simulated"},
            "CancellationReasons": [{"Code": "None"}, {"Code": reason}],
        },
        "TransactWriteItems",
    )
    failing(cancelled)
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


def test_the_client_in_use_has_the_retries_and_timeouts_the_worst_case_is_computed_from(local: Any) -> None:
    config = clients.dynamodb().meta.config
    attempts = config.retries["total_max_attempts"]
    worst = attempts * (config.connect_timeout + config.read_timeout) + (attempts - 1) * clients.MAX_BACKOFF_SECONDS
    assert config.retries["mode"] == "standard" and worst <= clients.CALL_WORST_CASE_SECONDS == 4.0


def test_client_is_created_once_per_container(local: Any) -> None:
    assert clients.dynamodb() is clients.dynamodb()


class SilentEndpoint:
    """A TCP server on 127.0.0.1 that accepts connections, reads requests and never answers.

    Bounded: it stops itself after ``lifetime`` seconds even if the test never calls ``stop``. ``targets``
    lists the DynamoDB operations it was asked for (from the ``X-Amz-Target`` headers it received).
    """

    def __init__(self, lifetime: float = 30.0) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.setblocking(False)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._received = bytearray()
        self._stop = threading.Event()
        self._until = time.monotonic() + lifetime
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def targets(self) -> list[str]:
        return [name.decode() for name in re.findall(rb"X-Amz-Target: DynamoDB_20120810\.(\w+)", self._received)]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self._listener, selectors.EVENT_READ)
        try:
            while not self._stop.is_set() and time.monotonic() < self._until:
                for key, _ in selector.select(timeout=0.05):
                    sock: Any = key.fileobj
                    if sock is self._listener:
                        connection, _ = self._listener.accept()
                        connection.setblocking(False)
                        selector.register(connection, selectors.EVENT_READ)
                    elif data := sock.recv(65536):
                        self._received += data
                    else:
                        selector.unregister(sock)
                        sock.close()
        finally:
            for key in list(selector.get_map().values()):
                key.fileobj.close()  # type: ignore[union-attr]
            selector.close()


@pytest.fixture
def silent_dynamodb(local: FunctionSpec, monkeypatch: pytest.MonkeyPatch) -> Iterator[SilentEndpoint]:
    """The handler's DynamoDB endpoint accepts connections and never answers (a cold container)."""
    from release_cli.local_invoke import reset_handler_state

    endpoint = SilentEndpoint()
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint.url)
    reset_handler_state()
    try:
        yield endpoint
    finally:
        endpoint.stop()
        monkeypatch.delenv("AWS_ENDPOINT_URL")
        reset_handler_state()


def timed_call(spec: FunctionSpec, remaining_ms: int) -> tuple[int, dict[str, Any], float, str]:
    """Create through the handler with a context that has ``remaining_ms`` left; (status, body, seconds, request id)."""
    import handler

    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{spec.name}:dev"
    context = LambdaContext(
        function_name=spec.name, function_version="7", invoked_function_arn=arn, timeout_ms=remaining_ms
    )
    started = time.monotonic()
    response = handler.lambda_handler(CREATE, context)
    return response["statusCode"], json.loads(response["body"]), time.monotonic() - started, context.aws_request_id


def test_silent_dynamodb_gives_503_with_request_id_before_the_time_runs_out(
    local: FunctionSpec, silent_dynamodb: SilentEndpoint
) -> None:
    # 6 s left: the config read may start (4.5 s reserve) and fails after 2 x 1 s; the write may not start.
    status, body, seconds, request_id = timed_call(local, remaining_ms=6000)
    assert (status, body["requestId"]) == (503, request_id) and seconds < 6.0 - clients.ANSWER_MARGIN_SECONDS


def test_silent_dynamodb_never_receives_the_write(local: FunctionSpec, silent_dynamodb: SilentEndpoint) -> None:
    timed_call(local, remaining_ms=6000)
    assert "BatchGetItem" in silent_dynamodb.targets and "TransactWriteItems" not in silent_dynamodb.targets


def test_no_call_starts_when_less_than_one_call_can_take_is_left(
    local: FunctionSpec, silent_dynamodb: SilentEndpoint
) -> None:
    status, body, seconds, request_id = timed_call(local, remaining_ms=3000)
    assert (status, body["requestId"], silent_dynamodb.targets) == (503, request_id, []) and seconds < 0.5
