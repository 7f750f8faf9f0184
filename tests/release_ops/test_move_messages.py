"""Each refusal of a move says, in full, what was refused, why and what to do next, and leaves the alias
and the audit table as they were. Against moto, with botocore's Stubber where moto cannot answer
(a second live deployment, an AppSpec it cannot read).

Found by mutation testing (bench/mutation_score.py moves): the other tests pin a word or two of each
message, so the rest of it (the next step, the numbers, the reason) could change unnoticed.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from release_cli.ops import lambda_reads
from release_cli.ops.alias_move import MoveOptions, move_alias
from release_cli.ops.clients import AwsContext
from release_cli.ops.errors import RefusedError
from release_cli.ops.lambda_reads import AliasState, Version
from release_cli.ops.route_rules import Route, check_route
from release_cli.ops.target import Target
from tests.release_ops.aws_hooks import aws_error, hook_cli_clients
from tests.release_ops.conftest import REGION, Lab

PROD_BY_ALIAS = "alias prod is named after production stage prod's alias"
NEEDS_BOTH = "a canary needs both --version V and --weight W (e.g. --version 2 --weight 0.1)"


def _refused(lab: Lab, run_cli, alias: str, *args: str) -> str:
    before = lab.state(alias)
    result = run_cli(*args[:1], *lab.target_args(), "--alias", alias, *args[1:])
    assert result.code == 1, result.out + result.err
    assert lab.state(alias) == before and lab.audit_items() == []
    return result.err


def test_production_on_latest_is_refused_with_the_reason_and_the_way_out(lab: Lab, run_cli) -> None:
    err = _refused(lab, run_cli, "prod", "promote", "--to", "$LATEST", "--yes")
    assert (
        f"alias prod: production never runs $LATEST ({PROD_BY_ALIAS}): $LATEST is unpublished code that any "
        "update changes, with nothing to roll back to. Publish a version and give its number (release status "
        "lists them); nothing was changed"
    ) in err


def test_an_unpublished_version_is_refused_naming_the_newest(lab: Lab, run_cli) -> None:
    err = _refused(lab, run_cli, "staging", "canary", "--version", "9", "--weight", "0.1")
    assert (
        "alias staging: version 9 is not a published version (newest: 2); release status lists them; "
        "nothing was changed"
    ) in err
    fresh = _refused_on_a_function_with_no_versions(lab, run_cli)
    assert "version 1 is not a published version (newest: none)" in fresh


def _refused_on_a_function_with_no_versions(lab: Lab, run_cli) -> str:
    from tests.release_ops.conftest import new_lab

    empty = new_lab("empty")
    empty.alias("dev", "$LATEST")
    result = run_cli("promote", *empty.target_args(), "--alias", "dev", "--to", "1")
    assert result.code == 1, result.err
    assert empty.state("dev") == ("$LATEST", {})
    return result.err


def test_a_route_to_its_own_primary_is_refused_naming_the_rule(lab: Lab, run_cli) -> None:
    err = _refused(lab, run_cli, "staging", "canary", "--version", "2", "--weight", "0.1")
    assert "alias staging: " in err and "must differ" in err and err.rstrip().endswith("nothing was changed")


def test_versions_on_different_roles_or_dead_letter_targets_cannot_share_a_route(lab: Lab, run_cli) -> None:
    other = lab.clients["iam"].create_role(RoleName=f"other-{lab.function}", AssumeRolePolicyDocument="{}")["Role"]
    three = lab.publish("v3", role=other["Arn"])
    err = _refused(lab, run_cli, "staging", "canary", "--version", three, "--weight", "0.1")
    assert (
        f"alias staging: versions 2 and {three} have different execution roles (Lambda routes only between "
        "versions on the same role); nothing was changed"
    ) in err


def _version(number: str, *, role: str = "r", dead_letter: str = "") -> Version:
    return Version(number=number, description="", code_sha256=f"sha{number}", code_size=1, last_modified="",
                   role=role, dead_letter_target=dead_letter)  # fmt: skip


def test_rules_only_the_live_versions_can_answer() -> None:
    """Lambda refuses a route between versions with different dead-letter targets, and takes one extra
    version at most (moto enforces neither: FACTS)."""
    queue = "arn:aws:sqs:us-east-1:123456789012:dlq"
    versions = [_version("1"), _version("2", dead_letter=queue), _version("3")]
    with pytest.raises(RefusedError) as dead_letter:
        check_route("live", Route("1", {"2": 0.1}), versions)
    assert str(dead_letter.value) == (
        "alias live: versions 1 and 2 have different dead-letter configs (Lambda routes only between versions "
        "with the same one); nothing was changed"
    )
    check_route("live", Route("1", {"3": 0.1}), versions)  # same role, same (no) dead-letter target
    with pytest.raises(RefusedError) as two_extra:
        check_route("live", Route("1", {"2": 0.1, "3": 0.1}), versions)
    assert str(two_extra.value) == "alias live: a weighted route names at most one extra version, got ['2', '3']"


def test_a_live_weight_at_the_storable_limit_or_zero_still_moves(lab: Lab, run_cli) -> None:
    """DynamoDB stores numbers down to 1E-130 (and 0): only a non-zero weight below that is refused."""
    for weight in (1e-130, 0.0):
        lab.lam.update_alias(FunctionName=lab.function, Name="staging", FunctionVersion="2",
                             RoutingConfig={"AdditionalVersionWeights": {"1": weight}})  # fmt: skip
        result = run_cli("promote", *lab.target_args(), "--alias", "staging", "--to", "1")
        assert result.code == 0, result.err
        assert lab.state("staging") == ("1", {})
    assert len(lab.audit_items()) == 2


def test_an_unstorable_live_weight_is_refused_with_what_to_do(lab: Lab, run_cli) -> None:
    lab.lam.update_alias(
        FunctionName=lab.function, Name="staging", RoutingConfig={"AdditionalVersionWeights": {"1": 1e-300}}
    )
    err = _refused(lab, run_cli, "staging", "promote", "--to", "1")
    assert (
        "alias staging: its live route gives version 1 a weight of 1e-300, which no audit record can store "
        "(DynamoDB numbers stop at 1e-130); it was set outside release. Set a weight with at most 4 decimal "
        "places in the console or the aws CLI (and say why in your change log), then run again; nothing was changed"
    ) in " ".join(err.split())


def test_a_production_move_without_a_terminal_says_what_needs_yes(lab: Lab, run_cli) -> None:
    err = _refused(lab, run_cli, "prod", "promote", "--to", "2")
    assert (
        f"promote: alias prod of {lab.function}: 1 -> 2: a change to production needs --yes when there is no "
        f"terminal to ask ({PROD_BY_ALIAS}); nothing changed"
    ) in err


@pytest.mark.parametrize(
    "move",
    [
        ["canary", "--version", "2", "--weight", "0.1"],
        ["promote", "--to", "2"],
        ["rollback", "--to", "2"],
    ],
)
def test_every_move_of_an_alias_a_production_stage_declares_asks_first(lab: Lab, run_cli, move: list[str]) -> None:
    """With --function alone, the alias's name is one of the production signs, for each move command."""
    err = _refused(lab, run_cli, "prod", *move)
    assert "a change to production needs --yes" in err and PROD_BY_ALIAS in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["canary", "--version", "1", "--weight", "0.1", "--clear"], "give either --version V --weight W, or --clear"),
        (["canary", "--weight", "0.1", "--clear"], "give either --version V --weight W, or --clear"),
        (["canary"], "give either --version V --weight W, or --clear"),
        (["canary", "--version", "1"], NEEDS_BOTH),
        (["canary", "--weight", "0.1"], NEEDS_BOTH),
        (["promote", "--to", "1", "--from-alias", "prod"], "give --to V or --from-alias A, not both"),
        (["promote", "--from-stage", "dev"], "--from-stage names the stage of --from-alias; give --from-alias too"),
        (["promote", "--to", "x1"], "--to 'x1': give a published version number (release status lists them)"),
        (["rollback", "--to", "0"], "--to '0': give a published version number (release status lists them)"),
        (["canary", "--version", "1", "--weight", "abc"], "--weight abc: must be a number, got 'abc'"),
        (["promote"],
         "alias staging has no canary to promote (it points at 2 alone); give --to V or --from-alias A"),
    ],
)  # fmt: skip
def test_flags_that_do_not_make_a_move_are_bad_input(lab: Lab, run_cli, args: list[str], says: str) -> None:
    result = run_cli(args[0], *lab.target_args(), "--alias", "staging", *args[1:])
    assert result.code == 2, result.out + result.err
    assert f"error: {says}" in result.err
    assert lab.state("staging") == ("2", {}) and lab.audit_items() == []


