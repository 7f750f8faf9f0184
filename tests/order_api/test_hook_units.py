"""The pre-traffic hook's parts one by one, with their exact words: the matcher, the AppSpec reader, the
events parser and the verdict. (test_hook.py drives them together against the Order API handler.)

The hook's log lines and problems are what an on-call engineer reads when a deployment is stopped,
so the problems are pinned whole.
"""

from __future__ import annotations

import io
import json
from typing import Any

import boto3
import hook
import pytest
from botocore.stub import Stubber
from pre_traffic.checks import CheckResult, parse_events, run_checks
from pre_traffic.expectations import mismatches
from pre_traffic.target_version import Target, TargetNotFound, find_target, target_from_appspec

CONTRACT = {"message": "m", "version": "1.0.0", "functionVersion": "8", "action": "create"}


def response(code: int = 200, **body: Any) -> dict[str, Any]:
    return {"statusCode": code, "body": json.dumps({**CONTRACT, **body})}


# --- expectations.mismatches -------------------------------------------------------------------


def test_matching_response_has_no_problems() -> None:
    expected = {"statusCode": 200, "body": {"status": "PENDING", "items": [1]}, "bodyHas": ["orderId"]}
    assert mismatches(expected, response(status="PENDING", items=[1], orderId="o-1", extra=True)) == []


def test_every_problem_is_listed_in_order() -> None:
    expected = {"statusCode": 201, "body": {"status": "PENDING", "nested": {"a": 1}}, "bodyHas": ["orderId"]}
    actual = {"statusCode": 200, "body": json.dumps({"status": "DONE", "nested": {"a": 2}, "orderId": None})}
    assert mismatches(expected, actual) == [
        "statusCode: expected 201, got 200",
        "body.message: missing (contract field)",
        "body.version: missing (contract field)",
        "body.functionVersion: missing (contract field)",
        "body.action: missing (contract field)",
        'body.status: expected "PENDING", got "DONE"',
        "body.nested.a: expected 1, got 2",
        "body.orderId: expected a value, got none",
    ]


@pytest.mark.parametrize(
    ("actual", "problems"),
    [
        ("text", ['response is not an object: "text"']),
        ({"statusCode": 200, "body": "not json"}, ['body is not a JSON object: "not json"']),
        ({"statusCode": 500, "body": "[1]"}, ["statusCode: expected 200, got 500", 'body is not a JSON object: "[1]"']),
        ({"statusCode": 200}, ["body is not a JSON object: null"]),
    ],
)
def test_response_that_is_not_an_object_says_so(actual: Any, problems: list[str]) -> None:
    assert mismatches({"statusCode": 200}, actual) == problems


def test_body_given_as_an_object_is_read_as_is() -> None:
    assert mismatches({"statusCode": 200, "body": {"x": 1}}, {"statusCode": 200, "body": {**CONTRACT, "x": 1}}) == []


@pytest.mark.parametrize(
    ("expected", "actual", "problem"),
    [
        ({"a": {"b": 1}}, {"a": 5}, "body.a: expected an object, got 5"),
        ({"a": 1}, {}, "body.a: missing"),
        ({"a": 1}, {"a": True}, "body.a: expected 1, got true"),
        ({"a": 1}, {"a": 1.0}, "body.a: expected 1, got 1.0"),
        ({"a": [1, 2]}, {"a": [2, 1]}, "body.a: expected [1, 2], got [2, 1]"),
        ({"a": False}, {"a": 0}, "body.a: expected false, got 0"),
    ],
)
def test_body_subset_is_strict_about_types_and_order(expected: Any, actual: Any, problem: str) -> None:
    assert mismatches({"statusCode": 200, "body": expected}, response(**actual)) == [problem]


