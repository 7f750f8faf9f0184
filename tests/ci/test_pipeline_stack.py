"""The CDK Pipelines stack (``--context stage=pipeline``): stage order, the approval before prod, the smoke
post-step, prod's Regions as one wave, cross-account deploys through the CDK bootstrap roles, and the
synth step that runs the tests. Read from the synthesized template, as CodePipeline will run it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stacks.ci_settings import APPROVAL_NOTE_LIMIT
from tests.ci.conftest import (
    PIPELINE_ACCOUNT,
    PIPELINE_REGION,
    PROD_ACCOUNT,
    PROD_REGIONS,
    PROD_REVIEW_TEXT,
    SMOKE_ROLE,
    STAGING_ACCOUNT,
    STAGING_REGION,
    CiSynth,
)
from tests.conftest import mask_hashes


def resources(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


@pytest.fixture(scope="module")
def template(pipeline_synth: CiSynth) -> dict[str, Any]:
    return pipeline_synth.template()


@pytest.fixture(scope="module")
def stages(template: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Pipeline stage name -> its actions, in the pipeline's order."""
    (pipeline,) = resources(template, "AWS::CodePipeline::Pipeline").values()
    return {stage["Name"]: stage["Actions"] for stage in pipeline["Properties"]["Stages"]}


def buildspec(template: dict[str, Any], action: dict[str, Any]) -> dict[str, Any]:
    """The buildspec of the CodeBuild project a pipeline action runs."""
    project = template["Resources"][action["Configuration"]["ProjectName"]["Ref"]]
    return json.loads(project["Properties"]["Source"]["BuildSpec"])


def role_account_and_region(action: dict[str, Any]) -> str:
    return json.dumps(action["RoleArn"])


def test_stages_run_in_order(stages):
    assert list(stages) == ["Source", "Build", "UpdatePipeline", "Assets", "Dev", "Staging", "Prod"]


def test_only_prod_waits_for_an_approval_and_it_comes_before_any_prod_deploy(stages):
    approvals = {
        name: [a for a in actions if a["ActionTypeId"]["Category"] == "Approval"] for name, actions in stages.items()
    }
    assert {name for name, found in approvals.items() if found} == {"Prod"}
    (approval,) = approvals["Prod"]
    deploys = [a for a in stages["Prod"] if a["ActionTypeId"]["Category"] == "Deploy"]
    assert deploys and all(a["RunOrder"] > approval["RunOrder"] for a in deploys)


def test_the_approval_note_is_the_prod_review(stages):
    (approval,) = [a for a in stages["Prod"] if a["ActionTypeId"]["Category"] == "Approval"]
    note = approval["Configuration"]["CustomData"]
    assert note == PROD_REVIEW_TEXT
    assert len(note) <= APPROVAL_NOTE_LIMIT


def test_smoke_runs_after_staging_deploys_against_its_alias(template, stages):
    deploys = [a for a in stages["Staging"] if a["ActionTypeId"]["Category"] == "Deploy"]
    (smoke,) = [a for a in stages["Staging"] if a["Name"].startswith("Smoke")]
    assert smoke["RunOrder"] > max(a["RunOrder"] for a in deploys)
    spec = buildspec(template, smoke)
    commands = spec["phases"]["build"]["commands"]
    (command,) = [c for c in commands if "release smoke" in c]
    assert f"--stage staging --alias staging --region {STAGING_REGION} --junit-xml reports/smoke.xml" in command
    assert spec["reports"]["smoke-tests"]["file-format"] == "JUNITXML"
    # Staging lives in another account: the step reaches it through the role given for that.
    assert "--profile smoke" in command
    assert any(SMOKE_ROLE in c and "credential_source = EcsContainer" in c for c in commands)
    # Then the signed API smoke, with the same credentials: a create read back, and an unsigned call's 403.
    (api,) = [c for c in commands if "tests/integration" in c]
    assert api == (
        f"AWS_PROFILE=smoke AWS_REGION={STAGING_REGION} INTEGRATION_STAGE=staging .venv/bin/python -m pytest "
        "--confcutdir=tests/integration tests/integration/test_http_api.py -k 'create_then_read_back or unsigned' "
        "--junit-xml reports/api-smoke.xml"
    )
    assert commands.index(api) == commands.index(command) + 1


