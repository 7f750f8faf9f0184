"""prune and audit against moto: real DeleteFunction calls and the audit table.

moto lets a version an alias points to be deleted (AWS refuses: FACTS), so the tests prove the CLI
never asks: aliased, routed and stack-held versions survive every prune.
"""

from __future__ import annotations

import json

from tests.release_ops.conftest import Lab, new_lab


def _eight(stage_stack) -> Lab:
    lab = new_lab()
    for n in range(1, 9):
        lab.publish(f"code {n}", description=f"v1.{n}.0")
    lab.alias("prod", "3", {"4": 0.1})
    lab.alias("staging", "6")
    stage_stack("prod", lab, "5")  # the stack's AWS::Lambda::Version holds 5
    return lab


def test_prune_is_a_plan_unless_apply(aws_env: str, stage_stack, run_cli) -> None:
    lab = _eight(stage_stack)
    result = run_cli("prune", "--stage", "prod", "--function", "order-api", "--keep", "2", "--json")
    assert result.code == 0, result.err
    plan = result.json()
    assert [v["version"] for v in plan["delete"]] == ["1", "2"]
    kept = {k["version"]: k["reasons"] for k in plan["kept"]}
    assert kept["3"] == ["alias prod"] and kept["4"] == ["alias prod"] and kept["6"] == ["alias staging"]
    assert kept["5"] == ["stack version-demo-prod (NewVersion output)"]
    assert kept["7"] == ["newest 2"] and kept["8"] == ["newest 2"]  # the newest N are listed too
    assert sorted([*kept, *(v["version"] for v in plan["delete"])], key=int) == lab.versions()
    assert plan["bytesFreed"] > 0 and not plan["applied"] and plan["audit"] is None
    assert [c["call"] for c in plan["calls"]] == ["lambda.DeleteFunction", "lambda.DeleteFunction", "dynamodb.PutItem"]
    assert [c["request"].get("Qualifier") for c in plan["calls"][:2]] == ["1", "2"]
    assert lab.versions() == [str(n) for n in range(1, 9)]
    assert lab.audit_items() == []


def test_prune_apply_deletes_only_unused_old_versions_and_audits(aws_env: str, stage_stack, run_cli) -> None:
    lab = _eight(stage_stack)
    result = run_cli(
        "prune", "--stage", "prod", "--function", "order-api", "--keep", "1", "--apply", "--yes", "--reason", "quota"
    )
    assert result.code == 0, result.err
    assert "deleted 3 version(s)" in result.out
    assert lab.versions() == ["3", "4", "5", "6", "8"]
    assert lab.state("prod") == ("3", {"4": 0.1})
    trail = run_cli("audit", "--stage", "prod", "--function", "order-api", "--prunes", "--json").json()
    assert len(trail) == 1
    assert trail[0]["deletedVersions"] == ["1", "2", "7"] and trail[0]["bytesFreed"] > 0
    assert trail[0]["reason"] == "quota" and trail[0]["action"] == "prune"


def test_prune_on_prod_without_a_terminal_needs_yes(aws_env: str, stage_stack, run_cli) -> None:
    lab = _eight(stage_stack)
    result = run_cli("prune", "--stage", "prod", "--function", "order-api", "--keep", "1", "--apply")
    assert result.code == 1 and "--yes" in result.err
    assert len(lab.versions()) == 8


def test_prune_without_a_stack_needs_no_stack(lab: Lab, run_cli) -> None:
    result = run_cli("prune", *lab.target_args(), "--keep", "1")
    assert result.code == 2 and "--no-stack" in result.err
    ok = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply", "--json")
    assert ok.code == 0, ok.err
    assert ok.json()["delete"] == []  # 1 is prod's, 2 is the newest (and staging's)
    assert run_cli("prune", *lab.target_args(), "--keep", "0", "--no-stack").code == 2


def test_prune_plan_prints_the_deletes_and_the_audit_record_it_would_write(lab: Lab, run_cli) -> None:
    lab.publish("v3")
    lab.publish("v4")
    result = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--json")
    assert result.code == 0, result.err
    calls = result.json()["calls"]
    assert [c["call"] for c in calls] == ["lambda.DeleteFunction", "dynamodb.PutItem"]
    assert calls[0]["request"] == {"FunctionName": lab.function, "Qualifier": "3"}  # 1, 2 aliased; 4 newest
    item = calls[1]["request"]["Item"]
    assert item["PK"]["S"] == f"RELEASE#{lab.function}#VERSIONS" and item["deletedVersions"]["L"] == [{"S": "3"}]
    assert len(lab.versions()) == 4 and lab.audit_items() == []
    text = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack")
    assert "lambda.DeleteFunction" in text.out and "dynamodb.PutItem" in text.out
    rows = [line.split(None, 1) for line in text.out.split("kept:")[1].split("\n\n")[0].splitlines()[2:]]
    assert rows == [["1", "alias prod"], ["2", "alias staging"], ["4", "newest 1"]]  # every kept version


