"""The pre-traffic hook: finding the target version, running the events in-process, reporting to CodeDeploy.

moto runs no Lambda code, so the invoker is injected and calls the Order API handler in-process.
moto 5.2.5's CodeDeploy has GetDeployment but not PutLifecycleEventHookExecutionStatus (checked in
its backend), so the target lookup runs against moto and the status report against botocore's Stubber.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import hook
import pytest
from botocore.stub import Stubber
from pre_traffic.checks import parse_events, run_checks
from pre_traffic.target_version import TargetNotFound, find_target, target_from_appspec

from release_cli.local_invoke import LambdaContext
from service_model.test_events import events_for_hook

FUNCTION, ALIAS = "prod-VersionedOrderAPI", "prod"


def appspec(name: str = FUNCTION, alias: str = ALIAS, target: str | None = "8") -> str:
    props = {"Name": name, "Alias": alias, "CurrentVersion": "7"}
    if target is not None:
        props["TargetVersion"] = target
    return json.dumps(
        {"version": 0.0, "Resources": [{"OrderApi": {"Type": "AWS::Lambda::Function", "Properties": props}}]}
    )


def in_process_invoker(local: Any) -> Any:
    """Invoke the handler as version ``version`` of the function (what lambda:InvokeFunction would do)."""
    import handler

    def invoke(version: str, payload: dict[str, Any]) -> Any:
        arn = f"arn:aws:lambda:us-east-1:123456789012:function:{FUNCTION}:{version}"
        context = LambdaContext(function_name=FUNCTION, function_version=version, invoked_function_arn=arn)
        return json.loads(json.dumps(handler.lambda_handler(json.loads(json.dumps(payload)), context)))

    return invoke


def broken_invoker(version: str, payload: dict[str, Any]) -> Any:
    """A version that lost its validation (the seed's v1): everything is a 200."""
    body = {"message": "Order API", "version": "1.0.0", "functionVersion": version, "action": payload.get("action")}
    return {"statusCode": 200, "body": json.dumps(body)}


def test_target_version_comes_from_the_appspec() -> None:
    target = target_from_appspec(appspec(), FUNCTION, ALIAS)
    assert (target.current_version, target.target_version) == ("7", "8")


def test_appspec_name_may_be_an_arn() -> None:
    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{FUNCTION}"
    assert target_from_appspec(appspec(name=arn), FUNCTION, ALIAS).target_version == "8"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (appspec(name="other-function"), "does not deploy"),
        (appspec(alias="staging"), "does not deploy"),
        (appspec(target=None), "no TargetVersion"),
        ("Resources: [", "not JSON"),
    ],
)
def test_appspec_for_something_else_is_refused(content: str, message: str) -> None:
    with pytest.raises(TargetNotFound, match=message):
        target_from_appspec(content, FUNCTION, ALIAS)


def create_deployment(codedeploy: Any, app: str, revision: dict[str, Any]) -> str:
    codedeploy.create_application(applicationName=app, computePlatform="Lambda")
    codedeploy.create_deployment_group(
        applicationName=app,
        deploymentGroupName="group",
        serviceRoleArn="arn:aws:iam::123456789012:role/codedeploy",
    )
    deployment_id: str = codedeploy.create_deployment(
        applicationName=app, deploymentGroupName="group", revision=revision
    )["deploymentId"]
    return deployment_id


@pytest.mark.parametrize("revision_type", ["AppSpecContent", "String"])
def test_target_is_found_through_get_deployment(local: Any, revision_type: str) -> None:
    codedeploy = boto3.client("codedeploy", region_name="us-east-1")
    key = "appSpecContent" if revision_type == "AppSpecContent" else "string"
    revision = {"revisionType": revision_type, key: {"content": appspec()}}
    deployment_id = create_deployment(codedeploy, f"app-{revision_type}", revision)
    assert find_target(codedeploy, deployment_id, FUNCTION, ALIAS).target_version == "8"


def test_current_code_passes_every_production_safe_event(local: Any) -> None:
    results = run_checks(parse_events(events_for_hook()), "8", in_process_invoker(local))
    assert {r.name: r.problems for r in results if not r.passed} == {}


HOOK_EVENTS = parse_events(events_for_hook())
EVENT_NAMES = [event["name"] for event in HOOK_EVENTS]


def test_a_version_without_validation_fails_every_event(local: Any) -> None:
    # The seed's v1 answers 200 with the contract fields only: no event's expectation holds.
    results = run_checks(HOOK_EVENTS, "8", broken_invoker)
    assert [r.name for r in results if not r.passed] == EVENT_NAMES


def breaks_only(name: str, invoker: Any) -> Any:
    """``invoker``, except that the event called ``name`` gets the broken version's answer."""
    payloads = {json.dumps(e["payload"], sort_keys=True): e["name"] for e in HOOK_EVENTS}

    def invoke(version: str, payload: dict[str, Any]) -> Any:
        if payloads.get(json.dumps(payload, sort_keys=True)) == name:
            return broken_invoker(version, payload)
        return invoker(version, payload)

    return invoke


@pytest.mark.parametrize("name", EVENT_NAMES)
def test_one_failing_event_of_eight_fails_the_deployment(local: Any, name: str) -> None:
    assert len(EVENT_NAMES) == 8 and len(set(EVENT_NAMES)) == 8
    invoke = breaks_only(name, in_process_invoker(local))
    results = run_checks(HOOK_EVENTS, "8", invoke)
    assert [r.name for r in results if not r.passed] == [name]
    client, stubber = stubbed_codedeploy(content=appspec())
    with stubber:
        assert hook.verify(client, None, "d-1", env(), invoke=invoke) == "Failed"


