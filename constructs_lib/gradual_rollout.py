"""A CodeDeploy deployment group that shifts an alias to each newly published version gradually and
rolls back on failure, on a manual stop, or when one of the alias alarms fires."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from constructs_lib.nag_acknowledgments import acknowledge
from service_model.alias_spec import PREDEFINED_ROLLOUTS, RolloutSpec

_PREDEFINED: dict[str, codedeploy.ILambdaDeploymentConfig] = {
    "AllAtOnce": codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
    "Canary10Percent5Minutes": codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES,
    "Canary10Percent10Minutes": codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_10_MINUTES,
    "Canary10Percent15Minutes": codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_15_MINUTES,
    "Canary10Percent30Minutes": codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_30_MINUTES,
    "Linear10PercentEvery1Minute": codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_1_MINUTE,
    "Linear10PercentEvery2Minutes": codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_2_MINUTES,
    "Linear10PercentEvery3Minutes": codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_3_MINUTES,
    "Linear10PercentEvery10Minutes": codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_10_MINUTES,
}
assert set(_PREDEFINED) == set(PREDEFINED_ROLLOUTS), "every predefined rollout needs its CDK config"

_CODEDEPLOY_LIMITED = (
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]"
)

MAX_ALARMS = 10
"""A deployment group takes at most ten alarms."""


class GradualRollout(Construct):
    """Deployment group for one alias.

    Keyword-only props:
      alias: the alias CodeDeploy moves (its target must be a published version).
      rollout: predefined config name, or a custom time-based canary/linear (percent, minutes).
      alarms: alarms that stop and roll back a deployment (at most ten; default none).
      pre_hook: optional BeforeAllowTraffic hook function (default none).
    Exposes ``deployment_group`` and ``deployment_config``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alias: lambda_.Alias,
        rollout: RolloutSpec,
        alarms: list[cloudwatch.IAlarm] | None = None,
        pre_hook: lambda_.IFunction | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        rollout.validate()
        alarms = list(alarms or [])
        if len(alarms) > MAX_ALARMS:
            raise ValueError(f"alarms: a deployment group takes at most {MAX_ALARMS} alarms, got {len(alarms)}")
        self.deployment_config = self._build_config(rollout)
        self.deployment_group = codedeploy.LambdaDeploymentGroup(
            self,
            "DeploymentGroup",
            alias=alias,
            deployment_config=self.deployment_config,
            alarms=alarms,
            auto_rollback=codedeploy.AutoRollbackConfig(
                failed_deployment=True,
                stopped_deployment=True,
                deployment_in_alarm=bool(alarms),
            ),
            pre_hook=pre_hook,
        )
        acknowledge(
            self.deployment_group,
            {
                _CODEDEPLOY_LIMITED: "The AWS-managed role policy CodeDeploy documents for Lambda deployments; it may "
                "invoke only functions named CodeDeployHook_* and update aliases.",
            },
        )
        if pre_hook is not None:
            hook_id = Stack.of(self).get_logical_id(pre_hook.node.default_child)  # type: ignore[arg-type]
            acknowledge(
                self.deployment_group,
                {
                    f"AwsSolutions-IAM5[Resource::<{hook_id}.Arn>:*]": "CDK lets CodeDeploy invoke the pre-traffic "
                    "hook by any qualifier; the hook is one function of this stack, named CodeDeployHook_*.",
                },
            )

    def _build_config(self, rollout: RolloutSpec) -> codedeploy.ILambdaDeploymentConfig:
        if rollout.predefined:
            return _PREDEFINED[rollout.predefined]
        assert rollout.percent is not None and rollout.minutes is not None
        interval = Duration.minutes(rollout.minutes)
        routing: codedeploy.TrafficRouting
        if rollout.kind == "canary":
            routing = codedeploy.TrafficRouting.time_based_canary(interval=interval, percentage=rollout.percent)
        else:
            routing = codedeploy.TrafficRouting.time_based_linear(interval=interval, percentage=rollout.percent)
        return codedeploy.LambdaDeploymentConfig(self, "Config", traffic_routing=routing)
