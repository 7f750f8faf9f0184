"""``release prune``'s own options as a user meets them: its ``--help``, ``--keep`` missing or too small,
the refusal without a stack, what the confirmation asks, the Region it works in, and what the audit
record says about the stage, the tool and the reason."""

from __future__ import annotations

from typing import Any

import pytest

from release_cli.ops.output import human_bytes
from release_cli.version import project_version
from tests.release_ops.aws_hooks import hook_cli_clients
from tests.release_ops.cli_help import help_text
from tests.release_ops.conftest import REGION, Lab, new_lab

OWN_OPTIONS = {
    "--keep KEEP": "keep the newest N versions (at least 1)",
    "--apply": "delete them (without it: print the plan and the exact calls)",
    "--no-stack": "the function has no deployed stack to protect",
    "--reason REASON": "why (stored in the audit record)",
    "--yes": "do not ask for confirmation (needed for prod without a terminal)",
}


def test_prunes_help_shows_its_description_and_what_each_own_option_does(capsys: pytest.CaptureFixture[str]) -> None:
    shown = help_text(capsys, "prune")
    assert shown.startswith("usage: release prune ")
    assert "delete old published versions, keeping the newest N and everything in use" in shown
    for option, text in OWN_OPTIONS.items():
        assert f"{option} {text}" in shown, option
    assert "prune delete old versions no alias or stack uses (a plan unless --apply)" in help_text(capsys)


def test_prune_without_keep_is_a_usage_error_not_a_traceback(lab: Lab, run_cli) -> None:
    result = run_cli("prune", *lab.target_args(), "--no-stack")
    assert result.code == 2
    assert "the following arguments are required: --keep" in result.err
    assert "Traceback" not in result.err and result.out == ""


def test_keep_below_one_says_why_and_deletes_nothing(lab: Lab, run_cli) -> None:
    lab.publish("v3")
    result = run_cli("prune", *lab.target_args(), "--keep", "0", "--no-stack", "--apply", "--yes")
    assert result.code == 2
    assert result.err == "error: --keep must be at least 1 (the newest version is what a deploy points at)\n"
    assert lab.versions() == ["1", "2", "3"]


def test_a_stage_whose_stack_is_not_deployed_is_refused_with_the_way_out(lab: Lab, run_cli) -> None:
    """``--stage`` names a stack that does not exist: the stack-held version cannot be known, so the
    prune stops before reading the stack's resources and says which two options help."""
    result = run_cli("prune", "--stage", "dev", "--function", lab.function, "--audit-table", lab.table, "--keep", "1")
    assert result.code == 2
    assert result.err == (
        f"error: no deployed stack found for {lab.function}, so the version a stack holds cannot be protected: "
        "give --stage S for a deployed stage, or --no-stack if the function has no stack\n"
    )