def test_no_results_is_not_success() -> None:
    assert hook.summarize("d-1", []) == "Failed"


def test_an_invocation_that_raises_is_a_failed_check() -> None:
    def crashing(version: str, payload: dict[str, Any]) -> Any:
        raise RuntimeError("function error Unhandled")

    events = [{"name": "E", "payload": {}, "expected": {"statusCode": 200}}]
    assert run_checks(events, "8", crashing)[0].problems == [
        "invocation failed: RuntimeError: function error Unhandled"
    ]


@pytest.mark.parametrize("raw", ["[]", "{}", "not json", '[{"name": "x"}]'])
def test_malformed_events_json_is_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_events(raw)


def stubbed_codedeploy(deployment_id: str = "d-1", content: str | None = None) -> tuple[Any, Stubber]:
    client = boto3.client("codedeploy", region_name="us-east-1")
    stubber = Stubber(client)
    if content is not None:
        revision = {"revisionType": "AppSpecContent", "appSpecContent": {"content": content}}
        stubber.add_response(
            "get_deployment", {"deploymentInfo": {"revision": revision}}, {"deploymentId": deployment_id}
        )
    return client, stubber


def env(**overrides: str) -> dict[str, str]:
    return {"FUNCTION_NAME": FUNCTION, "ALIAS_NAME": ALIAS, "EVENTS_JSON": events_for_hook(), **overrides}


def test_verify_succeeds_for_a_good_version(local: Any) -> None:
    client, stubber = stubbed_codedeploy(content=appspec())
    with stubber:
        assert hook.verify(client, None, "d-1", env(), invoke=in_process_invoker(local)) == "Succeeded"


def test_verify_fails_for_a_broken_version() -> None:
    client, stubber = stubbed_codedeploy(content=appspec())
    with stubber:
        assert hook.verify(client, None, "d-1", env(), invoke=broken_invoker) == "Failed"


def test_verify_fails_when_configuration_is_missing() -> None:
    client, _ = stubbed_codedeploy()
    assert hook.verify(client, None, "d-1", {"FUNCTION_NAME": FUNCTION}, invoke=broken_invoker) == "Failed"


def test_verify_fails_when_the_deployment_is_for_another_alias() -> None:
    client, stubber = stubbed_codedeploy(content=appspec(alias="staging"))
    with stubber:
        assert hook.verify(client, None, "d-1", env(), invoke=broken_invoker) == "Failed"


def run_handler(monkeypatch: pytest.MonkeyPatch, invoker: Any, reported: str) -> dict[str, Any]:
    """The hook's entry point end to end: it finds the target in the deployment, runs the events with
    ``invoker`` and must report ``reported`` to CodeDeploy (the Stubber refuses any other status)."""
    client, stubber = stubbed_codedeploy(content=appspec())
    expected = {"deploymentId": "d-1", "lifecycleEventHookExecutionId": "e-1", "status": reported}
    stubber.add_response("put_lifecycle_event_hook_execution_status", {}, expected)
    monkeypatch.setattr(hook, "_clients", {"codedeploy": client, "lambda": None})
    monkeypatch.setattr(hook, "lambda_invoker", lambda lambda_client, function_name: invoker)
    for key, value in env().items():
        monkeypatch.setenv(key, value)
    with stubber:
        result = hook.lambda_handler({"DeploymentId": "d-1", "LifecycleEventHookExecutionId": "e-1"}, None)
        stubber.assert_no_pending_responses()
    return result


def test_handler_reports_succeeded_for_a_version_that_passes_every_event(
    local: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_handler(monkeypatch, in_process_invoker(local), reported="Succeeded") == {"status": "Succeeded"}


def test_handler_reports_failed_when_one_event_fails(local: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    invoker = breaks_only("GetOrderStatusUnknown", in_process_invoker(local))
    assert run_handler(monkeypatch, invoker, reported="Failed") == {"status": "Failed"}


def test_lambda_invoker_targets_the_version_and_raises_on_function_error() -> None:
    import io

    client = boto3.client("lambda", region_name="us-east-1")
    stubber = Stubber(client)
    params = {"FunctionName": FUNCTION, "Qualifier": "8", "Payload": b'{"action": "status"}'}
    error_payload = {
        "StatusCode": 200,
        "FunctionError": "Unhandled",
        "Payload": io.BytesIO(b'{"errorMessage": "boom"}'),
    }
    stubber.add_response("invoke", error_payload, params)
    with stubber, pytest.raises(RuntimeError, match="function error Unhandled"):
        hook.lambda_invoker(client, FUNCTION)("8", {"action": "status"})


def test_handler_reports_failed_even_when_checks_cannot_run(monkeypatch: pytest.MonkeyPatch) -> None:
    client, stubber = stubbed_codedeploy()
    expected = {"deploymentId": "d-1", "lifecycleEventHookExecutionId": "e-1", "status": "Failed"}
    stubber.add_response("put_lifecycle_event_hook_execution_status", {}, expected)
    monkeypatch.setattr(hook, "_clients", {"codedeploy": client, "lambda": None})
    monkeypatch.delenv("EVENTS_JSON", raising=False)
    with stubber:
        result = hook.lambda_handler({"DeploymentId": "d-1", "LifecycleEventHookExecutionId": "e-1"}, None)
    assert result == {"status": "Failed"}
