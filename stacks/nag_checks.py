"""cdk-nag rule packs (AwsSolutions, Serverless) and the findings we accept, each with its reason.

Run through CDK's policy-validation plugins (cdk-nag 3.x): a finding that is neither fixed nor
acknowledged here fails synth.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, App, IPolicyValidationPlugin, Validations
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from stacks.stage_config import RUNTIMES, StageConfig
from stacks.version_demo_stack import VersionDemoStack


def nag_plugins(app: App) -> list[IPolicyValidationPlugin]:
    return [AwsSolutionsChecks(app), ServerlessChecks(app)]


ALWAYS: dict[str, str] = {
    "AwsSolutions-APIG4": (
        "The Order API is the demo's public order intake, as in the seed; the stage is throttled and "
        "access-logged. Authorization arrives with the API's consumers."
    ),
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]": (
        "The AWS-managed role policy CodeDeploy documents for Lambda deployments; it may invoke only "
        "functions named CodeDeployHook_* and update aliases."
    ),
    "AwsSolutions-IAM5[Resource::*]": (
        "Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, "
        "which support no resource-level permissions."
    ),
    "Serverless-LambdaDLQ": (
        "The function is invoked synchronously (HTTP API, direct invoke, CodeDeploy hook); a dead-letter "
        "queue applies only to asynchronous invocations."
    ),
}

NO_PITR = "Point-in-time recovery is a per-stage setting; only prod keeps continuous backups (stages.toml)."
OLDER_RUNTIME = (
    "The runtime is pinned per stage in stages.toml ({runtime}, as in the seed); upgrading is a reviewed config change."
)


def acknowledge_findings(stack: VersionDemoStack, config: StageConfig) -> None:
    """Acknowledge, on one stage stack, exactly the findings its settings make expected."""
    acknowledgments = dict(ALWAYS)
    if not config.point_in_time_recovery:
        acknowledgments["AwsSolutions-DDB3"] = NO_PITR
    if config.runtime != RUNTIMES[-1]:
        reason = OLDER_RUNTIME.format(runtime=config.runtime)
        acknowledgments["AwsSolutions-L1"] = reason
        acknowledgments["Serverless-LambdaLatestVersion"] = reason
    for rule, reason in acknowledgments.items():
        Validations.of(stack).acknowledge(Acknowledgment(id=rule, reason=reason))
