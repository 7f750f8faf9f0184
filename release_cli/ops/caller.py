"""Who is making the change: the caller's ARN from STS, recorded in every audit record."""

from __future__ import annotations

from release_cli.ops.clients import AwsContext, aws_call


def caller_arn(ctx: AwsContext) -> str:
    """``GetCallerIdentity``'s ARN (an IAM user, an assumed role's session, ...)."""
    with aws_call("asking STS who the caller is (GetCallerIdentity)", hint="check the credentials"):
        return str(ctx.client("sts").get_caller_identity()["Arn"])
