"""The pre-traffic hook's wiring into each rollout, and the console's shareable test events."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match

from service_model.test_events import load_events


def hook(template) -> tuple[str, dict]:
    found = template.find_resources("AWS::Lambda::Function", {"Properties": {"Handler": "hook.lambda_handler"}})
    assert len(found) == 1, sorted(found)
    return next(iter(found.items()))


@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_rollout_runs_the_hook_before_allowing_traffic(synthesized, stage):
    template = synthesized.order_api[stage]
    hook_id, hook_fn = hook(template)
    assert hook_fn["Properties"]["FunctionName"] == f"CodeDeployHook_{stage}-VersionedOrderAPI-{stage}"
    template.has_resource(
        "AWS::Lambda::Alias",
        {"UpdatePolicy": {"CodeDeployLambdaAliasUpdate": {"BeforeAllowTrafficHook": {"Ref": hook_id}}}},
    )


@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_hook_checks_only_production_safe_events(synthesized, stage):
    _, hook_fn = hook(synthesized.order_api[stage])
    env = hook_fn["Properties"]["Environment"]["Variables"]
    assert env["FUNCTION_NAME"] == f"{stage}-VersionedOrderAPI"
    assert env["ALIAS_NAME"] == stage
    shipped = {e["name"] for e in json.loads(env["EVENTS_JSON"])}
    assert shipped == {e.name for e in load_events() if e.production_safe}
    assert shipped, "the hook needs at least one event"


@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_hook_may_invoke_only_versions_of_its_function_and_read_its_deployment(synthesized, stage):
    template = synthesized.order_api[stage]
    _, hook_fn = hook(template)
    role_id = hook_fn["Properties"]["Role"]["Fn::GetAtt"][0]
    target_id = next(
        k
        for k, v in template.find_resources("AWS::Lambda::Function").items()
        if v["Properties"].get("FunctionName") == f"{stage}-VersionedOrderAPI"
    )
    statements = [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    by_action = {
        action: s["Resource"]
        for s in statements
        for action in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert by_action["lambda:InvokeFunction"] == {"Fn::Join": ["", [{"Fn::GetAtt": [target_id, "Arn"]}, ":*"]]}
    group_id = next(iter(template.find_resources("AWS::CodeDeploy::DeploymentGroup")))
    for action in ("codedeploy:GetDeployment", "codedeploy:PutLifecycleEventHookExecutionStatus"):
        assert {"Ref": group_id} in by_action[action]["Fn::Join"][1], action


@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_an_undelivered_hook_invocation_is_kept_in_its_own_queue(synthesized, stage):
    """CodeDeploy invokes the hook asynchronously: what Lambda gives up on lands in the hook's queue."""
    template = synthesized.order_api[stage]
    _, hook_fn = hook(template)
    queue_id = hook_fn["Properties"]["DeadLetterConfig"]["TargetArn"]["Fn::GetAtt"][0]
    queue = template.to_json()["Resources"][queue_id]
    assert queue["Type"] == "AWS::SQS::Queue"
    properties = {k: v for k, v in queue["Properties"].items() if k != "Tags"}
    assert properties == {"MessageRetentionPeriod": 14 * 24 * 3600, "SqsManagedSseEnabled": True}
    role_id = hook_fn["Properties"]["Role"]["Fn::GetAtt"][0]
    sends = [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s["Action"] == "sqs:SendMessage"
    ]
    assert [s["Resource"] for s in sends] == [{"Fn::GetAtt": [queue_id, "Arn"]}]


def test_dev_has_no_hook(synthesized):
    found = synthesized.order_api["dev"].find_resources(
        "AWS::Lambda::Function", {"Properties": {"Handler": "hook.lambda_handler"}}
    )
    assert found == {}


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_console_test_events_are_a_schema_the_lambda_console_reads(synthesized, stage):
    template = synthesized.order_api[stage]
    template.has_resource_properties(
        "AWS::EventSchemas::Schema",
        {
            "RegistryName": "lambda-testevent-schemas",
            "SchemaName": f"_{stage}-VersionedOrderAPI-schema",
            "Type": "OpenApi3",
            "Content": Match.any_value(),
        },
    )
    schema = next(iter(template.find_resources("AWS::EventSchemas::Schema").values()))
    content = json.loads(schema["Properties"]["Content"])
    assert set(content["components"]["examples"]) == {e.name for e in load_events()}
    assert {"CreateOrderValid", "CreateOrderMissingCustomer", "GetOrderStatus"} <= set(
        content["components"]["examples"]
    )


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_registry_is_created_if_missing_and_never_owned_by_the_stack(synthesized, stage):
    """The registry is shared per account and Region: create it, accept that it exists, never delete it."""
    template = synthesized.order_api[stage]
    template.resource_count_is("AWS::EventSchemas::Registry", 0)
    custom = next(iter(template.find_resources("Custom::AWS").values()))
    create = json.loads(custom["Properties"]["Create"])
    assert create["action"] == "createRegistry"
    assert create["parameters"]["RegistryName"] == "lambda-testevent-schemas"
    assert create["ignoreErrorCodesMatching"] == "ConflictException"
    assert "Delete" not in custom["Properties"]
    schema = next(iter(template.find_resources("AWS::EventSchemas::Schema").values()))
    assert next(iter(template.find_resources("Custom::AWS"))) in schema["DependsOn"]
