"""smoke and invoke with recorded Invoke responses (botocore's Stubber).

moto runs no handler without Docker and never routes by weight, so it reports no ExecutedVersion
(FACTS): these tests feed the CLI responses shaped like Lambda's Invoke answers for the Order API
(payload, StatusCode, ExecutedVersion, FunctionError), through the real command code.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from release_cli.commands import invoke as invoke_command
from release_cli.commands import smoke as smoke_command
from release_cli.ops.clients import AwsContext
from release_cli.ops.split_stats import observed_split, wilson_interval
from tests.release_ops.conftest import REGION, events_folder

FUNCTION = "prod-VersionedOrderAPI"
EVENTS = ("GetOrderStatusUnknown", "UnknownAction", "CreateOrderEmptyItems")  # the last is not production-safe
RESPONSES = {
    "GetOrderStatusUnknown": (404, {"action": "status", "error": "order ORD-DOES-NOT-EXIST not found"}),
    "UnknownAction": (400, {"action": "delete", "errors": [
        {"field": "action", "problem": 'must be one of create, status, got "delete"'}]}),
}  # fmt: skip


@pytest.fixture
def events_dir(tmp_path: Path) -> Path:
    return events_folder(tmp_path, EVENTS)


def recorded(event: str, version: str, *, status: int | None = None, error: str = "") -> dict[str, Any]:
    """An Invoke response as Lambda sends it for the Order API's answer to ``event``."""
    code, fields = RESPONSES[event]
    body = {"message": "ok", "version": "1.1.0", "functionVersion": version, **fields}
    payload = json.dumps({"statusCode": status or code, "headers": {"Content-Type": "application/json"},
                          "body": json.dumps(body)}).encode()  # fmt: skip
    response: dict[str, Any] = {"StatusCode": 200, "ExecutedVersion": version,
                                "Payload": StreamingBody(io.BytesIO(payload), len(payload))}  # fmt: skip
    if error:
        response["FunctionError"] = error
    return response


def stubbed_context(monkeypatch: pytest.MonkeyPatch, module: Any, alias: dict[str, Any] | None) -> Stubber:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("lambda", region_name=REGION)
    stub = Stubber(client)
    if alias is not None:
        stub.add_response("get_alias", {"Name": "prod", "FunctionVersion": alias["version"],
                          "RoutingConfig": {"AdditionalVersionWeights": alias.get("weights", {})},
                          "RevisionId": "r1"}, {"FunctionName": FUNCTION, "Name": "prod"})  # fmt: skip
    ctx = AwsContext(region=REGION)
    ctx.use("lambda", client)
    monkeypatch.setattr(module, "context_for", lambda _args: ctx)
    stub.activate()
    return stub


def expect_invokes(stub: Stubber, versions: list[str], *, broken: str = "") -> None:
    for version in versions:
        for event in ("GetOrderStatusUnknown", "UnknownAction"):
            status = 500 if (event == broken and version == versions[-1]) else None
            stub.add_response("invoke", recorded(event, version, status=status),
                              {"FunctionName": FUNCTION, "Qualifier": "prod", "InvocationType": "RequestResponse",
                               "Payload": ANY})  # fmt: skip


def test_smoke_runs_only_production_safe_events_and_writes_junit(
    monkeypatch: pytest.MonkeyPatch, run_cli, events_dir: Path, tmp_path: Path
) -> None:
    stub = stubbed_context(monkeypatch, smoke_command, {"version": "2"})
    expect_invokes(stub, ["2"])
    report = tmp_path / "reports" / "smoke.xml"
    result = run_cli("smoke", "--function", FUNCTION, "--alias", "prod", "--events-dir", events_dir,
                     "--junit-xml", report, "--json")  # fmt: skip
    assert result.code == 0, result.err
    stub.assert_no_pending_responses()  # CreateOrderEmptyItems (not production-safe) was never invoked
    document = result.json()
    assert [(r["event"], r["executedVersion"], r["matched"]) for r in document["results"]] == [
        ("GetOrderStatusUnknown", "2", True), ("UnknownAction", "2", True)]  # fmt: skip
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "0" and suite.get("errors") == "0"
    names = [case.get("name") for case in suite.findall("testcase")]
    assert names == ["GetOrderStatusUnknown", "UnknownAction", "split by executed version"]
    assert all(float(case.get("time", "x")) >= 0 for case in suite.findall("testcase"))


