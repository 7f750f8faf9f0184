"""What invoke and smoke report, field by field: the Invoke answer as the CLI reads it (time, version,
payload that is or is not JSON or UTF-8), the smoke run's JSON document and its JUnit report, and the
split's Wilson intervals at the edges (no trials, one trial, a configured version never seen).

Invoke answers are recorded (botocore's Stubber): moto runs no code. The Invoke call's clock is a fixed
one here so the milliseconds are exact.
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
from botocore.stub import Stubber

from release_cli.commands import smoke as smoke_command
from release_cli.ops import invoker
from release_cli.ops.clients import AwsContext
from release_cli.ops.invoker import EndpointDidNotRunError, invoke
from release_cli.ops.junit_report import Case, prepare_report_path, write_junit
from release_cli.ops.lambda_reads import AliasState
from release_cli.ops.smoke_run import run_smoke
from release_cli.ops.split_stats import VersionShare, observed_split, wilson_interval
from service_model.input_files import InputFileError
from service_model.test_events import load_events
from tests.release_ops.conftest import REGION, events_folder
from tests.release_ops.test_smoke_invoke import FUNCTION, recorded, stubbed_context

SAFE_EVENTS = ("GetOrderStatusUnknown", "UnknownAction")


class SteppingClock:
    """``time.perf_counter`` for the invoker: each Invoke call takes exactly ``step`` seconds."""

    def __init__(self, step: float) -> None:
        self.now, self.step, self.calls = 100.0, step, 0

    def perf_counter(self) -> float:
        self.calls += 1
        if self.calls % 2 == 0:
            self.now += self.step
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SteppingClock:
    fixed = SteppingClock(0.0123456)
    monkeypatch.setattr(invoker, "time", fixed)
    return fixed


def lambda_client(monkeypatch: pytest.MonkeyPatch) -> tuple[AwsContext, Stubber]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("lambda", region_name=REGION)
    ctx = AwsContext(region=REGION)
    ctx.use("lambda", client)
    return ctx, Stubber(client)


def answer(payload: bytes, *, version: str | None = None, error: str = "") -> dict[str, Any]:
    response: dict[str, Any] = {"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(payload), len(payload))}
    if version is not None:
        response["ExecutedVersion"] = version
    if error:
        response["FunctionError"] = error
    return response


def test_invoke_sends_the_payload_and_reports_the_answer_with_the_call_time(
    monkeypatch: pytest.MonkeyPatch, clock: SteppingClock
) -> None:
    ctx, stub = lambda_client(monkeypatch)
    stub.add_response("invoke", answer(b'{"statusCode": 404}', version="3"),
                      {"FunctionName": "fn", "Qualifier": "live", "InvocationType": "RequestResponse",
                       "Payload": b'{"action": "status", "note": "caf\\u00e9"}'})  # fmt: skip
    with stub:
        called = invoke(ctx, function="fn", qualifier="live", payload={"action": "status", "note": "café"})
    assert called.to_json() == {"statusCode": 200, "executedVersion": "3", "functionError": None,
                                "response": {"statusCode": 404}, "callMs": 12.346}  # fmt: skip


def test_a_handler_answer_that_is_not_json_is_kept_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, stub = lambda_client(monkeypatch)
    stub.add_response("invoke", answer(b"plain words", version="4"))
    stub.add_response("invoke", answer(b"Traceback: boom", version="4", error="Unhandled"))
    stub.add_response("invoke", answer(b"", version="4"))
    with stub:
        plain = invoke(ctx, function="fn", qualifier="live", payload={})
        raised = invoke(ctx, function="fn", qualifier="live", payload={})
        empty = invoke(ctx, function="fn", qualifier="live", payload={})
    assert (plain.response, plain.function_error, plain.executed_version) == ("plain words", "", "4")
    assert (raised.response, raised.function_error) == (
        "Traceback: boom",
        "Unhandled",
    )  # a version ran: not "did not run"
    assert empty.response is None and empty.to_json()["functionError"] is None


def did_not_run(monkeypatch: pytest.MonkeyPatch, payload: bytes) -> str:
    ctx, stub = lambda_client(monkeypatch)
    stub.add_response("invoke", answer(payload, error="Handled"))
    with stub, pytest.raises(EndpointDidNotRunError) as error:
        invoke(ctx, function="fn", qualifier="prod", payload={})
    return str(error.value)


def test_the_did_not_run_message_says_what_was_seen_and_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    message = did_not_run(monkeypatch, b"error running docker: Cannot connect\nat line 2")
    assert message == (
        "the endpoint did not run the function fn:prod: it answered FunctionError Handled with no ExecutedVersion "
        "and a payload that is not JSON, which Lambda never sends (an emulator that cannot run code, such as moto "
        "without Docker, answers this way); nothing was tested: invoke a deployed stage, or run the handler here "
        "with release local (the endpoint said: error running docker: Cannot connect)"
    )


def test_the_endpoints_words_are_cut_to_one_short_line(monkeypatch: pytest.MonkeyPatch) -> None:
    long_line = "e" * 200
    assert did_not_run(monkeypatch, long_line.encode()).endswith(f"(the endpoint said: {'e' * 120})")
    assert did_not_run(monkeypatch, b"  \n ").endswith("(the endpoint said: (empty))")
    not_utf8 = did_not_run(monkeypatch, b"\xff\xfe error running docker")  # replaced, never a crash
    assert not_utf8.endswith("(the endpoint said: \ufffd\ufffd error running docker)")


@pytest.fixture
def safe_events(tmp_path: Path) -> Path:
    return events_folder(tmp_path, SAFE_EVENTS)


def test_the_smoke_json_document_field_by_field(
    monkeypatch: pytest.MonkeyPatch, clock: SteppingClock, safe_events: Path
) -> None:
    ctx, stub = lambda_client(monkeypatch)
    for _ in range(2):
        for event in SAFE_EVENTS:
            stub.add_response("invoke", recorded(event, "2"))
    alias = AliasState(name="prod", version="2")
    seen: list[str] = []
    with stub:
        smoke = run_smoke(ctx, function=FUNCTION, alias=alias, events=load_events(safe_events), repeat=2,
                          on_result=lambda result: seen.append(f"{result.event}/{result.run}"))  # fmt: skip
    assert seen == ["GetOrderStatusUnknown/1", "UnknownAction/1", "GetOrderStatusUnknown/2", "UnknownAction/2"]
    result = {"executedVersion": "2", "matched": True, "problems": [], "callMs": 12.346}
    assert smoke.to_json() == {
        "function": FUNCTION, "alias": "prod", "configured": {"2": 1.0}, "repeat": 2, "invocations": 4,
        "failures": 0, "unexpectedVersions": [], "ok": True, "splitObserved": True, "versionNotReported": 0,
        "split": [{"version": "2", "count": 4, "observed": 1.0, "low": 0.5101, "high": 1.0, "configured": 1.0,
                   "consistent": True}],
        "results": [{"event": name, "run": run, **result} for run in (1, 2) for name in SAFE_EVENTS],
    }  # fmt: skip
    assert [r.status for r in smoke.results] == [404, 400, 404, 400]


def test_a_function_error_is_the_first_problem_with_its_answer_cut_short(
    monkeypatch: pytest.MonkeyPatch, safe_events: Path
) -> None:
    ctx, stub = lambda_client(monkeypatch)
    error = {"errorMessage": "x" * 400, "errorType": "KeyError"}
    stub.add_response("invoke", answer(json.dumps(error).encode(), version="2", error="Unhandled"))
    (event,) = [e for e in load_events(safe_events) if e.name == "GetOrderStatusUnknown"]
    with stub:
        smoke = run_smoke(ctx, function=FUNCTION, alias=AliasState(name="prod", version="2"), events=[event], repeat=1)
    (result,) = smoke.results
    assert result.problems[0] == f"the function raised (Unhandled): {str(error)[:300]}"
    assert len(result.problems) > 1 and not result.matched and result.status is None  # the mismatches follow
    assert not smoke.ok and smoke.to_json()["failures"] == 1


def test_the_junit_report_of_a_smoke_run_carries_each_answers_version_and_status(
    monkeypatch: pytest.MonkeyPatch, run_cli, safe_events: Path, tmp_path: Path
) -> None:
    stub = stubbed_context(monkeypatch, smoke_command, {"version": "2"})
    for event in SAFE_EVENTS:
        stub.add_response("invoke", recorded(event, "2"))
    report = tmp_path / "nested" / "twice" / "smoke.xml"  # folders made before anything runs
    result = run_cli("smoke", "--function", FUNCTION, "--alias", "prod", "--events-dir", safe_events,
                     "--junit-xml", report)  # fmt: skip
    assert result.code == 0, result.err
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None
    outputs = {case.get("name"): case.findtext("system-out") for case in suite.findall("testcase")}
    assert outputs["GetOrderStatusUnknown"] == "executed version 2, status 404"
    assert outputs["UnknownAction"] == "executed version 2, status 400"
    assert sorted(path.name for path in report.parent.iterdir()) == ["smoke.xml"]  # no probe or temporary left


def test_write_junit_writes_every_count_message_and_text(tmp_path: Path) -> None:
    long_line = "m" * 600
    cases = [
        Case("passed", 0.002, output="executed version 2, status 404"),
        Case("mismatch", 0.25, failure=f"{long_line}\nstatusCode: expected 404, got 500"),
        Case("unrouted", 0.0, failure="versions ran: 3", failure_type="unrouted-version"),
        Case("smoke run", 0.0, error=f"{long_line}\nAccessDeniedException"),
        Case("split", 0.0, skipped=f"{long_line}\nnothing observed"),
    ]
    path = tmp_path / "new" / "folder" / "report.xml"
    write_junit(
        path, suite="release smoke prod", classname="smoke.fn.prod", cases=cases, timestamp="2026-01-01T00:00:00"
    )
    assert path.read_bytes().startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<testsuites")
    root = ET.parse(path).getroot()
    counts = {"tests": "5", "failures": "2", "errors": "1", "skipped": "1", "time": "0.252"}
    assert root.tag == "testsuites" and root.attrib == {"name": "release smoke prod", **counts}
    (suite,) = root
    assert suite.tag == "testsuite"
    assert suite.attrib == {"name": "release smoke prod", "timestamp": "2026-01-01T00:00:00", **counts}
    elements = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name"), c.get("time")) for c in elements] == [
        ("smoke.fn.prod", "passed", "0.002"), ("smoke.fn.prod", "mismatch", "0.250"),
        ("smoke.fn.prod", "unrouted", "0.000"), ("smoke.fn.prod", "smoke run", "0.000"),
        ("smoke.fn.prod", "split", "0.000")]  # fmt: skip
    passed, mismatch, unrouted, aws, split = elements
    assert [child.tag for child in passed] == ["system-out"] and passed.findtext("system-out") == cases[0].output
    failure = mismatch.find("failure")
    assert failure is not None and failure.attrib == {"message": "m" * 500, "type": "mismatch"}
    assert failure.text == cases[1].failure
    assert unrouted.find("failure") is not None and unrouted.find("failure").attrib["type"] == "unrouted-version"  # type: ignore[union-attr]
    error = aws.find("error")
    assert (
        error is not None
        and error.attrib == {"message": "m" * 500, "type": "aws-error"}
        and error.text == cases[3].error
    )
    skipped = split.find("skipped")
    assert skipped is not None and skipped.attrib == {"message": "m" * 500}
    assert sorted(p.name for p in path.parent.iterdir()) == ["report.xml"]


def test_prepare_report_path_makes_the_folders_and_names_what_is_wrong(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b" / "smoke.xml"
    prepare_report_path(nested)
    prepare_report_path(nested)  # an existing folder is fine
    assert nested.parent.is_dir() and list(nested.parent.iterdir()) == []  # the probe is gone, no report yet
    with pytest.raises(InputFileError) as folder:
        prepare_report_path(nested.parent)
    assert (
        str(folder.value)
        == f"{nested.parent}: JUnit report: is a directory; give a file path such as reports/smoke.xml"
    )
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputFileError) as under_a_file:
        prepare_report_path(tmp_path / "file" / "smoke.xml")
    problem = "JUnit report: cannot write it here: a part of the path is a file, not a folder"
    assert str(under_a_file.value) == f"{tmp_path / 'file' / 'smoke.xml'}: {problem}"
    too_long = tmp_path / ("r" * 250 + ".xml")  # the report's name fits, the probe's does not
    with pytest.raises(InputFileError) as long_name:
        prepare_report_path(too_long)
    assert str(long_name.value) == f"{too_long}: JUnit report: cannot write it here: file name too long"


def test_wilson_interval_at_the_edges() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)  # nothing observed: anything is possible
    low, high = wilson_interval(1, 1)
    assert (round(low, 4), high) == (0.2065, 1.0)
    low, high = wilson_interval(0, 1)
    assert (low, round(high, 4)) == (0.0, 0.7935)
    low, high = wilson_interval(3, 10)
    assert (round(low, 4), round(high, 4)) == (0.1078, 0.6032)


def test_observed_split_orders_by_weight_then_lists_unrouted_versions() -> None:
    shares = observed_split(["1", "1", "7", "5", "1"], {"1": 0.2, "2": 0.8})
    assert [s.version for s in shares] == ["2", "1", "5", "7"]
    never_seen, mostly = shares[0], shares[1]
    assert (never_seen.count, never_seen.observed, never_seen.configured) == (0, 0.0, 0.8)
    assert not never_seen.consistent  # 0 of 5 with 80 % configured is outside the interval
    assert (mostly.count, mostly.observed, mostly.configured, mostly.consistent) == (3, 0.6, 0.2, False)
    assert shares[2].configured is None and not shares[2].consistent and shares[2].count == 1
    assert shares[1].to_json() == {"version": "1", "count": 3, "observed": 0.6, "low": 0.2307, "high": 0.8824,
                                   "configured": 0.2, "consistent": False}  # fmt: skip
    assert VersionShare("9", 1, 1 / 3, 0.0, 1.0, 0.5).to_json()["observed"] == 0.3333


def test_observed_split_of_no_invocations_is_every_configured_version_unseen() -> None:
    assert observed_split([], {"1": 0.9, "2": 0.1}) == [
        VersionShare("1", 0, 0.0, 0.0, 1.0, 0.9),
        VersionShare("2", 0, 0.0, 0.0, 1.0, 0.1),
    ]
