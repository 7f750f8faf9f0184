"""HTTP entry through the alias, the canary dashboard, and the stack outputs CI reads."""

from __future__ import annotations

import json

import pytest

from constructs_lib.canary_dashboard import executed_version_search


def alias_id(template) -> str:
    found = template.find_resources("AWS::Lambda::Alias")
    assert len(found) == 1
    return next(iter(found))


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_api_integration_invokes_the_alias_never_the_bare_function(synthesized, stage):
    template = synthesized.order_api[stage]
    integration = next(iter(template.find_resources("AWS::ApiGatewayV2::Integration").values()))["Properties"]
    assert integration["IntegrationType"] == "AWS_PROXY"
    assert integration["PayloadFormatVersion"] == "2.0"
    assert integration["IntegrationUri"] == {"Ref": alias_id(template)}
    permission = next(iter(template.find_resources("AWS::Lambda::Permission").values()))["Properties"]
    assert permission["FunctionName"] == {"Ref": alias_id(template)}


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_api_stage_is_access_logged_and_throttled(synthesized, stage):
    stage_props = next(iter(synthesized.order_api[stage].find_resources("AWS::ApiGatewayV2::Stage").values()))[
        "Properties"
    ]
    assert "DestinationArn" in stage_props["AccessLogSettings"]
    assert json.loads(stage_props["AccessLogSettings"]["Format"])["requestId"] == "$context.requestId"
    assert stage_props["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 200, "ThrottlingRateLimit": 100}


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_outputs_name_api_function_aliases_and_tables(synthesized, stage):
    outputs = synthesized.order_api[stage].to_json()["Outputs"]
    assert {
        "ApiUrl",
        "FunctionName",
        "NewVersion",
        f"AliasArn{stage.capitalize()}",
        "OrdersTableName",
        "ConfigTableName",
        "AuditTableName",
    } <= set(outputs)
    assert outputs[f"AliasArn{stage.capitalize()}"]["Value"] == {"Ref": alias_id(synthesized.order_api[stage])}


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_dashboard_splits_alias_metrics_by_executed_version(synthesized, stage):
    dashboard = next(iter(synthesized.order_api[stage].find_resources("AWS::CloudWatch::Dashboard").values()))
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for metric in ("Invocations", "Errors", "Duration"):
        assert f'MetricName=\\\\\\"{metric}\\\\\\"' in body or f'MetricName=\\"{metric}\\"' in body, metric
    assert "ExecutedVersion" in body
    assert f"{stage}-VersionedOrderAPI:{stage}" in body


def test_search_expression_filters_on_function_and_alias():
    expr = executed_version_search("prod-VersionedOrderAPI", "prod", "Errors", "Sum", 60)
    assert expr == (
        'SEARCH(\'{AWS/Lambda,ExecutedVersion,FunctionName,Resource} MetricName="Errors" '
        'FunctionName="prod-VersionedOrderAPI" Resource="prod-VersionedOrderAPI:prod"\', \'Sum\', 60)'
    )


def test_prod_stack_has_termination_protection(synthesized):
    assert synthesized.stacks["prod"].termination_protection is True
    assert synthesized.stacks["dev"].termination_protection is False
