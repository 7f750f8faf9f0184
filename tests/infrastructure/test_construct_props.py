"""Constructs used directly (without the stage config) validate their own props."""

from __future__ import annotations

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_

from constructs_lib.gradual_rollout import GradualRollout
from constructs_lib.service_tables import DataTable, ServiceTables
from constructs_lib.stage_alias import StageAlias
from service_model.alias_spec import AliasSpec, AliasSpecError, RolloutSpec, WeightedRoute


@pytest.fixture
def stack():
    return Stack(App(), "Props")


@pytest.fixture
def function(stack):
    return lambda_.Function(
        stack,
        "Fn",
        code=lambda_.Code.from_inline("def h(e, c): pass"),
        handler="index.h",
        runtime=lambda_.Runtime.PYTHON_3_13,
    )


def test_stage_alias_refuses_a_weight_of_one(stack, function):
    spec = AliasSpec(name="prod", target=1, weighted=WeightedRoute(version=2, weight=1.0))
    with pytest.raises(AliasSpecError, match=r"weighted\.weight"):
        StageAlias(stack, "A", function=function, new_version=function.current_version, spec=spec)


def test_rollout_refuses_more_than_ten_alarms(stack, function):
    alias = lambda_.Alias(stack, "Alias", alias_name="prod", version=function.current_version)
    metric = alias.metric_errors()
    alarms = [cloudwatch.Alarm(stack, f"A{i}", metric=metric, threshold=1, evaluation_periods=1) for i in range(11)]
    with pytest.raises(ValueError, match="at most 10 alarms, got 11"):
        GradualRollout(stack, "R", alias=alias, rollout=RolloutSpec(predefined="AllAtOnce"), alarms=alarms)


def test_rollout_refuses_an_unknown_predefined_config(stack, function):
    alias = lambda_.Alias(stack, "Alias", alias_name="prod", version=function.current_version)
    with pytest.raises(AliasSpecError, match="unknown deployment config 'Fast'"):
        GradualRollout(stack, "R", alias=alias, rollout=RolloutSpec(predefined="Fast"))


def test_protected_table_must_be_retained(stack):
    with pytest.raises(ValueError, match="deletion_protection=True needs retain=True"):
        DataTable(stack, "T", table_name="t", partition_key="PK", retain=False, deletion_protection=True)


def test_table_overrides_use_cdk_table_props(stack):
    from aws_cdk import aws_dynamodb as dynamodb
    from aws_cdk.assertions import Template

    tables = ServiceTables(
        stack,
        "Tables",
        stage="dev",
        table_name_prefix="dev-x",
        overrides={"orders": {"stream": dynamodb.StreamViewType.NEW_IMAGE}},
    )
    assert tables.orders.table_stream_arn is not None
    Template.from_stack(stack).has_resource_properties(
        "AWS::DynamoDB::Table", {"TableName": "dev-x-orders", "StreamSpecification": {"StreamViewType": "NEW_IMAGE"}}
    )


def test_table_overrides_name_only_known_tables(stack):
    with pytest.raises(ValueError, match=r"unknown table\(s\) \['order'\]"):
        ServiceTables(stack, "Tables", stage="dev", table_name_prefix="p", overrides={"order": {}})


def test_every_allowed_log_retention_is_a_cdk_retention():
    """stages.toml accepts exactly the days CDK (and CloudWatch Logs) can express."""
    from aws_cdk import aws_logs as logs

    from service_model.stages import LOG_RETENTION_NAMES

    members = {member.name for member in logs.RetentionDays if member.name != "INFINITE"}
    assert set(LOG_RETENTION_NAMES.values()) == members