def _answer(parsed: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """What a before-call hook returns to answer a call successfully with ``parsed``."""
    from botocore.awsrequest import AWSResponse

    return AWSResponse("https://hooked.invalid", 200, {}, None), {**parsed, "ResponseMetadata": {"HTTPStatusCode": 200}}


def test_the_version_the_stage_stacks_resource_holds_is_kept_and_another_functions_is_not(
    aws_env: str, stage_stack, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto's stand-in stack holds no ``AWS::Lambda::Version``; ListStackResources answers as
    CloudFormation would for the real stack: one version of this function, one of another."""
    lab = new_lab()
    for n in range(1, 6):
        lab.publish(f"code {n}")
    lab.alias("prod", "5")
    stage_stack("prod", lab, "5")
    arn = f"arn:aws:lambda:{REGION}:123456789012:function"
    summary = {"ResourceStatus": "CREATE_COMPLETE", "LastUpdatedTimestamp": "2024-01-01T00:00:00Z"}
    resources = [
        {**summary, "LogicalResourceId": "ApiVersionA", "ResourceType": "AWS::Lambda::Version",
         "PhysicalResourceId": f"{arn}:{lab.function}:2"},
        {**summary, "LogicalResourceId": "OtherVersion", "ResourceType": "AWS::Lambda::Version",
         "PhysicalResourceId": f"{arn}:other-{lab.function}:3"},
    ]  # fmt: skip
    hook_cli_clients(
        monkeypatch,
        {"before-call.cloudformation.ListStackResources": lambda **_: _answer({"StackResourceSummaries": resources})},
    )
    result = run_cli("prune", "--stage", "prod", "--function", "order-api", "--keep", "1", "--json")
    assert result.code == 0, result.err
    plan = result.json()
    assert {k["version"]: k["reasons"] for k in plan["kept"]} == {
        "2": ["stack version-demo-prod (ApiVersionA)"],
        "5": ["newest 1", "alias prod", "stack version-demo-prod (NewVersion output)"],
    }
    assert [v["version"] for v in plan["delete"]] == ["1", "3", "4"]


def test_the_record_names_the_stage_the_tool_version_and_an_empty_reason(aws_env: str, stage_stack, run_cli) -> None:
    lab = new_lab()
    for n in range(1, 4):
        lab.publish(f"code {n}")
    lab.alias("prod", "3")
    stage_stack("prod", lab, "3")
    result = run_cli("prune", "--stage", "prod", "--function", "order-api", "--keep", "1", "--apply", "--yes", "--json")
    assert result.code == 0, result.err
    audit = result.json()["audit"]
    assert (audit["stage"], audit["toolVersion"], audit["reason"]) == ("prod", project_version(), "")
    (item,) = lab.audit_items()
    assert item["stage"] == {"S": "prod"} and item["toolVersion"] == {"S": project_version()}
    assert "reason" not in item  # no --reason: nothing stored, not "None"


def test_a_prune_by_function_alone_records_no_stage(lab: Lab, run_cli) -> None:
    lab.publish("v3")
    lab.publish("v4")
    result = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply", "--yes", "--json")
    assert result.code == 0, result.err
    assert result.json()["audit"]["stage"] == ""
    (item,) = lab.audit_items()
    assert "stage" not in item


def test_on_prod_without_a_terminal_the_refusal_names_what_would_go_and_how_much(
    aws_env: str, stage_stack, run_cli
) -> None:
    lab = new_lab()
    for n in range(1, 5):
        lab.publish(f"code {n}")
    lab.alias("prod", "4")
    stage_stack("prod", lab, "4")
    target = ("--stage", "prod", "--function", "order-api", "--keep", "1")
    freed = run_cli("prune", *target, "--json").json()["bytesFreed"]
    result = run_cli("prune", *target, "--apply")
    assert result.code == 1
    assert result.err == (
        f"error: prune: delete 3 version(s) of {lab.function} ({human_bytes(freed)}): a change to production "
        "needs --yes when there is no terminal to ask (stage prod is a production stage (stages.toml: "
        "production = true)); nothing changed\n"
    )
    assert lab.versions() == ["1", "2", "3", "4"]


def test_prune_works_in_the_region_given_with_region(lab: Lab, run_cli) -> None:
    """The function lives in the lab's Region; ``--region`` elsewhere finds no such function there."""
    other = "eu-west-1" if REGION != "eu-west-1" else "us-west-2"
    result = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--region", other)
    assert result.code == 2
    assert "ResourceNotFoundException" in result.err and lab.function in result.err


def test_a_plan_that_keeps_none_by_count_keeps_only_what_is_in_use() -> None:
    """``keep=0`` (the command refuses it; the planner's own contract): no version is "newest", so every
    version no alias or stack holds goes; a slice ``[-0:]`` would have kept them all."""
    from release_cli.ops.lambda_reads import AliasState, Version
    from release_cli.ops.prune_plan import plan_prune

    versions = [Version(number=n, description="", code_sha256="", code_size=1, last_modified="") for n in "123"]
    aliases = [AliasState(name="prod", version="2", weights={})]
    plan = plan_prune(versions, aliases, keep=0, stack_versions={"3": "stack s (NewVersion output)"})
    assert [v.number for v in plan.delete] == ["1"]
    assert plan.kept == {"2": ["alias prod"], "3": ["stack s (NewVersion output)"]}