def test_long_values_are_shortened_in_problems() -> None:
    long = "x" * 300
    (problem,) = mismatches({"statusCode": 200, "body": {"a": "y"}}, response(a=long))
    shown = problem.split("got ", 1)[1]
    assert (len(shown), shown.endswith('..."') or shown.endswith("...")) == (200, True)
    assert mismatches({"statusCode": 200, "body": {"a": "y"}}, response(a="x" * 198)) == [
        'body.a: expected "y", got "' + "x" * 198 + '"'  # exactly the limit (200 characters): shown whole
    ]


# --- target_version -----------------------------------------------------------------------------


def appspec(**props: Any) -> str:
    base = {"Name": "fn", "Alias": "prod", "CurrentVersion": "7", "TargetVersion": "8"}
    return json.dumps({"Resources": [{"Api": {"Type": "AWS::Lambda::Function", "Properties": {**base, **props}}}]})


def test_target_names_function_alias_and_both_versions() -> None:
    assert target_from_appspec(appspec(CurrentVersion=7, TargetVersion=8), "fn", "prod") == Target(
        "fn", "prod", "7", "8"
    )


def test_current_version_may_be_absent() -> None:
    content = json.dumps(
        {"Resources": [{"Api": {"Properties": {"Name": "fn", "Alias": "prod", "TargetVersion": "8"}}}]}
    )
    assert target_from_appspec(content, "fn", "prod").current_version == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nope", "the deployment's AppSpec is not JSON"),
        ("[]", "the deployment's AppSpec does not deploy fn alias prod"),
        ('{"Resources": {}}', "the deployment's AppSpec does not deploy fn alias prod"),
        ('{"Resources": [1, {"Api": 2}]}', "the deployment's AppSpec does not deploy fn alias prod"),
        (
            '{"Resources": [{"Api": {"Type": "AWS::Lambda::Function"}}]}',
            "the deployment's AppSpec does not deploy fn alias prod",
        ),
        (appspec(TargetVersion=""), "the AppSpec names no TargetVersion for fn:prod"),
        (appspec(Name="arn:aws:lambda:us-east-1:1:function"), "the deployment's AppSpec does not deploy fn alias prod"),
        (appspec(Name="fn2"), "the deployment's AppSpec does not deploy fn alias prod"),
    ],
)
def test_appspec_that_does_not_name_our_target_is_refused(content: str, message: str) -> None:
    with pytest.raises(TargetNotFound) as caught:
        target_from_appspec(content, "fn", "prod")
    assert str(caught.value) == message


def test_second_resource_may_be_the_one() -> None:
    other = {"Other": {"Properties": {"Name": "other", "Alias": "prod", "TargetVersion": "2"}}}
    ours = {
        "Api": {"Properties": {"Name": "arn:aws:lambda:us-east-1:1:function:fn", "Alias": "prod", "TargetVersion": "9"}}
    }
    assert target_from_appspec(json.dumps({"Resources": [other, ours]}), "fn", "prod").target_version == "9"


