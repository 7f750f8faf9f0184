"""The CI stacks' ``--context`` values: each missing or malformed one stops synth with a message naming the
key, before any construct exists; the approval note is the review cut to CodePipeline's limit."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from stacks.ci_settings import (
    APPROVAL_NOTE_LIMIT,
    CUT,
    NO_REVIEW,
    BootstrapSettings,
    CiContextError,
    PipelineSettings,
    approval_note,
)
from tests.ci.conftest import PIPELINE_CONTEXT, STAGING_ACCOUNT
from tests.conftest import ROOT, cdk_json_context


def pipeline_settings(**overrides) -> PipelineSettings:
    context = {**PIPELINE_CONTEXT, **overrides}
    return PipelineSettings.from_context(context.get, default_account=None, default_region=None)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("repository", None, "--context repository=... is required"),
        ("repository", "not-a-repository", "--context repository='not-a-repository' is not valid: expected the GitHub"),
        ("repository", "owner/../etc", "is not valid"),
        ("branch", "main; rm -rf /", "--context branch="),
        ("connection_arn", None, "--context connection_arn=... is required"),
        ("connection_arn", "arn:aws:iam::111111111111:role/x", "CodeConnections"),
        ("pipeline_account", "12345", "expected a 12-digit AWS account id"),
        ("pipeline_region", "Europe", "expected a Region name"),
        ("smoke_role_arn", "role/x", "--context smoke_role_arn='role/x' is not valid"),
    ],
)
def test_a_bad_pipeline_context_value_names_its_key(key, value, message):
    with pytest.raises(CiContextError, match=re.escape(message)):
        pipeline_settings(**{key: value})


def test_the_pipeline_needs_an_account_and_region_from_context_or_the_cli():
    context = {k: v for k, v in PIPELINE_CONTEXT.items() if k not in ("pipeline_account", "pipeline_region")}
    with pytest.raises(CiContextError, match="--context pipeline_account="):
        PipelineSettings.from_context(context.get, default_account=None, default_region=None)
    settings = PipelineSettings.from_context(context.get, default_account="444444444444", default_region="us-west-2")
    assert (settings.account, settings.region) == ("444444444444", "us-west-2")


def test_the_synth_step_rebuilds_the_same_pipeline():
    settings = pipeline_settings()
    arguments = settings.context_arguments()
    rebuilt = {a.split("=", 1)[0].removeprefix("--context "): a.split("=", 1)[1] for a in arguments}
    again = PipelineSettings.from_context(
        {**rebuilt, "stage": "pipeline"}.get, default_account=None, default_region=None
    )
    assert again == settings


def test_bootstrap_needs_the_repository_and_defaults_the_branch():
    with pytest.raises(CiContextError, match=re.escape("--context repository=... is required")):
        BootstrapSettings.from_context({}.get)
    settings = BootstrapSettings.from_context({"repository": "octo-org/app"}.get)
    assert settings.trust.subject == "repo:octo-org/app:ref:refs/heads/main"
    with pytest.raises(CiContextError, match="github_oidc_provider_arn"):
        BootstrapSettings.from_context({"repository": "o/r", "github_oidc_provider_arn": "arn:aws:iam::1:x"}.get)


def test_approval_note_is_the_review_or_says_where_to_find_it(tmp_path: Path):
    assert approval_note(None) == NO_REVIEW
    short = tmp_path / "short.md"
    short.write_text("**SAFE: no changes**\n")
    assert approval_note(str(short)) == "**SAFE: no changes**"
    long = tmp_path / "long.md"
    long.write_text("### DANGER\n" + "| Modify | Table | True |\n" * 100)
    note = approval_note(str(long))
    assert len(note) <= APPROVAL_NOTE_LIMIT and note.endswith(CUT) and note.startswith("### DANGER")


@pytest.mark.parametrize("content", [None, ""])
def test_a_named_review_file_that_is_missing_or_empty_is_an_error(tmp_path: Path, content):
    path = tmp_path / "review.md"
    if content is not None:
        path.write_text(content)
    with pytest.raises(CiContextError, match="--context prod_review="):
        approval_note(str(path))


def test_staging_in_another_account_needs_a_smoke_role():
    from aws_cdk import App

    from service_model.stages import load_stages
    from stacks.app_builder import build_pipeline

    stages = load_stages()
    stages["staging"] = dataclasses.replace(stages["staging"], account=STAGING_ACCOUNT)
    context = {k: v for k, v in PIPELINE_CONTEXT.items() if k != "smoke_role_arn"}
    with pytest.raises(CiContextError, match="--context smoke_role_arn="):
        build_pipeline(App(context={**cdk_json_context(), **context}), stages=stages, environ={})


@pytest.mark.parametrize("stage", ["pipeline", "ci-bootstrap"])
def test_app_py_stops_with_the_missing_key_and_synthesizes_nothing(tmp_path: Path, stage: str):
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps({"stage": stage}), "CDK_OUTDIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "error: " in result.stderr and "--context " in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.template.json"))


def test_without_a_stage_the_app_has_exactly_the_three_stage_stacks():
    """No stage context (what setup.sh, the tests and the baselines' review synthesize): the CI stacks are
    never built, so the default synth and its templates stay as they were."""
    from aws_cdk import Stack

    from stacks.app_builder import build_from_context, project_app

    app = project_app(context=cdk_json_context())
    build_from_context(app)
    stacks = [child.stack_name for child in app.node.children if isinstance(child, Stack)]
    assert stacks == ["version-demo-dev", "version-demo-staging", "version-demo-prod"]
