"""The CI stacks' templates: cfn-lint clean, and cdk-nag clean with every acknowledgment reasoned and exact
(a wildcard CDK Pipelines does not make by design still fails synth)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ci.conftest import PIPELINE_CONTEXT, CiSynth
from tests.conftest import ROOT, cdk_json_context


def cfn_lint(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "cfn-lint"),
            "--config-file",
            str(ROOT / ".cfnlintrc.yaml"),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_cfn_lint_finds_nothing_in_the_pipeline_and_its_cross_region_support_stacks(pipeline_synth: CiSynth):
    templates = pipeline_synth.templates()
    assert len(templates) == 3, "the pipeline and one support stack per other Region (staging's, prod's us-east-1)"
    result = cfn_lint(templates)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_finds_nothing_in_the_bootstrap_stack(bootstrap_synth: CiSynth):
    result = cfn_lint(bootstrap_synth.templates())
    assert result.returncode == 0, result.stdout + result.stderr


def acknowledgments(outdir: Path) -> dict[str, str]:
    """Rule id -> reason, for every cdk-nag acknowledgment in the assembly's own stacks (not the stages')."""
    found = {}
    for path in outdir.glob("*.metadata.json"):
        for entries in json.loads(path.read_text()).values():
            for entry in entries:
                if entry["type"] == "aws:cdk:acknowledged-rules":
                    found.update(entry["data"])
    return found


@pytest.mark.parametrize("synth", ["pipeline_synth", "bootstrap_synth"])
def test_cdk_nag_passes_and_every_acknowledgment_is_reasoned(request, synth):
    """Synth succeeded, so no finding is unacknowledged; every acknowledgment says why, in a sentence."""
    outdir: Path = request.getfixturevalue(synth).outdir
    report = json.loads((outdir / "validation-report.json").read_text())
    assert report["pluginReports"] == []
    reasons = acknowledgments(outdir)
    assert reasons, "the CI stacks do have findings CDK makes by design"
    short = {rule: reason for rule, reason in reasons.items() if len(reason.split()) < 8}
    assert short == {}
    assert all("AwsSolutions-IAM5" not in rule or "[" in rule for rule in reasons), "IAM5 by exact id only"


def test_an_unexpected_wildcard_in_the_pipeline_fails_synth(tmp_path):
    """The pipeline's acknowledgments name CDK's exact wildcards: one more, of ours, is still a finding."""
    from aws_cdk import aws_iam as iam

    from stacks.app_builder import build_pipeline, project_app

    app = project_app(context={**cdk_json_context(), **PIPELINE_CONTEXT}, outdir=str(tmp_path))
    stack = build_pipeline(app, environ={})
    stack.pipeline.pipeline.role.add_to_principal_policy(
        iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=["arn:aws:lambda:*:*:function:*"])
    )
    with pytest.raises(Exception, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    assert [v["ruleName"] for p in report["pluginReports"] for v in p["violations"]] == [
        "AwsSolutions-IAM5[Resource::arn:aws:lambda:*:*:function:*]"
    ]
