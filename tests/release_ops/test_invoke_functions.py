"""``release invoke`` on each function of a stage of two: the named event comes from that function's own
events folder and is judged by the shared matcher (the worker's by its batchItemFailures).

Invoke is answered by botocore's Stubber (moto runs no handler without Docker) with the worker's
answer as Lambda sends it; the stage's stack is reported missing (names from stages.toml)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from release_cli.commands import invoke as invoke_command
from tests.conftest import CliResult
from tests.release_ops.conftest import REGION
from tests.release_ops.test_smoke_invoke import recorded, stubbed_context

WORKER, API = "prod-OrderWorker", "prod-VersionedOrderAPI"


def answer(response: dict[str, Any], version: str = "3") -> dict[str, Any]:
    payload = json.dumps(response).encode()
    return {"StatusCode": 200, "ExecutedVersion": version, "Payload": StreamingBody(io.BytesIO(payload), len(payload))}


@pytest.fixture
def lam(monkeypatch: pytest.MonkeyPatch) -> Stubber:
    """The Lambda stub, and a CloudFormation that has no stack for any stage (the stage's names are used)."""
    stub = stubbed_context(monkeypatch, invoke_command, None)
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    stacks = Stubber(cloudformation)
    for _ in range(3):
        stacks.add_client_error("describe_stacks", "ValidationError", "Stack with id version-demo-prod does not exist")
    stacks.activate()
    invoke_command.context_for(None).use("cloudformation", cloudformation)
    return stub


def expect(stub: Stubber, function: str, response: dict[str, Any]) -> None:
    params = {"FunctionName": function, "Qualifier": "prod", "InvocationType": "RequestResponse", "Payload": ANY}
    stub.add_response("invoke", answer(response), params)


def test_the_workers_event_is_invoked_on_the_worker_and_judged_by_its_batch_failures(
    lam: Stubber, run_cli: Callable[..., CliResult]
) -> None:
    expect(lam, WORKER, {"batchItemFailures": []})
    result = run_cli("invoke", "ModifySkipped", "--stage", "prod", "--function", "order-worker", "--alias", "prod",
                     "--json")  # fmt: skip
    assert result.code == 0, result.err
    document = result.json()
    assert (document["function"], document["event"], document["matched"]) == (WORKER, "ModifySkipped", True)
    lam.assert_no_pending_responses()


def test_a_worker_answer_that_differs_is_a_mismatch(lam: Stubber, run_cli: Callable[..., CliResult]) -> None:
    expect(lam, WORKER, {"batchItemFailures": []})  # MalformedRecordFailsRest expects two failed records
    result = run_cli("invoke", "MalformedRecordFailsRest", "--stage", "prod", "--function", "order-worker",
                     "--alias", "prod")  # fmt: skip
    assert result.code == 1
    assert "- batchItemFailures: expected [" in result.out


def test_without_function_the_event_picks_the_function_whose_folder_holds_it(
    lam: Stubber, run_cli: Callable[..., CliResult]
) -> None:
    expect(lam, WORKER, {"batchItemFailures": []})
    result = run_cli("invoke", "ModifySkipped", "--stage", "prod", "--alias", "prod", "--json")
    assert result.code == 0, result.err
    assert result.json()["function"] == WORKER
    params = {"FunctionName": API, "Qualifier": "prod", "InvocationType": "RequestResponse", "Payload": ANY}
    lam.add_response("invoke", recorded("GetOrderStatusUnknown", "3"), params)
    api = run_cli("invoke", "GetOrderStatusUnknown", "--stage", "prod", "--alias", "prod", "--json")
    assert api.code == 0, api.err
    assert api.json()["function"] == API and api.json()["matched"]


def test_an_event_of_another_functions_folder_is_unknown(lam: Stubber, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("invoke", "GetOrderStatusUnknown", "--stage", "prod", "--function", "order-worker",
                     "--alias", "prod")  # fmt: skip
    assert result.code == 2
    assert "unknown event 'GetOrderStatusUnknown' in function order-worker's folder" in result.err
    assert "ModifySkipped" in result.err  # the known list is the worker's


def test_a_payload_on_a_stage_of_two_functions_needs_function(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("invoke", "--payload", '{"Records": []}', "--stage", "prod", "--alias", "prod")
    assert result.code == 2 and "give --function KEY" in result.err


def test_a_physical_name_finds_the_functions_folder_without_stage(
    monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    stub = stubbed_context(monkeypatch, invoke_command, None)
    expect(stub, WORKER, {"batchItemFailures": []})
    result = run_cli("invoke", "ModifySkipped", "--function", WORKER, "--alias", "prod", "--json")
    assert result.code == 0, result.err
    assert result.json()["matched"] is True


@pytest.mark.parametrize("command", ["invoke", "smoke"])
def test_a_key_without_stage_asks_for_the_stage(
    command: str, aws_env: str, run_cli: Callable[..., CliResult]
) -> None:  # aws_env: were the check gone, the calls would reach the moto server, never an account
    event = ["ModifySkipped"] if command == "invoke" else []
    result = run_cli(command, *event, "--function", "order-worker", "--alias", "prod")
    assert result.code == 2
    assert "--function order-worker is a stages.toml KEY: give --stage S too" in result.err