def test_smoke_mismatch_fails_with_details_in_junit(
    monkeypatch: pytest.MonkeyPatch, run_cli, events_dir: Path, tmp_path: Path
) -> None:
    stub = stubbed_context(monkeypatch, smoke_command, {"version": "2"})
    expect_invokes(stub, ["2"], broken="UnknownAction")
    report = tmp_path / "smoke.xml"
    result = run_cli("smoke", "--function", FUNCTION, "--alias", "prod", "--events-dir", events_dir,
                     "--junit-xml", report)  # fmt: skip
    assert result.code == 1
    assert "MISMATCH UnknownAction" in result.out and "statusCode: expected 400, got 500" in result.out
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    failure = suite.find("testcase[@name='UnknownAction']/failure")
    assert failure is not None and "expected 400, got 500" in (failure.get("message") or "")


def test_smoke_repeat_reports_the_split_against_the_weights(
    monkeypatch: pytest.MonkeyPatch, run_cli, events_dir: Path
) -> None:
    stub = stubbed_context(monkeypatch, smoke_command, {"version": "1", "weights": {"2": 0.1}})
    versions = ["2" if run % 10 == 3 else "1" for run in range(50)]  # 10 % of the runs, as configured
    expect_invokes(stub, versions)
    result = run_cli("smoke", "--function", FUNCTION, "--alias", "prod", "--events-dir", events_dir,
                     "--repeat", "50", "--json")  # fmt: skip
    assert result.code == 0, result.err
    split = {s["version"]: s for s in result.json()["split"]}
    assert split["1"]["count"] + split["2"]["count"] == 100
    assert split["1"]["configured"] == pytest.approx(0.9) and split["2"]["configured"] == pytest.approx(0.1)
    assert split["2"]["low"] <= split["2"]["observed"] <= split["2"]["high"]
    assert split["1"]["consistent"] and split["2"]["consistent"]
    assert (split["1"]["count"], split["2"]["count"]) == (90, 10)


def test_a_split_far_from_the_weights_is_reported_inconsistent(
    monkeypatch: pytest.MonkeyPatch, run_cli, events_dir: Path
) -> None:
    stub = stubbed_context(monkeypatch, smoke_command, {"version": "1", "weights": {"2": 0.5}})
    expect_invokes(stub, ["1"] * 20)
    result = run_cli("smoke", "--function", FUNCTION, "--alias", "prod", "--events-dir", events_dir, "--repeat", "20")
    assert result.code == 0  # routing is random: reported, not failed
    rows = {line.split()[0]: line for line in result.out.splitlines() if line[:1].isdigit()}
    assert rows["1"].endswith("NO") and rows["2"].endswith("NO")


def test_smoke_fails_when_a_version_the_alias_does_not_route_to_runs(
    monkeypatch: pytest.MonkeyPatch, run_cli, events_dir: Path
) -> None:
    stub = stubbed_context(monkeypatch, smoke_command, {"version": "2"})
    expect_invokes(stub, ["2", "3"])
    result = run_cli("smoke", "--function", FUNCTION, "--alias", "prod", "--events-dir", events_dir, "--repeat", "2")
    assert result.code == 1
    assert "does not route to ran: 3" in result.out


def test_wilson_interval_matches_the_textbook_value() -> None:
    # Wilson (1927) / Newcombe (1998) example: 81 of 263 -> 0.2553 .. 0.3662 at 95 %
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == pytest.approx(1.0)
    shares = observed_split(["1"] * 9 + ["2"], {"1": 0.9, "2": 0.1})
    assert [s.version for s in shares] == ["1", "2"]