def _codedeploy(revision: dict[str, Any]) -> tuple[Any, Stubber]:
    client = boto3.client("codedeploy", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_response("get_deployment", {"deploymentInfo": {"revision": revision}}, {"deploymentId": "d-9"})
    return client, stubber


@pytest.mark.parametrize("key", ["appSpecContent", "string"])
def test_find_target_reads_either_revision_kind(key: str) -> None:
    client, stubber = _codedeploy({"revisionType": "AppSpecContent", key: {"content": appspec()}})
    with stubber:
        assert find_target(client, "d-9", "fn", "prod").target_version == "8"


def test_deployment_without_appspec_content_names_the_revision_type() -> None:
    client, stubber = _codedeploy({"revisionType": "S3", "appSpecContent": {"sha256": "x"}})
    with stubber, pytest.raises(TargetNotFound) as caught:
        find_target(client, "d-9", "fn", "prod")
    assert str(caught.value) == "the deployment has no AppSpec content (revision type S3)"


# --- checks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[]", "EVENTS_JSON must be a non-empty JSON array of events"),
        ("{}", "EVENTS_JSON must be a non-empty JSON array of events"),
        (
            '[{"name": "a", "payload": {}, "expected": {}}, 3]',
            "EVENTS_JSON[1] must be an object with name, payload and expected",
        ),
        ('[{"name": "a", "payload": {}}]', "EVENTS_JSON[0] must be an object with name, payload and expected"),
    ],
)
def test_malformed_events_name_the_problem(raw: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_events(raw)
    assert str(caught.value) == message


def test_checks_run_every_event_on_the_version_and_keep_their_names() -> None:
    seen: list[tuple[str, Any]] = []

    def invoke(version: str, payload: dict[str, Any]) -> Any:
        seen.append((version, payload))
        return response(code=payload["status"])

    events = [
        {"name": "ok", "payload": {"status": 200}, "expected": {"statusCode": 200}},
        {"name": "bad", "payload": {"status": 500}, "expected": {"statusCode": 200}},
        {"payload": {"status": 200}, "expected": {"statusCode": 200}},
    ]
    results = run_checks(events, "8", invoke)
    assert seen == [("8", {"status": 200}), ("8", {"status": 500}), ("8", {"status": 200})]
    assert [(r.name, r.problems) for r in results] == [
        ("ok", []),
        ("bad", ["statusCode: expected 200, got 500"]),
        ("?", []),
    ]
    assert all(r.duration_ms >= 0 for r in results)


def test_check_result_passes_only_without_problems() -> None:
    assert (CheckResult("a").passed, CheckResult("a", ["x"]).passed) == (True, False)


# --- hook ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("problems", "status"), [([[]], "Succeeded"), ([[], ["x"]], "Failed"), ([["x"], ["y"]], "Failed"), ([], "Failed")]
)
def test_summary_succeeds_only_when_every_check_passed(problems: list[list[str]], status: str) -> None:
    results = [CheckResult(f"e{i}", p) for i, p in enumerate(problems)]
    assert hook.summarize("d-1", results) == status


def test_lambda_invoker_calls_the_version_and_returns_the_parsed_payload() -> None:
    client = boto3.client("lambda", region_name="us-east-1")
    stubber = Stubber(client)
    params = {"FunctionName": "fn", "Qualifier": "8", "Payload": b'{"action": "status"}'}
    stubber.add_response("invoke", {"StatusCode": 200, "Payload": io.BytesIO(b'{"statusCode": 200}')}, params)
    with stubber:
        assert hook.lambda_invoker(client, "fn")("8", {"action": "status"}) == {"statusCode": 200}


def test_verify_fails_when_the_target_cannot_be_found() -> None:
    client, stubber = _codedeploy({"revisionType": "S3"})
    env = {"FUNCTION_NAME": "fn", "ALIAS_NAME": "prod", "EVENTS_JSON": '[{"name": "a", "payload": {}, "expected": {}}]'}
    with stubber:
        assert hook.verify(client, None, "d-9", env, invoke=lambda v, p: response()) == "Failed"


def test_verify_uses_the_deployments_target_version() -> None:
    client, stubber = _codedeploy({"revisionType": "AppSpecContent", "appSpecContent": {"content": appspec()}})
    versions: list[str] = []

    def invoke(version: str, payload: dict[str, Any]) -> Any:
        versions.append(version)
        return response()

    env = {
        "FUNCTION_NAME": "fn",
        "ALIAS_NAME": "prod",
        "EVENTS_JSON": '[{"name": "a", "payload": {}, "expected": {"statusCode": 200}}]',
    }
    with stubber:
        assert hook.verify(client, None, "d-9", env, invoke=invoke) == "Succeeded"
    assert versions == ["8"]


def test_report_passes_the_verdict_it_is_given_to_codedeploy() -> None:
    client = boto3.client("codedeploy", region_name="us-east-1")
    stubber = Stubber(client)
    expected = {"deploymentId": "d-9", "lifecycleEventHookExecutionId": "e-9", "status": "Failed"}
    stubber.add_response("put_lifecycle_event_hook_execution_status", {}, expected)
    with stubber:
        hook.report(client, "d-9", "e-9", "Failed")
        stubber.assert_no_pending_responses()


