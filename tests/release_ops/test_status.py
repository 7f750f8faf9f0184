"""release status against moto: every version over more than one page's worth, aliases, unused
versions, deployments, and drift from stages.toml with --pin."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import boto3
from botocore.stub import Stubber

from release_cli.ops.clients import AwsContext
from release_cli.ops.lambda_reads import code_storage
from release_cli.ops.target import resolve_target
from service_model import naming
from service_model.project import project_root
from tests.release_ops.conftest import REGION, Lab, new_lab, only_order_api


def test_status_lists_more_than_a_page_of_versions(aws_env: str, run_cli) -> None:
    lab = new_lab()
    numbers = [lab.publish(f"code {n}", description=f"v1.{n}.0") for n in range(60)]
    lab.alias("prod", numbers[-2], {numbers[-1]: 0.1})
    lab.alias("staging", numbers[-1])
    result = run_cli("status", "--function", lab.function, "--json")
    assert result.code == 0, result.err
    document = result.json()
    assert [v["version"] for v in document["versions"]] == numbers  # all 60, oldest first, no $LATEST
    assert document["versions"][-1]["aliases"] == ["prod", "staging"]
    assert document["versions"][-1]["description"] == "v1.59.0"
    assert len(document["versions"][0]["codeSha256"]) == 44  # base64 SHA-256 as Lambda gives it
    assert document["unusedVersions"] == numbers[:-2]
    assert {a["name"]: (a["version"], a["weights"]) for a in document["aliases"]} == {
        "prod": (numbers[-2], {numbers[-1]: 0.1}),
        "staging": (numbers[-1], {}),
    }
    assert document["codeStorage"]["usedBytes"] is None  # moto has no GetAccountSettings: a note, not a failure
    assert document["driftChecked"] is False
    text = run_cli("status", "--function", lab.function)
    assert text.code == 0 and "versions: 60 published, newest 20 shown" in text.out


def test_code_storage_reads_get_account_settings() -> None:
    """moto has no GetAccountSettings: a recorded response (Stubber) stands in for Lambda's."""
    ctx = AwsContext(region=REGION)
    client = boto3.client("lambda", region_name=REGION)
    with Stubber(client) as stub:
        stub.add_response(
            "get_account_settings",
            {
                "AccountLimit": {"TotalCodeSize": 80530636800},
                "AccountUsage": {"TotalCodeSize": 1234567, "FunctionCount": 3},
            },
        )
        ctx.use("lambda", client)
        storage = code_storage(ctx)
    assert (storage.used_bytes, storage.limit_bytes) == (1234567, 80530636800)


def test_stage_resolves_names_from_stack_outputs_or_falls_back(lab: Lab, stage_stack) -> None:
    ctx = AwsContext(region=REGION)
    fallback = resolve_target(ctx, stage="staging", function="order-api")
    assert (fallback.function, fallback.audit_table) == (naming.function_name("staging"), "staging-version-demo-audit")
    assert not fallback.stack_found and "not found" in fallback.source
    stage_stack("staging", lab, "2")
    target = resolve_target(ctx, stage="staging", function="order-api")
    assert (target.function, target.audit_table, target.stack_version) == (lab.function, lab.table, "2")
    explicit = resolve_target(ctx, stage="staging", function="other", audit_table="t")
    assert (explicit.function, explicit.audit_table) == ("other", "t")


def _stages_copy(tmp_path: Path) -> Path:
    """The project's stages.toml with the Order API alone: a service of one function, whose aliases
    are the stage's (``status --stage`` shows that function's document; --pin writes the stage's block)."""
    copy = tmp_path / "stages.toml"
    shutil.copy(project_root() / "stages.toml", copy)
    return only_order_api(copy)