def test_invoke_prints_the_executed_version(monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    stub = stubbed_context(monkeypatch, invoke_command, None)
    stub.add_response("invoke", recorded("GetOrderStatusUnknown", "7"),
                      {"FunctionName": FUNCTION, "Qualifier": "prod", "InvocationType": "RequestResponse",
                       "Payload": json.dumps({"action": "status"}).encode()})  # fmt: skip
    result = run_cli("invoke", "--payload", '{"action": "status"}', "--function", FUNCTION, "--alias", "prod", "--yes")
    assert result.code == 0, result.err
    assert "executed version: 7" in result.out
    stub.add_response("invoke", recorded("GetOrderStatusUnknown", "7", error="Unhandled"))
    failed = run_cli("invoke", "--payload", "{}", "--function", FUNCTION, "--alias", "prod", "--yes", "--json")
    assert failed.code == 1
    assert failed.json()["functionError"] == "Unhandled" and failed.json()["executedVersion"] == "7"


def test_a_raw_payload_against_prod_needs_yes_without_a_terminal(monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    stub = stubbed_context(monkeypatch, invoke_command, None)
    result = run_cli("invoke", "--payload", "{}", "--function", FUNCTION, "--alias", "prod")
    assert result.code == 1 and "--yes" in result.err
    stub.assert_no_pending_responses()


def test_smoke_progress_bar_only_on_a_terminal() -> None:
    from release_cli.ops.progress import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, log = Tty(), io.StringIO()
    for stream in (terminal, log):
        bar = Progress(4, label="smoke prod", stream=stream)
        for _ in range(4):
            bar.step()
        bar.close()
    assert "4/4" in terminal.getvalue() and log.getvalue() == ""


def test_invoke_a_named_event_judges_the_response(monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    stub = stubbed_context(monkeypatch, invoke_command, None)
    stub.add_response("invoke", recorded("GetOrderStatusUnknown", "4"))
    result = run_cli("invoke", "GetOrderStatusUnknown", "--function", FUNCTION, "--alias", "prod", "--json")
    assert result.code == 0, result.err  # production-safe: no confirmation needed on prod
    assert result.json()["matched"] and result.json()["executedVersion"] == "4"
    stub.add_response("invoke", recorded("GetOrderStatusUnknown", "4", status=200))
    mismatch = run_cli("invoke", "GetOrderStatusUnknown", "--function", FUNCTION, "--alias", "prod")
    assert mismatch.code == 1 and "statusCode: expected 404, got 200" in mismatch.out
    unknown = run_cli("invoke", "NoSuchEvent", "--function", FUNCTION, "--alias", "prod")
    assert unknown.code == 2 and "known:" in unknown.err


def test_smoke_judges_the_real_handlers_responses(
    synthesized: Any, monkeypatch: pytest.MonkeyPatch, run_cli, tmp_path: Path
) -> None:
    """The recorded responses here are the Order API's own: every production-safe event run through the
    real handler on this machine (release local's runner, DynamoDB from the synthesized dev template),
    then served as Invoke answers with the version that ran."""
    from release_cli.local_invoke import load_template, run_events
    from service_model.naming import stack_name
    from service_model.test_events import load_events

    events = [event for event in load_events() if event.production_safe]
    template = load_template(synthesized.outdir / f"{stack_name('dev')}.template.json")
    answers = run_events(events, template, alias="prod", function_version="5")
    stub = stubbed_context(monkeypatch, smoke_command, {"version": "5"})
    for event, answer in zip(events, answers, strict=True):
        payload = json.dumps(answer.response).encode()
        stub.add_response("invoke", {"StatusCode": 200, "ExecutedVersion": "5",
                                     "Payload": StreamingBody(io.BytesIO(payload), len(payload))},
                          {"FunctionName": FUNCTION, "Qualifier": "prod", "InvocationType": "RequestResponse",
                           "Payload": json.dumps(event.payload).encode()})  # fmt: skip
    report = tmp_path / "smoke.xml"
    result = run_cli("smoke", "--function", FUNCTION, "--alias", "prod", "--junit-xml", report, "--json")
    assert result.code == 0, result.out
    document = result.json()
    assert document["invocations"] == len(events) and document["failures"] == 0
    assert [s["version"] for s in document["split"]] == ["5"]
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == str(len(events) + 1) and suite.get("failures") == "0"


def test_an_aws_error_mid_run_still_writes_a_junit_report(
    monkeypatch: pytest.MonkeyPatch, run_cli, events_dir: Path, tmp_path: Path
) -> None:
    stub = stubbed_context(monkeypatch, smoke_command, {"version": "2"})
    stub.add_response("invoke", recorded("GetOrderStatusUnknown", "2"))
    stub.add_client_error("invoke", service_error_code="AccessDeniedException", service_message="no InvokeFunction")
    report = tmp_path / "smoke.xml"
    result = run_cli("smoke", "--function", FUNCTION, "--alias", "prod", "--events-dir", events_dir,
                     "--junit-xml", report)  # fmt: skip
    assert result.code == 2 and "AccessDeniedException" in result.err
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and suite.get("errors") == "1" and suite.get("failures") == "0"
    error = suite.find("testcase[@name='smoke run']/error")
    assert error is not None and "AccessDeniedException" in (error.get("message") or "")
    assert suite.find("testcase[@name='GetOrderStatusUnknown']") is not None


def test_invoke_finds_an_event_in_the_named_functions_own_folder() -> None:
    import argparse

    from release_cli.ops.errors import OpsError
    from service_model.stages import load_stage

    prod = load_stage("prod")
    args = argparse.Namespace(event="ModifySkipped")
    assert invoke_command._event(args, prod.function("order-worker")).expected == {"batchItemFailures": []}
    with pytest.raises(OpsError, match="unknown event 'ModifySkipped'"):
        invoke_command._event(args, prod.function("order-api"))  # the Order API's folder has no such event
