"""The CodeDeploy BeforeAllowTraffic hook function for one alias.

CodeDeploy invokes it before shifting any traffic; it runs the production-safe test events against
the new version and reports Succeeded or Failed, so a version that fails its own events never
receives traffic. Named ``CodeDeployHook_*`` because the managed ``AWSCodeDeployRoleForLambdaLimited``
lets CodeDeploy invoke only functions with that prefix.

CodeDeploy invokes the hook asynchronously and waits for the hook's own report
(PutLifecycleEventHookExecutionStatus), up to an hour. An invocation Lambda gives up on (after its two
retries) is kept in the hook's dead-letter queue ``Undelivered`` for 14 days, so a deployment that
failed because its hook never ran shows why.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnElement, Duration, Stack
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib.function_logging import enable_active_tracing, function_logging
from constructs_lib.nag_acknowledgments import acknowledge
from constructs_lib.versioned_function import ASSET_EXCLUDES
from service_model.naming import MAX_FUNCTION_NAME, hook_function_name


class PreTrafficHook(Construct):
    """Hook function for ``alias_name`` of ``target`` (keyword-only props).

      target: the function whose new version is checked (it may invoke only its versions).
      target_name: that function's static name; alias_name: the alias being deployed.
      events_json: production-safe events with expectations (``service_model.test_events.events_for_hook``).
      code_dir: the hook's asset folder; runtime (default Python 3.13); timeout_seconds (default 120);
      log_retention (default one month); encryption_key: the stage's key for its environment and logs;
      reserved_concurrency (default none).
    Exposes ``function``. Call ``allow_deployment_reads(group)`` once the deployment group exists.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        target: lambda_.IFunction,
        target_name: str,
        alias_name: str,
        events_json: str,
        code_dir: Path,
        runtime: lambda_.Runtime = lambda_.Runtime.PYTHON_3_13,
        timeout_seconds: int = 120,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        encryption_key: kms.IKey | None = None,
        reserved_concurrency: int | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        name = hook_function_name(target_name, alias_name)
        if len(name) > MAX_FUNCTION_NAME:
            raise ValueError(f"target_name/alias_name: hook name {name!r} is over {MAX_FUNCTION_NAME} characters")
        description = f"Pre-traffic hook of {target_name}:{alias_name}"
        logging = function_logging(
            self, function_name=name, retention=log_retention, description=description, encryption_key=encryption_key
        )
        # Invoke published versions only (function:NAME:VERSION), never $LATEST or another function.
        logging.role.add_to_policy(
            iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[f"{target.function_arn}:*"])
        )
        self.undelivered = sqs.Queue(
            self,
            "Undelivered",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=name,
            dead_letter_queue=self.undelivered,
            reserved_concurrent_executions=reserved_concurrency,
            code=lambda_.Code.from_asset(str(code_dir), exclude=ASSET_EXCLUDES),
            handler="hook.lambda_handler",
            runtime=runtime,
            timeout=Duration.seconds(timeout_seconds),
            memory_size=256,
            role=logging.role,
            log_group=logging.log_group,
            environment={"FUNCTION_NAME": target_name, "ALIAS_NAME": alias_name, "EVENTS_JSON": events_json},
            environment_encryption=encryption_key,
            description=f"CodeDeploy BeforeAllowTraffic checks for {target_name}:{alias_name}",
        )
        self._role = logging.role
        acknowledge(
            self.undelivered,
            {"AwsSolutions-SQS3": _IS_THE_DLQ, "Serverless-SQSRedrivePolicy": _IS_THE_DLQ},
        )
        enable_active_tracing(self, function=self.function, role=logging.role)
        invoke_versions = f"AwsSolutions-IAM5[Resource::<{Stack.of(self).get_logical_id(_cfn(target))}.Arn>:*]"
        acknowledge(
            logging.role,
            {
                invoke_versions: "The hook invokes whichever version this deployment publishes; the number is known "
                "only at deploy time, so the grant covers this one function's qualified ARNs.",
            },
        )

    def allow_deployment_reads(self, group: codedeploy.ILambdaDeploymentGroup) -> None:
        """Let the hook read its deployment (to learn the target version); CDK grants the status report."""
        self._role.add_to_policy(
            iam.PolicyStatement(actions=["codedeploy:GetDeployment"], resources=[group.deployment_group_arn])
        )


_IS_THE_DLQ = (
    "This queue is itself the dead-letter queue of the hook's asynchronous invocations by CodeDeploy; a "
    "queue behind it would only move the same undelivered events again."
)


def _cfn(function: lambda_.IFunction) -> CfnElement:
    child = function.node.default_child
    assert isinstance(child, CfnElement), "target must be a function defined in this app"
    return child
