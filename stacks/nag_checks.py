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


SYNCHRONOUS_ONLY = (
    "The function is invoked synchronously (HTTP API, direct invoke, its pre-traffic hook); a dead-letter "
    "queue applies only to asynchronous invocations."
)
STREAM_ON_FAILURE = (
    "The function is invoked by a stream event source mapping, which retries a failed batch and then "
    "describes it in its own on-failure SQS queue; a function dead-letter queue would never receive it."
)
SCHEDULE_DLQ = (
    "The schedule rule's target carries its own dead-letter queue and retry policy, which is where "
    "EventBridge puts an invocation it could not deliver."
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
    for service_function in stack.functions.values():
        function_config = service_function.config
        api = service_function.api
        if api is not None and api.auth.open:  # the stage's own reason, required by stages.toml
            acknowledge(api.api, {"AwsSolutions-APIG4": f"api_auth is none in stages.toml: {api.auth.reason}"})
        functions = [service_function.function.function, *(hook.function for hook in service_function.hooks.values())]
        for function in functions:
            own = function is service_function.function.function
            if own and service_function.stream is not None:
                acknowledge(function, {"Serverless-LambdaDLQ": STREAM_ON_FAILURE})
            elif own and service_function.schedule is not None:
                acknowledge(function, {"Serverless-LambdaDLQ": SCHEDULE_DLQ})
            elif own:  # a pre-traffic hook has its dead-letter queue (CodeDeploy invokes it asynchronously)
                acknowledge(function, {"Serverless-LambdaDLQ": SYNCHRONOUS_ONLY})
            if function_config.runtime != RUNTIMES[-1]:
                reason = OLDER_RUNTIME.format(runtime=function_config.runtime)
                acknowledge(function, {"AwsSolutions-L1": reason, "Serverless-LambdaLatestVersion": reason})
    if not config.point_in_time_recovery:
        acknowledge(stack.tables, {"AwsSolutions-DDB3": NO_PITR})