def test_prune_has_one_switch_and_dry_run_is_rejected(lab: Lab, run_cli) -> None:
    """--apply or a plan: --dry-run is gone, and argparse refuses it (exit 2) before anything runs."""

    lab.publish("v3")
    lab.publish("v4")
    refused = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply", "--dry-run")
    assert refused.code == 2
    assert "unrecognized arguments: --dry-run" in refused.err
    assert len(lab.versions()) == 4 and lab.audit_items() == []


def test_prune_re_reads_aliases_and_skips_a_version_that_became_aliased(lab: Lab, run_cli, monkeypatch) -> None:
    """Between the plan and the deletes an alias takes version 3 (the race is driven by running
    CreateAlias right after the plan step): the re-read before deleting sees it, 3 stays, is reported
    as skipped, and the audit record lists only what was deleted. moto would delete an aliased
    version (FACTS), so only the re-read saves it here."""
    from release_cli.commands import prune

    for n in (3, 4, 5):
        lab.publish(f"v{n}")
    planned = prune.plan_prune

    def plan_then_race(*args, **kwargs):
        plan = planned(*args, **kwargs)
        lab.alias("late", "3")
        return plan

    monkeypatch.setattr(prune, "plan_prune", plan_then_race)
    result = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply", "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert report["deleted"] == ["4"] and report["skipped"] == ["3: an alias points to it now"]
    assert "3" in lab.versions() and "4" not in lab.versions()
    (item,) = lab.audit_items()
    assert item["deletedVersions"]["L"] == [{"S": "4"}]


def test_a_plan_of_two_batches_lists_each_batch_then_the_record_so_far(lab: Lab, run_cli) -> None:
    """Twelve versions to delete: ten DeleteFunctions, the record's PutItem listing those ten, two more,
    then the same record listing all twelve; the text plan prints each call's request as the --json
    plan holds it, one canonical (sorted-key) JSON line per call."""
    for n in range(3, 16):
        lab.publish(f"v{n}")  # 1, 2 aliased, 15 the newest: 3..14 go
    plan = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--json")
    assert plan.code == 0, plan.err
    calls = plan.json()["calls"]
    names = [c["call"] for c in calls]
    assert names == ["lambda.DeleteFunction"] * 10 + ["dynamodb.PutItem"] + ["lambda.DeleteFunction"] * 2 + [
        "dynamodb.PutItem"
    ]
    deletes = [c["request"] for c in calls if c["call"] == "lambda.DeleteFunction"]
    assert deletes == [{"FunctionName": lab.function, "Qualifier": str(n)} for n in range(3, 15)]
    first, second = (c["request"] for c in calls if c["call"] == "dynamodb.PutItem")
    listed = [[v["S"] for v in put["Item"]["deletedVersions"]["L"]] for put in (first, second)]
    assert listed == [[str(n) for n in range(3, 13)], [str(n) for n in range(3, 15)]]
    for put in (first, second):  # the same record, created or replaced, never another one
        assert put["TableName"] == lab.table
        assert put["ConditionExpression"] == "attribute_not_exists(PK) OR recordId = :id"
        assert put["ExpressionAttributeValues"] == {":id": put["Item"]["recordId"]}
    assert first["Item"]["SK"] == second["Item"]["SK"]

    text = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack")
    assert text.code == 0, text.err
    block = text.out.split("plan: with --apply these calls would be made, in this order (nothing was changed):\n")[1]
    lines = block.split("\n\n")[0].splitlines()
    assert [line.strip() for line in lines[0::2]] == names
    printed = [json.loads(line) for line in lines[1::2]]
    assert all(line == "    " + json.dumps(json.loads(line), sort_keys=True) for line in lines[1::2])
    assert [p for p in printed if "Qualifier" in p] == deletes
    assert [p["Item"]["deletedVersions"] for p in printed if "Item" in p] == [
        put["Item"]["deletedVersions"] for put in (first, second)
    ]
    assert text.out.rstrip().endswith("nothing was deleted; add --apply to delete these")
    assert len(lab.versions()) == 15 and lab.audit_items() == []