def test_smoke_role_may_assume_only_the_given_role(template):
    statements = [
        statement
        for policy in resources(template, "AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Action"] == "sts:AssumeRole" and SMOKE_ROLE in json.dumps(statement["Resource"])
    ]
    assert [s["Resource"] for s in statements] == [SMOKE_ROLE]


def test_every_prod_region_deploys_in_one_wave_into_the_prod_account(stages):
    prepares = [a for a in stages["Prod"] if a["Configuration"].get("ActionMode") == "CHANGE_SET_REPLACE"]
    assert len(prepares) == len(PROD_REGIONS)
    assert len({a["RunOrder"] for a in prepares}) == 1, "the Regions of one wave deploy side by side"
    for region in PROD_REGIONS:
        (action,) = [a for a in prepares if f"-{region}." in a["Name"]]
        assert action["Configuration"]["StackName"] == "version-demo-prod"
        assert f"cdk-hnb659fds-deploy-role-{PROD_ACCOUNT}-{region}" in role_account_and_region(action)


def test_stages_deploy_through_their_accounts_bootstrap_roles(stages):
    """Cross-account: CodePipeline assumes the target account's CDK bootstrap role (``cdk bootstrap --trust``)."""
    expected = {"Dev": (PIPELINE_ACCOUNT, PIPELINE_REGION), "Staging": (STAGING_ACCOUNT, STAGING_REGION)}
    for stage, (account, region) in expected.items():
        deploys = [a for a in stages[stage] if a["ActionTypeId"]["Category"] == "Deploy"]
        assert deploys
        for action in deploys:
            assert f"cdk-hnb659fds-deploy-role-{account}-{region}" in role_account_and_region(action)


def test_artifacts_use_a_rotated_key_other_accounts_can_be_granted(template):
    (key,) = resources(template, "AWS::KMS::Key").values()
    assert key["Properties"]["EnableKeyRotation"] is True


def test_synth_step_runs_the_checks_tests_and_prod_review_before_it_synthesizes_the_pipeline(template, stages):
    (synth,) = stages["Build"]
    commands = buildspec(template, synth)["phases"]["build"]["commands"]
    expected_order = [
        "bash scripts/setup.sh",
        "bash scripts/checks.sh",
        "--junit-xml=reports/unit.xml",
        "release review --stage prod --format markdown > reports/prod-review.md",
        "scripts/cdk synth",
    ]
    positions = [next(i for i, c in enumerate(commands) if step in c) for step in expected_order]
    assert positions == sorted(positions)
    cdk_synth = commands[positions[-1]]
    for argument in ("--context stage=pipeline", "--context prod_review=reports/prod-review.md",
                     f"--context smoke_role_arn={SMOKE_ROLE}", "-o cdk.out.pipeline"):  # fmt: skip
        assert argument in cdk_synth


def test_each_stage_in_the_pipeline_is_the_stack_the_default_synth_builds(pipeline_synth, synthesized):
    """Same resources (logical IDs and types) as the default synth: the pipeline deploys no variant.

    Only the version's hash-derived logical ID may differ: a stage with a known account names its asset
    bucket literally, and the version hash covers the function's code location.
    """

    def types(template: dict[str, Any]) -> dict[str, str]:
        return {name: r["Type"] for name, r in mask_hashes(template)["Resources"].items()}

    for name, stages in pipeline_synth.stack.service_stages.items():
        expected = types(synthesized.templates[name].to_json())
        for stage in stages:
            assembly = pipeline_synth.outdir / Path(stage.outdir).name
            actual = json.loads((assembly / stage.stack.template_file).read_text())
            assert types(actual) == expected
            assert stage.stack.stack_name == f"version-demo-{name}"


