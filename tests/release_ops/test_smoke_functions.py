"""``release smoke`` on a stage of two functions, against the session's moto server.

moto holds the functions, their aliases and the stage's stack (whose outputs name both functions);
moto runs no handler without Docker, so each Invoke is answered by a botocore hook with what the
function's real handler answers that payload on this machine (``release local``'s runner: the Order
API's HTTP responses, the worker's ``batchItemFailures``), with the version the alias points at.
Every other call (GetAlias, DescribeStacks) reaches moto.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.response import StreamingBody

from release_cli.commands import smoke as smoke_command
from release_cli.local_invoke import LocalFunction, run_events
from release_cli.ops.target import Target
from service_model import naming
from service_model.project import SOURCE_ROOT
from service_model.stages import load_stage
from service_model.test_events import TestEvent, load_events
from tests.conftest import ROOT, CliResult
from tests.order_api.conftest import TEMPLATE
from tests.release_ops.aws_hooks import hook_cli_clients
from tests.release_ops.conftest import Lab, new_lab

API_EVENTS = ROOT / "test_events"
WORKER_EVENTS = ROOT / "test_events" / "order_worker"


def safe(folder: Path) -> list[TestEvent]:
    return [event for event in load_events(folder) if event.production_safe]


def local_answers(folder: Path, template_name: str, code: str, version: str) -> dict[str, Any]:
    """``{payload as JSON: the response}`` of the function's real handler for its production-safe events."""
    events = safe(folder)
    function = LocalFunction(name=template_name, code_dir=SOURCE_ROOT / "lambda_src" / code)
    results = run_events(events, TEMPLATE, alias="prod", function_version=version, function=function)
    return {json.dumps(e.payload, sort_keys=True): r.response for e, r in zip(events, results, strict=True)}


