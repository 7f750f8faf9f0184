"""scripts/ci/deploy-stage.sh, the CI's gate: with the CDK CLI, the release CLI and the AWS CLI replaced by
recorders, what it runs in which order when the review passes, refuses, or there is nothing to change."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "ci" / "deploy-stage.sh"
RECORDER = """#!/usr/bin/env bash
echo "{name} $*" >> "$CALLS"
case "{name} $*" in
  "aws cloudformation describe-change-set"*) echo "${{DESCRIBE_ERROR:-}}" >&2; exit "${{CHANGE_SET_MISSING:-0}}" ;;
  "release review"*) exit "${{REVIEW_EXIT:-0}}" ;;
esac
"""


@pytest.fixture
def run(tmp_path: Path):
    commands = {}
    for name in ("cdk", "release", "aws"):
        path = tmp_path / name
        path.write_text(RECORDER.format(name=name))
        path.chmod(0o755)
        commands[name.upper()] = str(path)
    calls = tmp_path / "calls.log"

    def run(*args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
        environ = {**os.environ, **commands, "CALLS": str(calls), **env}
        result = subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, env=environ, cwd=tmp_path)
        lines = calls.read_text().splitlines() if calls.exists() else []
        return result, [" ".join(line.split()[:4]) for line in lines]

    return run


def test_a_passing_review_executes_the_reviewed_change_set(run):
    result, calls = run("staging", "gha-42")
    assert result.returncode == 0, result.stderr
    assert calls == [
        "cdk deploy version-demo-staging --context",
        "aws cloudformation describe-change-set --stack-name",
        "release review --stage staging",
        "cdk deploy version-demo-staging --context",
        "aws cloudformation describe-stacks --stack-name",
    ]


def test_the_methods_and_change_set_name_are_passed_through(run, tmp_path):
    run("staging", "gha-42")
    lines = (tmp_path / "calls.log").read_text().splitlines()
    assert "--method=prepare-change-set --change-set-name gha-42" in lines[0]
    assert lines[2].endswith("review --stage staging --change-set gha-42")
    assert "--method=execute-change-set --change-set-name gha-42" in lines[3]


def test_a_refused_review_deletes_the_change_set_and_deploys_nothing(run):
    result, calls = run("prod", "gha-43", REVIEW_EXIT="1")
    assert result.returncode == 1
    assert "the review refused change set gha-43 of version-demo-prod" in result.stderr
    assert calls == [
        "cdk deploy version-demo-prod --context",
        "aws cloudformation describe-change-set --stack-name",
        "release review --stage prod",
        "aws cloudformation delete-change-set --stack-name",
    ]


NOT_FOUND = (
    "An error occurred (ChangeSetNotFound) when calling the DescribeChangeSet operation: "
    "ChangeSet [gha-44] does not exist"
)


def test_no_change_set_means_nothing_to_review_or_execute(run):
    result, calls = run("dev", "gha-44", CHANGE_SET_MISSING="254", DESCRIBE_ERROR=NOT_FOUND)
    assert result.returncode == 0
    assert "already matches this commit" in result.stdout
    assert [c.split()[0] + " " + c.split()[1] for c in calls] == [
        "cdk deploy",
        "aws cloudformation",
        "aws cloudformation",
    ]
    assert "release" not in " ".join(calls)


@pytest.mark.parametrize(("args", "code"), [(["qa"], 2), ([], 2), (["--help"], 0)])
def test_bad_input_exits_2_before_calling_anything(run, args, code):
    result, calls = run(*args)
    assert result.returncode == code
    assert calls == []


@pytest.mark.parametrize(
    "error",
    [
        "An error occurred (AccessDenied) when calling the DescribeChangeSet operation: not authorized",
        "An error occurred (Throttling) when calling the DescribeChangeSet operation: Rate exceeded",
        "Could not connect to the endpoint URL",
    ],
)
def test_a_change_set_that_cannot_be_read_is_an_error_not_nothing_to_deploy(run, error):
    """Only ChangeSetNotFound means the CDK CLI found nothing to change; anything else leaves the stage
    unreviewed and undeployed, and the script must fail saying so, never report success."""
    result, calls = run("prod", "gha-45", CHANGE_SET_MISSING="254", DESCRIBE_ERROR=error)
    assert result.returncode == 2
    assert "could not read change set gha-45 of version-demo-prod, so nothing was reviewed or deployed" in result.stderr
    assert error in result.stderr
    assert "already matches" not in result.stdout
    assert calls == ["cdk deploy version-demo-prod --context", "aws cloudformation describe-change-set --stack-name"]
