"""Every synthesized template: cfn-lint clean, cdk-nag clean (every acknowledgment has a reason),
and one snapshot per stage with asset hashes masked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from tests.conftest import ROOT, mask_hashes


def test_cfn_lint_finds_nothing_in_any_stage(synthesized):
    templates = sorted(str(p) for p in synthesized.outdir.glob("*.template.json"))
    assert len(templates) == 3
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--config-file", str(ROOT / ".cfnlintrc.yaml"), *templates],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cdk_nag_reports_no_unacknowledged_finding(synthesized):
    report = json.loads((synthesized.outdir / "validation-report.json").read_text())
    violations = [v["ruleName"] for p in report["pluginReports"] for v in p["violations"]]
    assert violations == []


def test_an_acknowledgment_without_a_reason_is_refused():
    from aws_cdk import Stack

    from constructs_lib.nag_acknowledgments import acknowledge

    with pytest.raises(ValueError, match="the reason must say why"):
        acknowledge(Stack(), {"AwsSolutions-L1": "because"})


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_wildcard_resources_grant_only_xray_and_list_streams(synthesized, stage):
    """The acknowledgments of IAM5 Resource::* (X-Ray's trace writes; a stream consumer's ListStreams,
    each in a policy of its own) must not hide any other wildcard grant."""
    for logical_id, policy in synthesized.templates[stage].find_resources("AWS::IAM::Policy").items():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Resource"] == "*" or "*" in statement["Resource"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                if "ListStreamsPolicy" in logical_id:
                    assert actions == ["dynamodb:ListStreams"], statement
                else:
                    assert all(a.startswith("xray:") for a in actions), statement


def test_an_unexpected_wildcard_grant_fails_synth(tmp_path):
    """Acknowledgments sit on the constructs that cause them: a new wildcard elsewhere is still a finding."""
    from aws_cdk import Validations
    from aws_cdk import aws_iam as iam

    from service_model.stages import load_stages
    from stacks.app_builder import project_app
    from stacks.nag_checks import acknowledge_findings, nag_plugins
    from stacks.version_demo_stack import VersionDemoStack
    from tests.conftest import cdk_json_context

    prod = load_stages()["prod"]
    app = project_app(context=cdk_json_context(), outdir=str(tmp_path))
    stack = VersionDemoStack(app, "Wild", config=prod)
    stack.function.function.add_to_role_policy(iam.PolicyStatement(actions=["dynamodb:Scan"], resources=["*"]))
    acknowledge_findings(stack, prod)
    Validations.of(app).add_plugins(*nag_plugins(app))
    with pytest.raises(Exception, match="ValidationFailed"):
        app.synth()


def test_an_unacknowledged_finding_fails_synth(tmp_path):
    """The gate is real: a prod stack without PITR, acknowledged as real prod is (no DDB3), stops synth."""
    import dataclasses

    from aws_cdk import Validations

    from service_model.stages import load_stages
    from stacks.app_builder import project_app
    from stacks.nag_checks import acknowledge_findings, nag_plugins
    from stacks.version_demo_stack import VersionDemoStack
    from tests.conftest import cdk_json_context

    prod = load_stages()["prod"]
    app = project_app(context=cdk_json_context(), outdir=str(tmp_path))
    stack = VersionDemoStack(app, "Gate", config=dataclasses.replace(prod, point_in_time_recovery=False))
    acknowledge_findings(stack, prod)
    Validations.of(app).add_plugins(*nag_plugins(app))
    with pytest.raises(Exception, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    assert [v["ruleName"] for p in report["pluginReports"] for v in p["violations"]] == ["AwsSolutions-DDB3"]


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_stage_template_matches_snapshot(synthesized, snapshot, stage):
    template = mask_hashes(synthesized.templates[stage].to_json())
    assert template == snapshot(extension_class=JSONSnapshotExtension)
