"""cdk-nag rule packs (AwsSolutions, Serverless) and the stack-level findings we accept, each with its reason.

Run through CDK's policy-validation plugins (cdk-nag 3.x): a finding that is neither fixed nor
acknowledged here fails synth.
"""

from __future__ import annotations

from aws_cdk import App, IPolicyValidationPlugin
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from constructs_lib.nag_acknowledgments import acknowledge
from service_model.stages import RUNTIMES, StageConfig
from stacks.version_demo_stack import VersionDemoStack


def nag_plugins(app: App) -> list[IPolicyValidationPlugin]:
    return [AwsSolutionsChecks(app), ServerlessChecks(app)]


PUBLIC_API = (
    "The Order API is the demo's public order intake, as in the seed; the stage is throttled and "
    "access-logged. Authorization arrives with the API's consumers."
)
SYNCHRONOUS_ONLY = (
    "The function is invoked synchronously (HTTP API, direct invoke, CodeDeploy hook); a dead-letter "
    "queue applies only to asynchronous invocations."
)
NO_PITR = "Point-in-time recovery is a per-stage setting; only prod keeps continuous backups (stages.toml)."
OLDER_RUNTIME = (
    "The runtime is pinned per stage in stages.toml ({runtime}, as in the seed); upgrading is a reviewed config change."
)


def acknowledge_findings(stack: VersionDemoStack, config: StageConfig) -> None:
    """Acknowledge, on the constructs of one stage stack, exactly the findings its settings make expected.

    Findings a construct makes by design (X-Ray's wildcard, CodeDeploy's managed role, CDK's custom
    resource provider) are acknowledged inside that construct; these are the stack's own choices.
    """
    acknowledge(stack.api.api, {"AwsSolutions-APIG4": PUBLIC_API})
    functions = [stack.function.function, *(hook.function for hook in stack.hooks.values())]
    for function in functions:
        acknowledge(function, {"Serverless-LambdaDLQ": SYNCHRONOUS_ONLY})
        if config.runtime != RUNTIMES[-1]:
            reason = OLDER_RUNTIME.format(runtime=config.runtime)
            acknowledge(function, {"AwsSolutions-L1": reason, "Serverless-LambdaLatestVersion": reason})
    if not config.point_in_time_recovery:
        acknowledge(stack.tables, {"AwsSolutions-DDB3": NO_PITR})
