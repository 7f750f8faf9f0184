"""``version-demo-ci-bootstrap``: lets one GitHub repository's branch deploy with short-lived credentials.

GitHub Actions presents an OIDC token; IAM trusts it only when its audience is STS and its subject is
``repo:<owner>/<name>:ref:refs/heads/<branch>``, so no other repository, branch, fork or pull request
can assume the role, and no access key is ever stored in GitHub. The role itself deploys nothing
directly: ``cdk deploy`` assumes the CDK bootstrap roles of the target account (``cdk bootstrap``
made them), and the role keeps only what the release CLI and the integration tests read or invoke.

Optional and deployed once per account by hand (``--context stage=ci-bootstrap``); never part of the
default synth. An account can hold only one provider for GitHub's issuer: pass the existing one
with ``--context github_oidc_provider_arn=...``.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, Duration, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from constructs_lib.nag_acknowledgments import acknowledge
from service_model.api_auth import execute_api_arns
from service_model.naming import PROJECT
from service_model.stages import load_stages
from stacks.ci_settings import BootstrapSettings

GITHUB_ISSUER = "token.actions.githubusercontent.com"
STS_AUDIENCE = "sts.amazonaws.com"
STACK_NAME = f"{PROJECT}-ci-bootstrap"
BOOTSTRAP_ROLE_KINDS = ("deploy", "file-publishing", "image-publishing", "lookup")


class CiBootstrapStack(Stack):
    """The GitHub OIDC provider (unless one exists) and ``deploy_role``, trusted by one repository's branch."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: BootstrapSettings, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        if settings.existing_provider_arn:
            provider_arn = settings.existing_provider_arn
        else:
            provider = iam.OidcProviderNative(
                self, "GitHubOidcProvider", url=f"https://{GITHUB_ISSUER}", client_ids=[STS_AUDIENCE]
            )
            provider_arn = provider.oidc_provider_arn
        self.deploy_role = iam.Role(
            self,
            "GitHubDeployRole",
            description=f"GitHub Actions of {settings.trust.repository}, branch {settings.trust.branch}",
            max_session_duration=Duration.hours(1),
            assumed_by=iam.WebIdentityPrincipal(
                provider_arn,
                conditions={
                    "StringEquals": {
                        f"{GITHUB_ISSUER}:aud": STS_AUDIENCE,
                        f"{GITHUB_ISSUER}:sub": settings.trust.subject,
                    }
                },
            ),
        )
        self._grant(settings.qualifier)
        CfnOutput(self, "DeployRoleArn", value=self.deploy_role.role_arn, description="vars.AWS_DEPLOY_ROLE_ARN")

    def _grant(self, qualifier: str) -> None:
        """Each statement with the reason its wildcard is needed; the cdk-nag acknowledgment names each resource."""
        bootstrap_roles = [
            f"arn:{PARTITION}:iam::{ACCOUNT}:role/cdk-{qualifier}-{kind}-role-{ACCOUNT}-*"
            for kind in BOOTSTRAP_ROLE_KINDS
        ]
        stacks = f"arn:{PARTITION}:cloudformation:{REGION}:{ACCOUNT}:stack/{PROJECT}-*/*"
        basenames = sorted({f.basename for stage in load_stages().values() for f in stage.functions})
        functions = [f"arn:{PARTITION}:lambda:{REGION}:{ACCOUNT}:function:*-{name}*" for name in basenames]
        grants = [
            (
                ["sts:AssumeRole"],
                bootstrap_roles,
                "cdk deploy assumes the CDK bootstrap roles of this account; the trailing * is their Region.",
            ),
            (
                [
                    "cloudformation:DescribeStacks",
                    "cloudformation:DescribeChangeSet",
                    "cloudformation:GetTemplate",
                    "cloudformation:ListStackResources",
                ],
                [stacks],
                "The review gate and the integration tests read every version-demo-<stage> stack and its change "
                "sets; the trailing /* is the stack id CloudFormation generates.",
            ),
            (
                [
                    "lambda:InvokeFunction",
                    "lambda:GetAlias",
                    "lambda:GetFunctionConfiguration",
                    "lambda:ListAliases",
                    "lambda:ListVersionsByFunction",
                ],
                functions,
                "release smoke and status invoke and read every function of every stage (<stage>-<name> for each "
                "function in stages.toml) with its versions and aliases (function:name:qualifier), which the "
                "pattern's trailing * covers.",
            ),
            (
                ["lambda:GetAccountSettings", "codedeploy:ListDeployments", "codedeploy:BatchGetDeployments"],
                ["*"],
                "release status reports code storage against the account's quota (GetAccountSettings has no resource "
                "to scope) and any CodeDeploy deployment in progress (ListDeployments lists every deployment group "
                "of the account); all three only read.",
            ),
        ]
        if any(stage.api_auth.type == "iam" for stage in load_stages().values()):
            grants.append(
                (
                    ["execute-api:Invoke"],
                    execute_api_arns(partition=PARTITION, region=REGION, account=ACCOUNT),
                    "The integration tests sign their GET and POST calls to each stage's HTTP API (api_auth = "
                    "iam); an API's id is generated at deploy, so the grant names the $default stage of the "
                    "account's APIs (the leading *) and any path (the trailing *), for these two methods only.",
                )
            )
        for actions, resources, reason in grants:
            self.deploy_role.add_to_policy(
                iam.PolicyStatement(actions=actions, resources=[_with_pseudo_parameters(r) for r in resources])
            )
            acknowledge(self.deploy_role, {f"AwsSolutions-IAM5[Resource::{r}]": reason for r in resources})


PARTITION, REGION, ACCOUNT = "<AWS::Partition>", "<AWS::Region>", "<AWS::AccountId>"
"""Placeholders as cdk-nag writes them in a finding's id; ``_with_pseudo_parameters`` makes them real."""


def _with_pseudo_parameters(pattern: str) -> str:
    return pattern.replace(PARTITION, Aws.PARTITION).replace(REGION, Aws.REGION).replace(ACCOUNT, Aws.ACCOUNT_ID)
