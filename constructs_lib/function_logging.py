"""A function's own log group and an execution role that may write only to it.

Shared by every function the app creates, so none of them needs the account-wide managed
``AWSLambdaBasicExecutionRole`` (which may write to any log group).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct


@dataclass(frozen=True)
class FunctionLogging:
    role: iam.Role
    log_group: logs.LogGroup


def function_logging(
    scope: Construct, *, function_name: str, retention: logs.RetentionDays, description: str
) -> FunctionLogging:
    """Create ``Logs`` (``/aws/lambda/<function_name>``) and ``Role`` under ``scope``."""
    log_group = logs.LogGroup(
        scope,
        "Logs",
        log_group_name=f"/aws/lambda/{function_name}",
        retention=retention,
        removal_policy=RemovalPolicy.DESTROY,
    )
    role = iam.Role(scope, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
    role.add_to_policy(
        iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn])
    )
    return FunctionLogging(role=role, log_group=log_group)
