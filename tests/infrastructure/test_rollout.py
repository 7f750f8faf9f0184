"""CodeDeploy rollouts on the default stages: deployment config, alarms, automatic rollback."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match

GROUP = "AWS::CodeDeploy::DeploymentGroup"
ALARM = "AWS::CloudWatch::Alarm"


@pytest.mark.parametrize(
    ("stage", "config_name"),
    [
        ("staging", "CodeDeployDefault.LambdaLinear10PercentEvery1Minute"),
        ("prod", "CodeDeployDefault.LambdaCanary10Percent5Minutes"),
    ],
)
def test_stage_rollout_uses_its_predefined_config(synthesized, stage, config_name):
    synthesized.order_api[stage].has_resource_properties(GROUP, {"DeploymentConfigName": config_name})


@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_rollout_rolls_back_on_failure_stop_and_alarm(synthesized, stage):
    synthesized.order_api[stage].has_resource_properties(
        GROUP,
        {
            "AutoRollbackConfiguration": {
                "Enabled": True,
                "Events": Match.array_equals(
                    ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST", "DEPLOYMENT_STOP_ON_ALARM"]
                ),
            },
            "AlarmConfiguration": {"Enabled": True, "Alarms": Match.any_value()},
        },
    )


@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_rollout_watches_the_three_alias_alarms(synthesized, stage):
    template = synthesized.order_api[stage]
    group = next(iter(template.find_resources(GROUP).values()))
    watched = {a["Name"]["Ref"] for a in group["Properties"]["AlarmConfiguration"]["Alarms"]}
    alarms = template.find_resources(ALARM)
    assert watched == set(alarms)
    names = {a["Properties"]["AlarmName"] for a in alarms.values()}
    assert names == {f"{stage}-VersionedOrderAPI-{stage}-{s}" for s in ("errors", "throttles", "duration-p99")}


@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_alarms_use_alias_metrics_not_version_metrics(synthesized, stage):
    """FACTS / aws-cdk#2231: alarms on the alias (Resource=function:alias) avoid the circular dependency."""
    for alarm in synthesized.order_api[stage].find_resources(ALARM).values():
        dims = {d["Name"]: d["Value"] for d in alarm["Properties"]["Dimensions"]}
        assert set(dims) == {"FunctionName", "Resource"}
        assert alarm["Properties"]["TreatMissingData"] == "notBreaching"


def test_alarm_thresholds_come_from_stage_config(tmp_path):
    """Non-default thresholds in stages.toml reach the alarms (the defaults would hide a dropped setting)."""
    import copy
    import tomllib

    from service_model.stages import parse_stages, stages_file
    from tests.conftest import synthesize

    raw = copy.deepcopy(tomllib.loads(stages_file().read_text()))
    raw["stages"] = {"prod": raw["stages"]["prod"]}
    raw["stages"]["prod"]["alarms"] = {"errors": 5, "throttles": 7, "p99_duration_ms": 1500, "period_minutes": 2,
                                       "evaluation_periods": 3}  # fmt: skip
    template = synthesize(tmp_path, stages=parse_stages(raw)).templates["prod"]
    common = {"Period": 120, "EvaluationPeriods": 3, "ComparisonOperator": "GreaterThanOrEqualToThreshold"}
    template.has_resource_properties(ALARM, {"MetricName": "Errors", "Threshold": 5, "Statistic": "Sum", **common})
    template.has_resource_properties(ALARM, {"MetricName": "Throttles", "Threshold": 7, **common})
    template.has_resource_properties(
        ALARM, {"MetricName": "Duration", "ExtendedStatistic": "p99", "Threshold": 1500, **common}
    )


@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_alias_update_is_handed_to_codedeploy(synthesized, stage):
    synthesized.order_api[stage].has_resource(
        "AWS::Lambda::Alias",
        {
            "UpdatePolicy": {
                "CodeDeployLambdaAliasUpdate": {
                    "ApplicationName": Match.any_value(),
                    "DeploymentGroupName": Match.any_value(),
                }
            }
        },
    )


def test_dev_has_no_deployment_group(synthesized):
    synthesized.order_api["dev"].resource_count_is(GROUP, 0)