def test_a_version_typed_with_leading_zeros_is_the_published_version(lab: Lab, run_cli) -> None:
    result = run_cli("canary", *lab.target_args(), "--alias", "staging", "--version", "01", "--weight", "0.1")
    assert result.code == 0, result.err
    assert lab.state("staging") == ("2", {"1": 0.1})
    assert lab.audit_items()[0]["toWeights"]["M"] == {"1": {"N": "0.1"}}


def test_rollback_refusals_say_where_the_alias_is_and_what_to_do(lab: Lab, run_cli) -> None:
    assert run_cli("promote", *lab.target_args(), "--alias", "staging", "--to", "1").code == 0
    lab.lam.update_alias(FunctionName=lab.function, Name="staging", FunctionVersion="2")  # a deploy moved it
    moved = run_cli("rollback", *lab.target_args(), "--alias", "staging")
    assert moved.code == 1
    (record,) = run_cli("audit", *lab.target_args(), "--alias", "staging", "--json").json()
    assert (
        f"alias staging is at 2, but its last recorded move ({record['at']}, promote) left it at 1: it was moved "
        "outside release since (a deploy?). Nothing was changed; give the version with --to V"
    ) in " ".join(moved.err.split())
    nothing = run_cli("rollback", *lab.target_args(), "--alias", "prod")
    assert nothing.code == 2
    assert f"no recorded move of alias prod in {lab.table}: give the version with --to V" in nothing.err


