"""``release serve``'s concurrency model and ``--reload`` through the HTTP server, in-process: the same
wiring as the command (``execution_environments`` + ``function_invoker`` + ``LocalApi``) on the local
tables, with the function's code in a temporary folder where a test needs to change or slow it."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

from release_cli.commands.serve import execution_environments, function_invoker
from release_cli.http_routes import routes_from_template
from release_cli.local_invoke import HANDLER_DIR, LocalFunction, local_aws
from release_cli.local_server import LocalApi, make_server
from tests.order_api.conftest import ORDERS, TEMPLATE
from tests.serve.conftest import Reply, request

ROUTES = routes_from_template(
    {"Resources": {"R": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"RouteKey": "$default"}}}}
)
FUNCTION = "dev-VersionedOrderAPI"
SLOW_SECONDS = 0.4


@dataclass
class Serving:
    url: str
    log: StringIO
    client: Any  # boto3 DynamoDB client on the same local tables


@contextmanager
def serving(code_dir: Path, concurrency: int, *, reload: bool = False, sample_data: bool = True) -> Iterator[Serving]:
    """The function in ``code_dir`` behind the local server, as ``release serve`` wires it."""
    import boto3

    log = StringIO()
    function = LocalFunction(name=FUNCTION, code_dir=code_dir)
    with local_aws(TEMPLATE, sample_data=sample_data, function=function) as spec:
        api = LocalApi(ROUTES, lambda event: None, log)
        environments = execution_environments(spec, concurrency, reload=reload, log=api.log)
        api.set_invoker(function_invoker(spec, "dev", "$LATEST", environments))
        httpd = make_server(api, port=0)
        thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield Serving(f"http://127.0.0.1:{httpd.server_address[1]}", log, boto3.client("dynamodb"))
        finally:
            httpd.shutdown()
            httpd.server_close()


def at_once(count: int, send: Callable[[int], Reply]) -> list[Reply]:
    replies: list[Any] = [None] * count
    start = threading.Barrier(count)

    def one(index: int) -> None:
        start.wait()
        replies[index] = send(index)

    threads = [threading.Thread(target=one, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return replies


SLOW_HANDLER = """
import json
import time

CALLS = 0


def lambda_handler(event, context):
    global CALLS
    CALLS += 1
    started = time.monotonic()
    time.sleep(float(event["queryStringParameters"]["sleep"]))
    return {"statusCode": 200, "body": json.dumps({"started": started, "ended": time.monotonic(), "calls": CALLS})}
"""


@pytest.fixture
def slow_function(tmp_path: Path) -> Path:
    (tmp_path / "handler.py").write_text(SLOW_HANDLER)
    return tmp_path


@pytest.mark.parametrize(("concurrency", "overlap"), [(2, True), (1, False)])
def test_two_slow_requests_overlap_in_two_environments_and_queue_in_one(
    slow_function: Path, concurrency: int, overlap: bool
) -> None:
    with serving(slow_function, concurrency, sample_data=False) as served:
        replies = at_once(2, lambda _: request(f"{served.url}/slow?sleep={SLOW_SECONDS}"))
    assert [reply.status for reply in replies] == [200, 200]  # the second waited: queued, not refused
    first, second = sorted((reply.json() for reply in replies), key=lambda times: times["started"])
    assert (second["started"] < first["ended"]) is overlap
    # Two environments each count their own first call; one warm environment counts both.
    assert [first["calls"], second["calls"]] == ([1, 1] if overlap else [1, 2])


@pytest.fixture
def slow_conditions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each transaction condition takes a while: concurrent creates are all inside the race at once."""
    from moto.dynamodb import comparisons

    evaluate = comparisons.get_filter_expression

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.05)
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(comparisons, "get_filter_expression", slow)


def test_the_idempotency_race_through_the_server_makes_one_order(slow_conditions: None) -> None:
    body = json.dumps({"customerId": "CUST-RACE", "items": [{"productId": "PROD-A", "quantity": 1}]})
    headers = {"Content-Type": "application/json", "Idempotency-Key": "race-key-1"}
    with serving(HANDLER_DIR, 8, sample_data=False) as served:
        replies = at_once(8, lambda _: request(f"{served.url}/orders", "POST", body, headers))
        items = served.client.scan(TableName=ORDERS)["Items"]
    assert [reply.status for reply in replies] == [200] * 8, [reply.body for reply in replies]
    answers = [reply.json() for reply in replies]
    assert len({answer["orderId"] for answer in answers}) == 1
    assert sorted(answer["idempotentReplay"] for answer in answers) == [False] + [True] * 7
    assert sorted(item["PK"]["S"].split("#")[0] for item in items) == ["IDEMPOTENCY", "ORDER"]


@pytest.fixture
def code_copy(tmp_path: Path) -> Path:
    """The Order API's code, copied: a folder the test may edit."""
    folder = tmp_path / "order_api"
    shutil.copytree(HANDLER_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def version_of(reply: Reply) -> str:
    assert reply.status == 200, reply.body
    return str(reply.json()["version"])


def test_reload_uses_changed_code_and_survives_code_that_does_not_load(code_copy: Path) -> None:
    status = "/orders/ORD-2024-001"
    handler = code_copy / "handler.py"
    good = handler.read_text()
    with serving(code_copy, 2, reload=True) as served:
        before = version_of(request(served.url + status))
        (code_copy / "version.py").write_text('VERSION = "9.9.9"\n')
        assert before != "9.9.9" and version_of(request(served.url + status)) == "9.9.9"

        handler.write_text(good + "\ndef broken(:\n")
        reply = request(served.url + status)
        assert (reply.status, reply.json()) == (502, {"message": "Internal Server Error"})
        assert b"Traceback" not in reply.body and b"SyntaxError" not in reply.body
        log = served.log.getvalue()
        assert "function init error on GET /orders/ORD-2024-001: SyntaxError" in log
        assert "Traceback (most recent call last)" in log and "def broken(:" in log

        handler.write_text(good + "\nimport no_such_module_for_reload\n")
        assert request(served.url + status).status == 502
        assert "ModuleNotFoundError: No module named 'no_such_module_for_reload'" in served.log.getvalue()

        handler.write_text(good)  # fixed: the next request runs it, no restart
        assert version_of(request(served.url + status)) == "9.9.9"
        assert served.log.getvalue().count("code changed: the next requests start fresh execution environments") == 4


def test_without_reload_a_warm_environment_keeps_its_code(code_copy: Path) -> None:
    status = "/orders/ORD-2024-001"
    with serving(code_copy, 1) as served:
        before = version_of(request(served.url + status))
        (code_copy / "version.py").write_text('VERSION = "9.9.9"\n')
        assert version_of(request(served.url + status)) == before