def test_drift_after_an_emergency_move_and_pin(lab: Lab, stage_stack, run_cli, tmp_path: Path) -> None:
    stages = _stages_copy(tmp_path)
    for extra in ("prod", "dev"):  # the lab's other aliases would be undeclared drift for staging
        lab.lam.delete_alias(FunctionName=lab.function, Name=extra)
    stage_stack("staging", lab, "2")  # stages.toml: staging -> "new", the stack published 2
    clean = run_cli("status", "--stage", "staging", "--stages-file", stages, "--json", "--fail-on-drift")
    assert clean.code == 0, clean.err
    assert clean.json()["drift"] == []

    assert (
        run_cli("rollback", "--stage", "staging", "--function", "order-api", "--alias", "staging", "--to", "1").code
        == 0
    )
    moved = run_cli("status", "--stage", "staging", "--stages-file", stages, "--json", "--fail-on-drift")
    assert moved.code == 1
    (staging,) = [d for d in moved.json()["drift"] if d["alias"] == "staging"]
    assert staging["kind"] == "moved" and staging["toml"] == ["target = 1"] and staging["pinnable"]
    text = run_cli("status", "--stage", "staging", "--stages-file", stages)
    assert "set in alias 'staging': target = 1" in text.out

    before = stages.read_text()
    pinned = run_cli("status", "--stage", "staging", "--stages-file", stages, "--pin")
    assert pinned.code == 0, pinned.err
    assert pinned.out.endswith(f"pinned in {stages}: staging\n")
    after = stages.read_text()
    assert after.replace("target = 1", 'target = "new"', 1) == before  # one line changed, comments kept
    staging_aliases = tomllib.loads(after)["stages"]["staging"]["aliases"]
    assert staging_aliases[0]["target"] == 1 and staging_aliases[0]["rollout"] == "Linear10PercentEvery1Minute"
    again = run_cli("status", "--stage", "staging", "--stages-file", stages, "--json", "--fail-on-drift")
    assert again.code == 0
    nothing = run_cli("status", "--stage", "staging", "--stages-file", stages, "--pin")
    assert nothing.code == 0 and nothing.out.endswith("nothing to pin\n")
    assert stages.read_text() == after


def test_pin_refuses_a_static_weight_beside_a_rollout_and_writes_nothing(
    lab: Lab, stage_stack, run_cli, tmp_path: Path
) -> None:
    stages = _stages_copy(tmp_path)
    stage_stack("staging", lab, "2")
    assert (
        run_cli(
            "canary",
            "--stage",
            "staging",
            "--function",
            "order-api",
            "--alias",
            "staging",
            "--version",
            "1",
            "--weight",
            "0.2",
        ).code
        == 0
    )
    before = stages.read_text()
    result = run_cli("status", "--stage", "staging", "--stages-file", stages, "--pin")
    assert result.code == 2
    assert "cannot pin alias staging" in result.err and "release promote" in result.err
    assert stages.read_text() == before


def _staging_lab(aliases: dict[str, tuple[str, dict[str, float]]]) -> Lab:
    """A function with versions 1 and 2 and exactly ``aliases`` (name -> version, weights)."""
    lab = new_lab()
    lab.publish("v1")
    lab.publish("v2")
    for name, (version, weights) in aliases.items():
        lab.alias(name, version, weights)
    return lab


def _fail_on_drift(run_cli, stages: Path) -> tuple[int, dict[str, str]]:
    result = run_cli("status", "--stage", "staging", "--stages-file", stages, "--json", "--fail-on-drift")
    return result.code, {d["alias"]: d["kind"] for d in result.json()["drift"]}


def test_fail_on_drift_passes_when_live_matches_stages_toml(aws_env: str, stage_stack, run_cli, tmp_path) -> None:
    lab = _staging_lab({"staging": ("2", {})})
    stage_stack("staging", lab, "2")  # stages.toml: staging -> "new" (= the stack's NewVersion, 2)
    assert _fail_on_drift(run_cli, _stages_copy(tmp_path)) == (0, {})


def test_fail_on_drift_fails_on_a_declared_alias_missing_live(aws_env: str, stage_stack, run_cli, tmp_path) -> None:
    lab = _staging_lab({})
    stage_stack("staging", lab, "2")
    assert _fail_on_drift(run_cli, _stages_copy(tmp_path)) == (1, {"staging": "missing"})


def test_fail_on_drift_fails_on_an_undeclared_live_alias(aws_env: str, stage_stack, run_cli, tmp_path) -> None:
    lab = _staging_lab({"staging": ("2", {}), "hotfix": ("1", {})})
    stage_stack("staging", lab, "2")
    assert _fail_on_drift(run_cli, _stages_copy(tmp_path)) == (1, {"hotfix": "undeclared"})
    text = run_cli("status", "--stage", "staging", "--stages-file", _stages_copy(tmp_path), "--fail-on-drift")
    assert text.code == 1 and "hotfix" in text.out and "undeclared" in text.out