def test_a_response_that_is_not_json_is_still_described() -> None:
    assert mismatches({"statusCode": 200}, b"raw") == ["response is not an object: \"b'raw'\""]


def test_check_duration_is_measured_in_milliseconds(monkeypatch: pytest.MonkeyPatch) -> None:
    from pre_traffic import checks

    ticks = iter([10.0, 10.25])
    monkeypatch.setattr(checks.time, "perf_counter", lambda: next(ticks))
    (result,) = run_checks(
        [{"name": "a", "payload": {}, "expected": {"statusCode": 200}}], "8", lambda v, p: response()
    )
    assert result.duration_ms == 250.0


def test_function_error_keeps_the_first_500_bytes_of_the_payload() -> None:
    client = boto3.client("lambda", region_name="us-east-1")
    stubber = Stubber(client)
    body = b"e" * 500 + b"TAIL"
    stubber.add_response("invoke", {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": io.BytesIO(body)})
    with stubber, pytest.raises(RuntimeError) as caught:
        hook.lambda_invoker(client, "fn")("8", {})
    assert str(caught.value) == f"function error Unhandled: {body[:500]!r}"


def test_verify_invokes_the_target_version_through_lambda_when_no_invoker_is_given(
    caplog: pytest.LogCaptureFixture,
) -> None:
    codedeploy, cd_stubber = _codedeploy({"revisionType": "AppSpecContent", "appSpecContent": {"content": appspec()}})
    lambda_client = boto3.client("lambda", region_name="us-east-1")
    lambda_stubber = Stubber(lambda_client)
    payload = io.BytesIO(json.dumps(response()).encode())
    expected = {"FunctionName": "fn", "Qualifier": "8", "Payload": b"{}"}
    lambda_stubber.add_response("invoke", {"StatusCode": 200, "Payload": payload}, expected)
    env = {
        "FUNCTION_NAME": "fn",
        "ALIAS_NAME": "prod",
        "EVENTS_JSON": '[{"name": "a", "payload": {}, "expected": {"statusCode": 200}}]',
    }
    with cd_stubber, lambda_stubber, caplog.at_level("INFO"):
        assert hook.verify(codedeploy, lambda_client, "d-9", env) == "Succeeded"
        lambda_stubber.assert_no_pending_responses()
    assert '{"deploymentId": "d-9", "passed": 1, "failed": {}}' in caplog.text


def test_handler_builds_each_client_once_with_its_retry_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setattr(hook, "_clients", {})
    seen: dict[str, Any] = {}
    monkeypatch.setattr(hook, "verify", lambda cd, lam, deployment, env: seen.update(cd=cd, lam=lam) or "Failed")
    monkeypatch.setattr(hook, "report", lambda cd, deployment, execution, status: seen.update(reported=(cd, status)))
    event = {"DeploymentId": "d-1", "LifecycleEventHookExecutionId": "e-1"}
    assert hook.lambda_handler(event, None) == {"status": "Failed"}
    codedeploy, lambda_client = seen["cd"], seen["lam"]
    assert (codedeploy.meta.service_model.service_name, lambda_client.meta.service_model.service_name) == (
        "codedeploy",
        "lambda",
    )
    assert seen["reported"] == (codedeploy, "Failed")
    # botocore counts Config(retries={"max_attempts": n}) as retries: n + 1 attempts in all.
    assert codedeploy.meta.config.retries == {"mode": "standard", "total_max_attempts": 6}
    assert lambda_client.meta.config.retries == {"mode": "standard", "total_max_attempts": 3}
    assert (lambda_client.meta.config.read_timeout, lambda_client.meta.config.connect_timeout) == (30, 3)
    hook.lambda_handler(event, None)
    assert (seen["cd"], seen["lam"]) == (codedeploy, lambda_client)  # reused by the next invocation
