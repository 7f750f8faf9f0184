"""A function's own log group, an execution role that may write only to it, and X-Ray tracing.

Shared by every function the app creates, so none of them needs the account-wide managed
``AWSLambdaBasicExecutionRole`` (which may write to any log group).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from constructs_lib.nag_acknowledgments import XRAY_WILDCARD, acknowledge


@dataclass(frozen=True)
class FunctionLogging:
    role: iam.Role
    log_group: logs.LogGroup


def function_logging(
    scope: Construct,
    *,
    function_name: str,
    retention: logs.RetentionDays,
    description: str,
    encryption_key: kms.IKey | None = None,
) -> FunctionLogging:
    """Create ``Logs`` (``/aws/lambda/<function_name>``, encrypted with ``encryption_key`` when given) and ``Role``."""
    log_group = logs.LogGroup(
        scope,
        "Logs",
        log_group_name=f"/aws/lambda/{function_name}",
        retention=retention,
        removal_policy=RemovalPolicy.DESTROY,
        encryption_key=encryption_key,
    )
    role = iam.Role(scope, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
    role.add_to_policy(
        iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn])
    )
    if encryption_key is not None:
        # The same key encrypts the function's environment, which Lambda decrypts with the execution
        # role's credentials when an environment starts (KMSAccessDeniedException at cold start without).
        encryption_key.grant(role, "kms:Decrypt")
    return FunctionLogging(role=role, log_group=log_group)


def enable_active_tracing(scope: Construct, *, function: lambda_.Function, role: iam.IRole) -> iam.Policy:
    """Turn on X-Ray active tracing with its wildcard grant in a policy of its own.

    CDK's ``tracing=ACTIVE`` puts ``xray:*`` on ``*`` into the role's default policy, where the
    acknowledgment it needs would also hide any later wildcard grant on that role. Here the grant
    lives in ``TracingPolicy`` and only that policy carries the acknowledgment.
    """
    policy = iam.Policy(
        scope,
        "TracingPolicy",
        roles=[role],
        statements=[
            iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"])
        ],
    )
    acknowledge(policy, XRAY_WILDCARD)
    cfn_function = function.node.default_child
    assert isinstance(cfn_function, lambda_.CfnFunction)
    cfn_function.tracing_config = lambda_.CfnFunction.TracingConfigProperty(mode="Active")
    function.node.add_dependency(policy)
    return policy