def test_fail_on_drift_fails_on_a_version_or_weight_mismatch(aws_env: str, stage_stack, run_cli, tmp_path) -> None:
    stages = _stages_copy(tmp_path)
    other_version = _staging_lab({"staging": ("1", {})})
    stage_stack("staging", other_version, "2")
    assert _fail_on_drift(run_cli, stages) == (1, {"staging": "moved"})


def test_fail_on_drift_fails_on_a_weight_the_stage_does_not_declare(
    aws_env: str, stage_stack, run_cli, tmp_path
) -> None:
    weighted = _staging_lab({"staging": ("2", {"1": 0.1})})
    stage_stack("staging", weighted, "2")  # the right version, plus a route stages.toml does not have
    assert _fail_on_drift(run_cli, _stages_copy(tmp_path)) == (1, {"staging": "moved"})


def test_versions_below_zero_is_refused_before_any_aws_call(run_cli) -> None:
    # No AWS endpoint at all: the refusal comes first, names the flag and the allowed range, exit 2.
    result = run_cli("status", "--function", "any", "--versions", "-1")
    assert result.code == 2 and result.out == ""
    assert result.err == (
        "error: --versions -1: give a count of 0 or more (the newest versions to list; 0 lists none, --json always "
        "lists all)\n"
    )
    as_json = run_cli("status", "--function", "any", "--versions", "-1", "--json")
    assert as_json.code == 2 and "--versions -1" in as_json.json()["error"]["message"]


def test_versions_zero_lists_no_versions(aws_env: str, run_cli) -> None:
    lab = _staging_lab({})
    result = run_cli("status", "--function", lab.function, "--versions", "0")
    assert result.code == 0 and "versions: 2 published\n" in result.out


def _codedeploy_shifting(monkeypatch, appspec: str, application: str) -> None:
    """One live Lambda deployment whose AppSpec is ``appspec`` (moto has no CodeDeploy deployments to list)."""
    from botocore.awsrequest import AWSResponse

    from tests.release_ops.aws_hooks import hook_cli_clients

    def answer(parsed: dict) -> tuple:
        return AWSResponse("https://hooked.invalid", 200, {}, None), parsed

    info = {
        "deploymentId": "d-SHIFT",
        "status": "InProgress",
        "computePlatform": "Lambda",
        "applicationName": application,
        "deploymentGroupName": f"{application}-group",
        "revision": {"revisionType": "AppSpecContent", "appSpecContent": {"content": appspec}},
    }
    hook_cli_clients(
        monkeypatch,
        {
            "before-call.codedeploy.ListDeployments": lambda **_: answer({"deployments": ["d-SHIFT"]}),
            "before-call.codedeploy.BatchGetDeployments": lambda **_: answer({"deploymentsInfo": [info]}),
        },
    )


def test_an_alias_codedeploy_is_shifting_is_listed_and_is_not_drift(
    aws_env: str, stage_stack, run_cli, tmp_path, monkeypatch
) -> None:
    lab = _staging_lab({"staging": ("1", {"2": 0.3})})  # mid-shift from 1 to 2
    stage_stack("staging", lab, "2")
    properties = {"Name": lab.function, "Alias": "staging", "CurrentVersion": "1", "TargetVersion": "2"}
    appspec = json.dumps({"Resources": [{"fn": {"Type": "AWS::Lambda::Function", "Properties": properties}}]})
    _codedeploy_shifting(monkeypatch, appspec, "some-app")
    result = run_cli(
        "status", "--stage", "staging", "--stages-file", _stages_copy(tmp_path), "--json", "--fail-on-drift"
    )
    assert result.code == 0, result.err
    document = result.json()
    assert document["deployments"] == [
        {"id": "d-SHIFT", "status": "InProgress", "alias": "staging", "currentVersion": "1", "targetVersion": "2"}
    ]
    assert (document["driftChecked"], document["drift"]) == (True, [])


def test_a_deployment_named_after_the_stack_counts_even_when_its_appspec_is_unreadable(
    aws_env: str, stage_stack, run_cli, tmp_path, monkeypatch
) -> None:
    lab = _staging_lab({"staging": ("2", {})})
    stack = stage_stack("staging", lab, "2")
    _codedeploy_shifting(monkeypatch, "{ not an appspec", f"{stack}-ServerlessDeploymentApplication")
    result = run_cli("status", "--stage", "staging", "--stages-file", _stages_copy(tmp_path), "--json")
    assert result.code == 0, result.err
    assert [(d["id"], d["alias"]) for d in result.json()["deployments"]] == [("d-SHIFT", "")]