def test_every_stack_is_reviewed_between_its_change_set_and_its_deploy(template, stages):
    """The README's gate on the real change set: prepare, ``release review --change-set``, then execute."""
    for stage in ("Dev", "Staging", "Prod"):
        actions = stages[stage]
        prepares = [a for a in actions if a["Configuration"].get("ActionMode") == "CHANGE_SET_REPLACE"]
        assert prepares
        for prepare in prepares:
            stack = prepare["Configuration"]["StackName"]
            prefix = prepare["Name"].removesuffix("Prepare")
            (review,) = [a for a in actions if a["Name"].startswith(f"{prefix}Review")]
            (deploy,) = [a for a in actions if a["Name"] == f"{prefix}Deploy"]
            assert prepare["RunOrder"] < review["RunOrder"] < deploy["RunOrder"]
            (command,) = [
                c for c in buildspec(template, review)["phases"]["build"]["commands"] if "release review" in c
            ]
            assert f"--change-set {prepare['Configuration']['ChangeSetName']} --stack-name {stack}" in command


def test_review_steps_read_through_the_stage_accounts_lookup_role_only(template):
    """Read-only, and trusted by the pipeline account through ``cdk bootstrap --trust``."""
    expected = {
        f"arn:aws:iam::{account}:role/cdk-hnb659fds-lookup-role-{account}-{region}"
        for account, region in [
            (PIPELINE_ACCOUNT, PIPELINE_REGION),
            (STAGING_ACCOUNT, STAGING_REGION),
            *((PROD_ACCOUNT, region) for region in PROD_REGIONS),
        ]
    }
    assumed = {
        statement["Resource"]
        for policy in resources(template, "AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Action"] == "sts:AssumeRole" and "lookup-role" in json.dumps(statement["Resource"])
    }
    assert assumed == expected


def test_a_same_account_smoke_may_invoke_every_function_of_the_stage_and_nothing_else() -> None:
    """``release smoke`` without --function runs each function's production-safe events through its alias."""
    from aws_cdk import App, Stack

    from service_model.stages import load_stages
    from stacks.pipeline_stack import _smoke_permissions

    staging = load_stages()["staging"]
    stack = Stack(App(), "S")
    invoke, describe, signed = _smoke_permissions(stack, staging, account="111111111111", region="eu-west-1")
    function = "arn:<AWS::Partition>:lambda:eu-west-1:111111111111:function:"
    resources = list(invoke.resources)
    names = [f.name for f in staging.functions]
    assert len(names) >= 2
    assert resources == [arn for name in names for arn in (f"{function}{name}", f"{function}{name}:*")]
    assert describe.resources[0].endswith(":cloudformation:eu-west-1:111111111111:stack/version-demo-staging/*")
    # The API smoke's signed calls (staging's api_auth is iam): GET and POST on a $default stage only.
    assert signed.actions == ["execute-api:Invoke"]
    assert signed.resources == [
        f"arn:<AWS::Partition>:execute-api:eu-west-1:111111111111:*/$default/{method}/*" for method in ("GET", "POST")
    ]


def test_a_stage_with_an_open_api_gets_no_invoke_permission_for_it() -> None:
    import copy
    import tomllib

    from aws_cdk import App, Stack

    from service_model.stages import parse_stages, stages_file
    from stacks.pipeline_stack import _smoke_permissions

    raw = tomllib.loads(stages_file().read_text(encoding="utf-8"))
    raw["stages"]["staging"]["api_auth"] = {"type": "none", "reason": "a public preview of the orders API for the demo"}
    staging = parse_stages(copy.deepcopy(raw))["staging"]
    statements = _smoke_permissions(Stack(App(), "S"), staging, account="111111111111", region="eu-west-1")
    assert [s.actions for s in statements] == [
        ["lambda:InvokeFunction", "lambda:GetAlias"],
        ["cloudformation:DescribeStacks"],
    ]
