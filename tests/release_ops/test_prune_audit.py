"""prune and audit against moto: real DeleteFunction calls and the audit table.

moto lets a version an alias points to be deleted (AWS refuses: FACTS), so the tests prove the CLI
never asks: aliased, routed and stack-held versions survive every prune.
"""

from __future__ import annotations

from tests.release_ops.conftest import Lab, new_lab


def _eight(stage_stack) -> Lab:
    lab = new_lab()
    for n in range(1, 9):
        lab.publish(f"code {n}", description=f"v1.{n}.0")
    lab.alias("prod", "3", {"4": 0.1})
    lab.alias("staging", "6")
    stage_stack("prod", lab, "5")  # the stack's AWS::Lambda::Version holds 5
    return lab


def test_prune_is_a_dry_run_unless_apply(aws_env: str, stage_stack, run_cli) -> None:
    lab = _eight(stage_stack)
    result = run_cli("prune", "--stage", "prod", "--keep", "2", "--json")
    assert result.code == 0, result.err
    plan = result.json()
    assert [v["version"] for v in plan["delete"]] == ["1", "2"]
    kept = {k["version"]: k["reasons"] for k in plan["kept"]}
    assert kept["3"] == ["alias prod"] and kept["4"] == ["alias prod"] and kept["6"] == ["alias staging"]
    assert kept["5"] == ["stack version-demo-prod (NewVersion output)"] and kept["8"] == ["newest"]
    assert plan["bytesFreed"] > 0 and not plan["applied"]
    assert [c["request"]["Qualifier"] for c in plan["calls"]] == ["1", "2"]
    assert lab.versions() == [str(n) for n in range(1, 9)]
    assert lab.audit_items() == []


def test_prune_apply_deletes_only_unused_old_versions_and_audits(aws_env: str, stage_stack, run_cli) -> None:
    lab = _eight(stage_stack)
    result = run_cli("prune", "--stage", "prod", "--keep", "1", "--apply", "--yes", "--reason", "quota")
    assert result.code == 0, result.err
    assert "deleted 3 version(s)" in result.out
    assert lab.versions() == ["3", "4", "5", "6", "8"]
    assert lab.state("prod") == ("3", {"4": 0.1})
    trail = run_cli("audit", "--stage", "prod", "--prunes", "--json").json()
    assert len(trail) == 1
    assert trail[0]["deletedVersions"] == ["1", "2", "7"] and trail[0]["bytesFreed"] > 0
    assert trail[0]["reason"] == "quota" and trail[0]["action"] == "prune"


def test_prune_on_prod_without_a_terminal_needs_yes(aws_env: str, stage_stack, run_cli) -> None:
    lab = _eight(stage_stack)
    result = run_cli("prune", "--stage", "prod", "--keep", "1", "--apply")
    assert result.code == 1 and "--yes" in result.err
    assert len(lab.versions()) == 8


def test_prune_without_a_stack_needs_no_stack(lab: Lab, run_cli) -> None:
    result = run_cli("prune", *lab.target_args(), "--keep", "1")
    assert result.code == 2 and "--no-stack" in result.err
    ok = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply", "--json")
    assert ok.code == 0, ok.err
    assert ok.json()["delete"] == []  # 1 is prod's, 2 is the newest (and staging's)
    assert run_cli("prune", *lab.target_args(), "--keep", "0", "--no-stack").code == 2


def test_prune_dry_run_prints_the_deletes_and_the_audit_record_it_would_write(lab: Lab, run_cli) -> None:
    lab.publish("v3")
    lab.publish("v4")
    result = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply", "--dry-run", "--json")
    assert result.code == 0, result.err
    calls = result.json()["calls"]
    assert [c["call"] for c in calls] == ["lambda.DeleteFunction", "dynamodb.PutItem"]
    assert calls[0]["request"] == {"FunctionName": lab.function, "Qualifier": "3"}  # 1, 2 aliased; 4 newest
    item = calls[1]["request"]["Item"]
    assert item["PK"]["S"] == f"RELEASE#{lab.function}#VERSIONS" and item["deletedVersions"]["L"] == [{"S": "3"}]
    assert len(lab.versions()) == 4 and lab.audit_items() == []
