"""invoke and smoke against an endpoint that cannot run code, and against one that runs it but does not
say which version ran.

moto (the session's server) answers every Invoke with ``FunctionError: Handled``, no
``ExecutedVersion`` and a payload that is not JSON ("error running docker: ...", FACTS: moto runs no
code without Docker). Real Lambda never answers that way: for a RequestResponse call it returns
``ExecutedVersion`` (the Invoke API reference: "The version of the function that executed"), and its
payload is "the response from the function, or an error object", a JSON document even when the
runtime caught the handler's exception (``Handled``: "formatted it into a JSON document"). So the
three together mean no handler ran; a real handler error (JSON error object, a version) stays a
function error (exit 1), and is shown here through botocore's Stubber with Lambda's shapes.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from botocore.response import StreamingBody

from release_cli.commands import invoke as invoke_command
from release_cli.commands import smoke as smoke_command
from tests.release_ops.conftest import Lab, events_folder
from tests.release_ops.test_smoke_invoke import EVENTS, FUNCTION, recorded, stubbed_context

NOT_RUN = "did not run the function"


@pytest.fixture
def events_dir(tmp_path: Path) -> Path:
    """The events test_smoke_invoke's recorded answers fit (two production-safe, one not)."""
    return events_folder(tmp_path, EVENTS)


def said_once(result: Any, text: str) -> bool:
    return (result.out + result.err).count(text) == 1


def test_invoke_against_moto_says_the_endpoint_did_not_run_the_function(lab: Lab, run_cli) -> None:
    result = run_cli("invoke", "GetOrderStatusUnknown", *lab.target_args(), "--alias", "prod")
    assert result.code == 2, result.out + result.err
    assert result.err.startswith("error: ") and said_once(result, NOT_RUN)
    assert f"{lab.function}:prod" in result.err
    assert '"error running docker' not in result.out  # not printed as if it were the function's response
    assert "executed version" not in result.out + result.err


def test_invoke_json_against_moto_prints_only_the_error_object(lab: Lab, run_cli) -> None:
    result = run_cli("invoke", "GetOrderStatusUnknown", *lab.target_args(), "--qualifier", "1", "--json")
    assert result.code == 2
    document = result.json()
    assert set(document) == {"error"} and document["error"]["exitCode"] == 2
    assert NOT_RUN in document["error"]["message"]


def test_smoke_against_moto_says_it_once_and_claims_no_split(lab: Lab, run_cli, tmp_path: Path) -> None:
    report = tmp_path / "smoke.xml"
    result = run_cli("smoke", *lab.target_args(), "--alias", "prod", "--repeat", "3", "--junit-xml", report)
    assert result.code == 2, result.out + result.err
    assert said_once(result, NOT_RUN)
    everything = result.out + result.err
    assert "unknown" not in everything and "does not route to" not in everything
    assert "split" not in result.out
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and suite.get("errors") == "1" and suite.get("failures") == "0"
    assert "unknown" not in ET.tostring(suite, encoding="unicode")
    error = suite.find("testcase[@name='smoke run']/error")
    assert error is not None and NOT_RUN in (error.get("message") or "")
    split = suite.find("testcase[@name='split by executed version']")  # a check not made is not a pass
    assert split is not None and split.find("skipped") is not None and suite.get("skipped") == "1"


def test_smoke_json_against_moto_is_the_error_object(lab: Lab, run_cli) -> None:
    result = run_cli("smoke", *lab.target_args(), "--alias", "prod", "--json")
    assert result.code == 2
    document = result.json()
    assert set(document) == {"error"} and NOT_RUN in document["error"]["message"]


def lambda_answer(payload: Any, *, version: str | None, error: str = "") -> dict[str, Any]:
    """An Invoke answer with Lambda's fields; ``version=None`` leaves ExecutedVersion out."""
    body = json.dumps(payload).encode()
    answer: dict[str, Any] = {"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(body), len(body))}
    if version is not None:
        answer["ExecutedVersion"] = version
    if error:
        answer["FunctionError"] = error
    return answer


HANDLER_ERROR = {"errorMessage": "boom", "errorType": "KeyError", "requestId": "r-1", "stackTrace": ["  File ..."]}


@pytest.mark.parametrize("version", ["3", None])
def test_a_real_handler_error_is_a_function_error_not_an_endpoint_that_did_not_run(
    monkeypatch: pytest.MonkeyPatch, run_cli, version: str | None
) -> None:
    stub = stubbed_context(monkeypatch, invoke_command, None)
    stub.add_response("invoke", lambda_answer(HANDLER_ERROR, version=version, error="Unhandled"))
    result = run_cli("invoke", "--payload", "{}", "--function", FUNCTION, "--alias", "prod", "--yes", "--json")
    assert result.code == 1, result.err
    document = result.json()
    assert document["functionError"] == "Unhandled" and document["response"]["errorType"] == "KeyError"
    assert document["executedVersion"] == version  # null when the endpoint did not say, never "unknown"
    assert NOT_RUN not in result.out + result.err


def smoke_without_versions(monkeypatch: pytest.MonkeyPatch, run_cli, events_dir: Path, *extra: str) -> Any:
    stub = stubbed_context(monkeypatch, smoke_command, {"version": "2", "weights": {"1": 0.5}})
    for _ in range(2):
        for event in ("GetOrderStatusUnknown", "UnknownAction"):
            answer = recorded(event, "2")
            del answer["ExecutedVersion"]
            stub.add_response("invoke", answer)
    args = ("smoke", "--function", FUNCTION, "--alias", "prod", "--events-dir", events_dir, "--repeat", "2")
    return run_cli(*args, *extra)


def test_smoke_without_executed_versions_says_the_split_was_not_observed(
    monkeypatch: pytest.MonkeyPatch,
    run_cli,
    events_dir: Path,
    tmp_path: Path,
) -> None:
    """An endpoint that runs the handler but does not name the version (not Lambda): the responses are
    judged, the split is "not observed", and no version is invented for the unrouted-version check."""
    report = tmp_path / "smoke.xml"
    result = smoke_without_versions(monkeypatch, run_cli, events_dir, "--junit-xml", str(report))
    assert result.code == 0, result.out + result.err
    assert "unknown" not in result.out and "does not route to" not in result.out
    assert "split by executed version: not observed" in result.out
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and suite.get("skipped") == "1" and suite.get("failures") == "0"
    assert "unknown" not in ET.tostring(suite, encoding="unicode")


def test_smoke_json_without_executed_versions_has_no_split(
    monkeypatch: pytest.MonkeyPatch,
    run_cli,
    events_dir: Path,
) -> None:
    result = smoke_without_versions(monkeypatch, run_cli, events_dir, "--json")
    assert result.code == 0, result.out + result.err
    document = result.json()
    assert document["splitObserved"] is False and document["split"] == []
    assert document["versionNotReported"] == 4 and document["unexpectedVersions"] == []
    assert {r["executedVersion"] for r in document["results"]} == {None}