def test_a_move_with_no_change_reports_changed_false_and_no_audit(lab: Lab, run_cli) -> None:
    result = run_cli("promote", *lab.target_args(), "--alias", "staging", "--to", "2", "--json")
    assert result.code == 0, result.err
    document = result.json()
    assert document["changed"] is False and document["dryRun"] is False
    assert document["audit"] is None and document["calls"] == []


def test_a_moves_record_names_the_stage_it_was_made_on(lab: Lab, stage_stack, run_cli) -> None:
    stage_stack("dev", lab, "2")
    assert run_cli("promote", "--stage", "dev", "--function", "order-api", "--alias", "staging", "--to", "1").code == 0
    assert run_cli("promote", *lab.target_args(), "--alias", "dev", "--to", "1").code == 0
    stages = {item["alias"]["S"]: item.get("stage", {}).get("S") for item in lab.audit_items()}
    assert stages == {"staging": "dev", "dev": None}  # --function alone: no stage to name


def test_an_update_alias_that_fails_names_the_alias(lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    hook_cli_clients(monkeypatch, {
        "before-call.lambda.UpdateAlias": lambda **_: aws_error("AccessDeniedException", "no UpdateAlias", 403),
    })  # fmt: skip
    result = run_cli("promote", *lab.target_args(), "--alias", "staging", "--to", "1")
    assert result.code == 2
    assert "updating alias staging: AccessDeniedException: no UpdateAlias" in result.err
    assert lab.state("staging") == ("2", {}) and lab.audit_items() == []


def _codedeploy_with(*infos: dict[str, Any]) -> tuple[AwsContext, Stubber]:
    ctx = AwsContext(region=REGION)
    client = boto3.client("codedeploy", region_name=REGION)
    stub = Stubber(client)
    ids = [i["deploymentId"] for i in infos]
    stub.add_response("list_deployments", {"deployments": ids}, {"includeOnlyStatuses": ANY})
    stub.add_response("batch_get_deployments", {"deploymentsInfo": list(infos)}, {"deploymentIds": ids})
    ctx.use("codedeploy", client)
    return ctx, stub


def _deployment(deployment_id: str, status: str, content: str, application: str = "app") -> dict[str, Any]:
    return {"deploymentId": deployment_id, "status": status, "computePlatform": "Lambda",
            "applicationName": application, "deploymentGroupName": "group",
            "revision": {"revisionType": "AppSpecContent", "appSpecContent": {"content": content}}}  # fmt: skip


def _appspec(function: str, alias: str) -> str:
    return json.dumps({"version": 0.0, "Resources": [{"fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "Name": function, "Alias": alias, "CurrentVersion": "1", "TargetVersion": "2"}}}]})  # fmt: skip


def _no_confirm(*_: Any, **__: Any) -> None:
    return None


def test_a_refusal_lists_every_deployment_shifting_the_alias_including_one_known_by_its_stack(lab: Lab) -> None:
    ctx, stub = _codedeploy_with(
        _deployment("d-A", "InProgress", _appspec(lab.function, "prod")),
        _deployment("d-B", "Ready", "{unreadable", application="version-demo-prod-RolloutApp"),
    )
    target = Target(function=lab.function, audit_table=lab.table, stack_name="version-demo-prod")
    before = lambda_reads.get_alias(ctx, lab.function, "prod")
    with stub, pytest.raises(RefusedError) as refused:
        move_alias(ctx, target, before=before, route=Route("2"), action="promote", options=MoveOptions(),
                   ask=_no_confirm)  # fmt: skip
    assert str(refused.value) == (
        "alias prod is being shifted by CodeDeploy deployment d-A (InProgress), d-B (Ready); nothing was "
        "changed. Wait for it to end, or stop it: aws deploy stop-deployment --deployment-id d-A "
        "--auto-rollback-enabled, or add --stop-deployment"
    )
    assert lab.state("prod") == ("1", {}) and lab.audit_items() == []


def test_a_dry_run_with_stop_deployment_plans_the_stop_and_stops_nothing(lab: Lab) -> None:
    ctx, stub = _codedeploy_with(_deployment("d-PLAN", "InProgress", _appspec(lab.function, "prod")))
    target = Target(function=lab.function, audit_table=lab.table)
    before = lambda_reads.get_alias(ctx, lab.function, "prod")
    with stub:
        result = move_alias(ctx, target, before=before, route=Route("2"), action="promote",
                            options=MoveOptions(dry_run=True, stop_deployment=True), ask=_no_confirm)  # fmt: skip
        stub.assert_no_pending_responses()  # no StopDeployment was sent
    assert result.calls[0] == {
        "call": "codedeploy.StopDeployment",
        "request": {"deploymentId": "d-PLAN", "autoRollbackEnabled": True},
    }
    assert [c["call"] for c in result.calls[1:]] == ["lambda.UpdateAlias", "dynamodb.PutItem"]
    assert result.stopped_deployments == [] and not result.changed
    assert lab.state("prod") == ("1", {}) and lab.audit_items() == []


def _alias_response(function: str, alias: str, version: str, revision: str) -> dict[str, Any]:
    return {"AliasArn": f"arn:aws:lambda:{REGION}:123456789012:function:{function}:{alias}", "Name": alias,
            "FunctionVersion": version, "RevisionId": revision}  # fmt: skip


def test_a_deployment_stopped_after_its_last_shift_is_recorded_from_where_its_rollback_left_the_alias(
    lab: Lab,
) -> None:
    """Stopped in its last hook, CodeDeploy had already moved the alias to 2; its rollback puts it back on 1,
    and the record says the move went from 1 (what the alias ran when release moved it), not from 2."""
    ctx, deploy_stub = _codedeploy_with(_deployment("d-LATE", "InProgress", _appspec(lab.function, "prod")))
    deploy_stub.add_response("stop_deployment", {"status": "Pending"},
                             {"deploymentId": "d-LATE", "autoRollbackEnabled": True})  # fmt: skip
    deploy_stub.add_response("get_deployment", {"deploymentInfo": {"deploymentId": "d-LATE", "status": "Stopped"}},
                             {"deploymentId": "d-LATE"})  # fmt: skip
    lam = boto3.client("lambda", region_name=REGION)
    lambda_stub = Stubber(lam)
    lambda_stub.add_response("get_alias", _alias_response(lab.function, "prod", "1", "rev-rolled-back"),
                             {"FunctionName": lab.function, "Name": "prod"})  # fmt: skip
    update = {"FunctionName": lab.function, "Name": "prod", "FunctionVersion": "3",
              "RoutingConfig": {"AdditionalVersionWeights": {}}, "RevisionId": "rev-rolled-back"}  # fmt: skip
    lambda_stub.add_response("update_alias", _alias_response(lab.function, "prod", "3", "rev-moved"), update)
    ctx.use("lambda", lam)
    before = AliasState(name="prod", version="2", weights={}, revision_id="rev-shifted")
    versions = [Version(number=n, description="", code_sha256=n, code_size=1, last_modified="", role="r")
                for n in ("1", "2", "3")]  # fmt: skip
    with deploy_stub, lambda_stub:
        result = move_alias(ctx, Target(function=lab.function, audit_table=lab.table), before=before,
                            route=Route("3"), action="promote", options=MoveOptions(stop_deployment=True),
                            versions=versions, ask=_no_confirm)  # fmt: skip
    assert result.stopped_deployments == ["d-LATE: Stopped"]
    (item,) = lab.audit_items()
    assert item["fromVersion"]["S"] == "1" and item["toVersion"]["S"] == "3"
    assert item["revisionBefore"]["S"] == "rev-rolled-back"


@pytest.mark.parametrize("move", [["canary", "--clear"], ["promote", "--to", "1"], ["rollback", "--to", "1"]])
def test_every_move_uses_the_profile_it_is_given(lab: Lab, run_cli, move: list[str]) -> None:
    result = run_cli(move[0], *lab.target_args(), "--alias", "staging", *move[1:], "--profile", "no-such-profile")
    assert result.code == 2
    assert "no-such-profile" in result.err and "credentials" in result.err
    assert lab.state("staging") == ("2", {})