class Lambda:
    """Answers Invoke for the two labs' functions and records (function, qualifier, payload) per call."""

    def __init__(self, answers: dict[str, dict[str, Any]], version: str) -> None:
        self.answers, self.version = answers, version
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def __call__(self, model: Any, params: dict[str, Any], **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        function = params["url_path"].split("/functions/")[1].split("/")[0]
        payload = json.loads(params["body"])
        self.calls.append((function, params["query_string"].get("Qualifier", ""), payload))
        body = json.dumps(self.answers[function][json.dumps(payload, sort_keys=True)]).encode()
        parsed = {"StatusCode": 200, "ExecutedVersion": self.version,
                  "Payload": StreamingBody(io.BytesIO(body), len(body))}  # fmt: skip
        return AWSResponse("https://hooked.invalid", 200, {}, None), parsed

    def functions_called(self) -> list[str]:
        return list(dict.fromkeys(function for function, _, _ in self.calls))


@pytest.fixture
def two_functions(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Lab, Lab, Lambda]]:
    """An Order API and a worker on moto, prod -> 1 on each, the prod stack's outputs naming both (the
    worker's prefixed with its construct id), and Invoke answered by each function's real handler."""
    import boto3

    # First: the local runner's mock_aws, on leaving, resets moto's state, which the server in this process shares.
    api_answers = local_answers(API_EVENTS, "dev-VersionedOrderAPI", "order_api", "1")
    worker_answers = local_answers(WORKER_EVENTS, "dev-OrderWorker", "order_worker", "1")
    api, worker = new_lab("api"), new_lab("worker")
    for lab in (api, worker):
        lab.publish("v1")
        lab.alias("prod", "1")
    outputs = {"FunctionName": api.function, "AuditTableName": api.table, "OrderWorkerFunctionName": worker.function}
    template = {"Resources": {"Marker": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {key: {"Value": value} for key, value in outputs.items()}}  # fmt: skip
    cloudformation = boto3.client("cloudformation")
    stack = naming.stack_name("prod")
    cloudformation.create_stack(StackName=stack, TemplateBody=json.dumps(template))
    lam = Lambda({api.function: api_answers, worker.function: worker_answers}, "1")
    hook_cli_clients(monkeypatch, {"before-call.lambda.Invoke": lam})
    yield api, worker, lam
    cloudformation.delete_stack(StackName=stack)


def test_a_stage_smokes_every_function_with_its_own_events_through_its_trigger_alias(
    two_functions: tuple[Lab, Lab, Lambda], run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    api, worker, lam = two_functions
    report = tmp_path / "smoke.xml"
    result = run_cli("smoke", "--stage", "prod", "--junit-xml", report, "--json")  # no --function, no --alias
    assert result.code == 0, result.out + result.err
    document = result.json()
    assert [(f["function"], f["alias"], f["ok"]) for f in document["functions"]] == [
        (api.function, "prod", True), (worker.function, "prod", True)]  # fmt: skip
    assert document["ok"] is True
    worker_run = document["functions"][1]
    assert [r["event"] for r in worker_run["results"]] == [e.name for e in safe(WORKER_EVENTS)]
    assert [r["event"] for r in document["functions"][0]["results"]] == [e.name for e in safe(API_EVENTS)]
    # each function got its own payloads only, through its trigger alias: stream records to the worker
    assert {q for _, q, _ in lam.calls} == {"prod"}
    assert all("Records" in payload for function, _, payload in lam.calls if function == worker.function)
    assert not any("Records" in payload for function, _, payload in lam.calls if function == api.function)
    suites = ET.parse(report).getroot().findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [
        (f"release smoke {api.function}:prod", str(len(safe(API_EVENTS)) + 1), "0"),
        (f"release smoke {worker.function}:prod", str(len(safe(WORKER_EVENTS)) + 1), "0"),
    ]


def test_one_functions_mismatch_fails_the_stage_and_the_report_says_whose(
    two_functions: tuple[Lab, Lab, Lambda], run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    api, worker, lam = two_functions
    malformed = next(e for e in safe(WORKER_EVENTS) if e.name == "MalformedRecordFailsRest")
    lam.answers[worker.function][json.dumps(malformed.payload, sort_keys=True)] = {"batchItemFailures": []}
    report = tmp_path / "smoke.xml"
    result = run_cli("smoke", "--stage", "prod", "--junit-xml", report)
    assert result.code == 1, result.err
    assert lam.functions_called() == [api.function, worker.function]  # the API's pass did not stop the worker's
    assert "MISMATCH MalformedRecordFailsRest" in result.out and "batchItemFailures: expected" in result.out
    total = result.out.strip().splitlines()[-1]
    assert total.startswith("total, 2 functions:") and total.endswith(f"FAILED: {worker.function}")
    suites = {s.get("name"): s for s in ET.parse(report).getroot().findall("testsuite")}
    assert suites[f"release smoke {api.function}:prod"].get("failures") == "0"
    failing = suites[f"release smoke {worker.function}:prod"]
    assert failing.get("failures") == "1"
    assert failing.find("testcase[@name='MalformedRecordFailsRest']/failure") is not None


def test_function_key_smokes_that_function_alone(
    two_functions: tuple[Lab, Lab, Lambda], run_cli: Callable[..., CliResult]
) -> None:
    _, worker, lam = two_functions
    result = run_cli("smoke", "--stage", "prod", "--function", "order-worker", "--json")
    assert result.code == 0, result.err
    assert result.json()["function"] == worker.function and result.json()["alias"] == "prod"
    assert lam.functions_called() == [worker.function]


def test_events_dir_on_a_stage_of_several_functions_needs_function(
    two_functions: tuple[Lab, Lab, Lambda], run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("smoke", "--stage", "prod", "--events-dir", WORKER_EVENTS)
    assert result.code == 2
    assert "--events-dir needs --function KEY" in result.err and not two_functions[2].calls


def test_a_function_outside_stages_toml_needs_alias(
    two_functions: tuple[Lab, Lab, Lambda], run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("smoke", "--function", "some-other-function")
    assert result.code == 2 and "give --alias" in result.err and not two_functions[2].calls


def test_each_function_smokes_its_own_events_folder() -> None:
    import argparse

    prod = load_stage("prod")
    args = argparse.Namespace(events_dir=None)
    worker = smoke_command._events(
        args, prod, Target(function="prod-OrderWorker", audit_table=None, function_key="order-worker")
    )
    api = smoke_command._events(
        args, prod, Target(function="prod-VersionedOrderAPI", audit_table=None, function_key="order-api")
    )
    assert [e.name for e in worker] == [e.name for e in safe(WORKER_EVENTS)]
    assert [e.name for e in api] == [e.name for e in safe(API_EVENTS)]
    by_name = smoke_command._events(args, prod, Target(function="prod-OrderWorker", audit_table=None))
    assert [e.name for e in by_name] == [e.name for e in worker]  # a physical name finds the folder too
