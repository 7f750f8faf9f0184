"""The order worker as synthesized: a stream consumer on its alias, built as a team that runs it would.

Its event source mapping reads the orders table's stream through the worker's trigger alias (never
the function or $LATEST), reports failed records one by one, bisects, gives up after bounded retries
into an on-failure queue, and the worker may do exactly one thing to the orders table: UpdateItem.
"""

from __future__ import annotations

from typing import Any

import pytest

STAGES = ["dev", "staging", "prod"]


def _resources(template: Any, kind: str) -> dict[str, Any]:
    return dict(template.find_resources(kind))


def _worker(synthesized: Any, stage: str) -> Any:
    return synthesized.stacks[stage].functions["order-worker"]


def _id(synthesized: Any, stage: str, construct: Any) -> str:
    return synthesized.stacks[stage].get_logical_id(construct.node.default_child)  # type: ignore[no-any-return]


@pytest.mark.parametrize("stage", STAGES)
def test_the_orders_table_streams_new_and_old_images(synthesized: Any, stage: str) -> None:
    orders = next(
        r for r in _resources(synthesized.templates[stage], "AWS::DynamoDB::Table").values()
        if r["Properties"]["TableName"] == f"{stage}-version-demo-orders"
    )  # fmt: skip
    assert orders["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


@pytest.mark.parametrize("stage", STAGES)
def test_the_mapping_reads_the_stream_through_the_alias_and_reports_failures_one_by_one(
    synthesized: Any, stage: str
) -> None:
    template = synthesized.templates[stage]
    worker = _worker(synthesized, stage)
    (mapping,) = _resources(template, "AWS::Lambda::EventSourceMapping").values()
    props = mapping["Properties"]
    # CDK names an alias's function as "<function>:<alias>", cut out of the alias's ARN
    alias_arn = {"Ref": _id(synthesized, stage, worker.trigger_alias)}
    assert props["FunctionName"] == {
        "Fn::Join": ["", [{"Fn::Select": [6, {"Fn::Split": [":", alias_arn]}]}, f":{stage}"]]
    }
    assert worker.trigger_alias.alias_name == stage
    orders_id = _id(synthesized, stage, synthesized.stacks[stage].tables.orders)
    assert props["EventSourceArn"] == {"Fn::GetAtt": [orders_id, "StreamArn"]}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True
    assert (props["BatchSize"], props["MaximumRetryAttempts"], props["MaximumRecordAgeInSeconds"]) == (25, 5, 3600)
    assert props["StartingPosition"] == "LATEST"
    queue_id = _id(synthesized, stage, worker.stream.failure_queue)
    assert props["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [queue_id, "Arn"]}


@pytest.mark.parametrize("stage", STAGES)
def test_the_on_failure_queue_is_kept_encrypted_and_watched(synthesized: Any, stage: str) -> None:
    template = synthesized.templates[stage]
    worker = _worker(synthesized, stage)
    queue = template.to_json()["Resources"][_id(synthesized, stage, worker.stream.failure_queue)]
    assert queue["DeletionPolicy"] == "Retain"  # records given up on are evidence; a stack delete keeps them
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    alarms = {
        r["Properties"]["AlarmName"]: r["Properties"] for r in _resources(template, "AWS::CloudWatch::Alarm").values()
    }
    prefix = f"{stage}-OrderWorker-{stage}"
    assert alarms[f"{prefix}-iterator-age"]["MetricName"] == "IteratorAge"
    assert alarms[f"{prefix}-iterator-age"]["Threshold"] == 60_000
    assert alarms[f"{prefix}-records-given-up"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert {f"{prefix}-errors", f"{prefix}-throttles", f"{prefix}-duration-p99"} <= set(alarms)


def _statements_of_role(template: Any, role_id: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for logical_id, policy in _resources(template, "AWS::IAM::Policy").items():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            found += [(logical_id, s) for s in policy["Properties"]["PolicyDocument"]["Statement"]]
    return found


@pytest.mark.parametrize("stage", STAGES)
def test_the_worker_may_only_update_orders_and_read_their_stream(synthesized: Any, stage: str) -> None:
    template = synthesized.templates[stage]
    worker = _worker(synthesized, stage)
    role_id = _id(synthesized, stage, worker.function.role)
    orders_id = _id(synthesized, stage, synthesized.stacks[stage].tables.orders)
    dynamodb = {}
    for policy_id, statement in _statements_of_role(template, role_id):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        for action in actions:
            if action.startswith("dynamodb:"):
                dynamodb[action] = (statement["Resource"], "ListStreamsPolicy" in policy_id)
    assert dynamodb == {
        "dynamodb:UpdateItem": ({"Fn::GetAtt": [orders_id, "Arn"]}, False),
        "dynamodb:DescribeStream": ({"Fn::GetAtt": [orders_id, "StreamArn"]}, False),
        "dynamodb:GetRecords": ({"Fn::GetAtt": [orders_id, "StreamArn"]}, False),
        "dynamodb:GetShardIterator": ({"Fn::GetAtt": [orders_id, "StreamArn"]}, False),
        "dynamodb:ListStreams": ("*", True),
    }
    (function,) = (
        r for r in _resources(template, "AWS::Lambda::Function").values()
        if r["Properties"].get("FunctionName") == f"{stage}-OrderWorker"
    )  # fmt: skip
    variables = function["Properties"]["Environment"]["Variables"]
    assert set(variables) == {"ORDERS_TABLE", "STAGE"}  # only the table it may touch


@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_the_worker_has_its_own_rollout_and_hook(synthesized: Any, stage: str) -> None:
    worker = _worker(synthesized, stage)
    assert set(worker.rollouts) == set(worker.hooks) == {stage}
    template = synthesized.templates[stage]
    groups = _resources(template, "AWS::CodeDeploy::DeploymentGroup")
    assert len(groups) == 2  # the Order API's and the worker's
    hook = template.to_json()["Resources"][_id(synthesized, stage, worker.hooks[stage].function)]
    assert hook["Properties"]["FunctionName"] == f"CodeDeployHook_{stage}-OrderWorker-{stage}"
    assert "InsertUnknownOrderSkipped" in hook["Properties"]["Environment"]["Variables"]["EVENTS_JSON"]


@pytest.mark.parametrize("stage", STAGES)
def test_the_dashboard_has_a_section_per_function(synthesized: Any, stage: str) -> None:
    (dashboard,) = _resources(synthesized.templates[stage], "AWS::CloudWatch::Dashboard").values()
    import json

    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for name in (f"{stage}-VersionedOrderAPI", f"{stage}-OrderWorker"):
        assert f"## {name}" in body and f"{name}:{stage}" in body


@pytest.mark.parametrize("stage", STAGES)
def test_each_function_has_its_own_outputs(synthesized: Any, stage: str) -> None:
    outputs = synthesized.templates[stage].to_json()["Outputs"]
    assert {"FunctionName", "NewVersion", "OrderWorkerFunctionName", "OrderWorkerNewVersion"} <= set(outputs)
    assert f"OrderWorkerAliasArn{stage.capitalize()}" in outputs and "OrderWorkerOnFailureQueueUrl" in outputs


@pytest.mark.parametrize(("stage", "rolled_out"), [("dev", "none"), ("staging", "staging"), ("prod", "prod")])
def test_each_function_says_which_of_its_aliases_codedeploy_shifts(
    synthesized: Any, stage: str, rolled_out: str
) -> None:
    """The release CLI skips CodeDeploy for an alias these outputs leave out (dev: none, where an emulator
    without CodeDeploy runs the stage), so each function's value must be its own and exact."""
    outputs = synthesized.templates[stage].to_json()["Outputs"]
    assert outputs["RolloutAliases"]["Value"] == rolled_out
    assert outputs["OrderWorkerRolloutAliases"]["Value"] == rolled_out
