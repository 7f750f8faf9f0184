"""``--context stage=ci-bootstrap``: the GitHub OIDC provider and a deploy role only one repository's
branch can assume, with nothing but what CI needs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.ci.conftest import BRANCH, REPOSITORY, CiSynth


def of_type(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in template["Resources"].values() if r["Type"] == kind]


@pytest.fixture(scope="module")
def template(bootstrap_synth: CiSynth) -> dict[str, Any]:
    return bootstrap_synth.template()


def test_one_provider_for_githubs_issuer_with_sts_as_audience(template):
    (provider,) = of_type(template, "AWS::IAM::OIDCProvider")
    assert provider["Properties"] == {
        "Url": "https://token.actions.githubusercontent.com",
        "ClientIdList": ["sts.amazonaws.com"],
    }


def test_the_role_trusts_only_the_repositorys_branch(template):
    (role,) = of_type(template, "AWS::IAM::Role")
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": f"repo:{REPOSITORY}:ref:refs/heads/{BRANCH}",
        }
    }
    assert "StringLike" not in statement["Condition"], "no pattern: exactly one repository and branch"
    assert set(statement["Principal"]) == {"Federated"}


def test_the_role_deploys_only_through_the_cdk_bootstrap_roles(template):
    (policy,) = of_type(template, "AWS::IAM::Policy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    actions = [a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]
    assert not [a for a in actions if "*" in a], "no wildcard actions"
    (assume,) = [s for s in statements if s["Action"] == "sts:AssumeRole"]
    for resource in assume["Resource"]:
        assert ":role/cdk-hnb659fds-" in json.dumps(resource)
    writes = {a for a in actions if a.split(":")[1].startswith(("Create", "Update", "Delete", "Put", "Execute"))}
    assert writes == set(), "stack changes go through the bootstrap deploy role; smoke and status only read"


def test_the_role_can_read_what_release_status_and_smoke_call(template):
    """The CI files run ``release status`` and ``release smoke`` with this role (release_cli/ops: status_report,
    deployments, lambda_reads, target, invoker)."""
    (policy,) = of_type(template, "AWS::IAM::Policy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    actions = {a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert {
        "lambda:InvokeFunction", "lambda:GetAlias", "lambda:ListAliases", "lambda:ListVersionsByFunction",
        "lambda:GetAccountSettings", "codedeploy:ListDeployments", "codedeploy:BatchGetDeployments",
        "cloudformation:DescribeStacks",
    } <= actions  # fmt: skip


def test_the_role_may_sign_gets_and_posts_to_a_stages_api_and_nothing_else(template):
    """The integration tests sign their calls (every stage's api_auth is iam): execute-api:Invoke for GET
    and POST on a $default stage (an API's id is generated at deploy), in its own statement."""
    (policy,) = of_type(template, "AWS::IAM::Policy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    (invoke,) = [s for s in statements if "execute-api" in json.dumps(s["Action"])]
    assert invoke["Action"] == "execute-api:Invoke"
    arns = [json.dumps(r, sort_keys=True) for r in invoke["Resource"]]
    assert len(arns) == 2
    for arn, method in zip(arns, ("GET", "POST"), strict=True):
        assert (
            ':execute-api:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":*/$default/' + method + '/*"'
            in arn
        )


def test_an_existing_provider_is_reused_not_created():
    """An account holds one provider per issuer: with its ARN given, the stack only trusts it (a small stack,
    synthesized on its own)."""
    from aws_cdk import App
    from aws_cdk.assertions import Template

    from stacks.ci_bootstrap_stack import CiBootstrapStack
    from stacks.ci_settings import BootstrapSettings

    arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
    context = {"repository": REPOSITORY, "github_oidc_provider_arn": arn}
    stack = CiBootstrapStack(App(), "Bootstrap", settings=BootstrapSettings.from_context(context.get))
    resources = Template.from_stack(stack).to_json()["Resources"]
    assert not [r for r in resources.values() if r["Type"] == "AWS::IAM::OIDCProvider"]
    (role,) = [r for r in resources.values() if r["Type"] == "AWS::IAM::Role"]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Federated": arn}


def test_the_role_reaches_every_function_of_the_service_and_no_other(template):
    """One pattern per function of stages.toml (``*-<name>*``: every stage, every qualifier)."""
    from service_model.stages import load_stages

    (policy,) = of_type(template, "AWS::IAM::Policy")
    invoke = next(
        s for s in policy["Properties"]["PolicyDocument"]["Statement"] if "lambda:InvokeFunction" in s["Action"]
    )
    names = sorted({f.basename for stage in load_stages().values() for f in stage.functions})
    assert len(names) >= 2
    assert [json.dumps(r).split(":function:")[-1].rstrip('"]}') for r in invoke["Resource"]] == [
        f"*-{name}*" for name in names
    ]
