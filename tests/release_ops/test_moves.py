"""canary, promote and rollback against moto: real UpdateAlias calls and a real audit table.

moto enforces none of Lambda's alias rules (FACTS: weight range, $LATEST in routes, unknown
versions): the CLI checks them itself, and each refusal is shown to leave the alias and the audit
table exactly as they were.
"""

from __future__ import annotations

import pytest

from tests.release_ops.conftest import Lab


def test_canary_sets_route_and_writes_one_audit_record(lab: Lab, run_cli) -> None:
    result = run_cli("canary", *lab.target_args(), "--alias", "staging", "--version", "1", "--weight", "0.1",
                     "--reason", "try 1 again", "--json")  # fmt: skip
    assert result.code == 0, result.err
    assert lab.state("staging") == ("2", {"1": 0.1})
    items = lab.audit_items()
    assert len(items) == 1
    item = items[0]
    assert item["PK"]["S"] == f"RELEASE#{lab.function}#ALIAS#staging"
    assert item["SK"]["S"].startswith("MOVE#")
    assert item["who"]["S"].startswith("arn:aws:")  # STS GetCallerIdentity's ARN
    assert item["fromVersion"]["S"] == "2" and item["toVersion"]["S"] == "2"
    assert item["toWeights"]["M"] == {"1": {"N": "0.1"}}
    assert item["reason"]["S"] == "try 1 again"
    assert "toolVersion" in item and "expiresAt" not in item  # never expired by the table's TTL
    assert result.json()["audit"]["recordId"] in item["SK"]["S"]


def test_canary_clear_removes_the_route(lab: Lab, run_cli) -> None:
    lab.lam.update_alias(
        FunctionName=lab.function, Name="staging", RoutingConfig={"AdditionalVersionWeights": {"1": 0.2}}
    )
    result = run_cli("canary", *lab.target_args(), "--alias", "staging", "--clear")
    assert result.code == 0, result.err
    assert lab.state("staging") == ("2", {})
    assert lab.audit_items()[0]["action"]["S"] == "canary-clear"


@pytest.mark.parametrize(
    ("alias", "args", "says"),
    [
        ("staging", ["--version", "$LATEST", "--weight", "0.1"], "never $LATEST"),
        ("staging", ["--version", "2", "--weight", "0.1"], "must differ"),
        ("staging", ["--version", "9", "--weight", "0.1"], "not a published version"),
        ("dev", ["--version", "1", "--weight", "0.1"], "never $LATEST"),  # primary is $LATEST
    ],
)
def test_refused_canary_changes_nothing(lab: Lab, run_cli, alias: str, args: list[str], says: str) -> None:
    before = lab.state(alias)
    result = run_cli("canary", *lab.target_args(), "--alias", alias, *args)
    assert result.code == 1, result.out + result.err
    assert says in result.err
    assert lab.state(alias) == before
    assert lab.audit_items() == []


def test_route_between_versions_on_different_roles_is_refused(lab: Lab, run_cli) -> None:
    other = lab.clients["iam"].create_role(RoleName=f"other-{lab.function}", AssumeRolePolicyDocument="{}")["Role"]
    three = lab.publish("v3", role=other["Arn"])
    result = run_cli("canary", *lab.target_args(), "--alias", "staging", "--version", three, "--weight", "0.1")
    assert result.code == 1
    assert "execution roles" in result.err
    assert lab.state("staging") == ("2", {})


def test_dry_run_prints_the_exact_calls_and_changes_nothing(lab: Lab, run_cli) -> None:
    revision = lab.lam.get_alias(FunctionName=lab.function, Name="staging")["RevisionId"]
    result = run_cli("canary", *lab.target_args(), "--alias", "staging", "--version", "1", "--weight", "0.1",
                     "--dry-run", "--json")  # fmt: skip
    assert result.code == 0, result.err
    calls = result.json()["calls"]
    assert [c["call"] for c in calls] == ["lambda.UpdateAlias", "dynamodb.PutItem"]
    assert calls[0]["request"] == {
        "FunctionName": lab.function, "Name": "staging", "FunctionVersion": "2",
        "RoutingConfig": {"AdditionalVersionWeights": {"1": 0.1}}, "RevisionId": revision,
    }  # fmt: skip
    assert calls[1]["request"]["TableName"] == lab.table
    assert lab.state("staging") == ("2", {})
    assert lab.audit_items() == []


def test_prod_without_a_terminal_needs_yes(lab: Lab, run_cli) -> None:
    result = run_cli("promote", *lab.target_args(), "--alias", "prod", "--to", "2")
    assert result.code == 1
    assert "--yes" in result.err
    assert lab.state("prod") == ("1", {})
    assert run_cli("promote", *lab.target_args(), "--alias", "prod", "--to", "2", "--yes").code == 0
    assert lab.state("prod") == ("2", {})


def test_promote_defaults_to_the_canary_version_and_clears_the_route(lab: Lab, run_cli) -> None:
    lab.lam.update_alias(FunctionName=lab.function, Name="prod", RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
    result = run_cli("promote", *lab.target_args(), "--alias", "prod", "--yes")
    assert result.code == 0, result.err
    assert lab.state("prod") == ("2", {})
    item = lab.audit_items()[0]
    assert item["fromWeights"]["M"] == {"2": {"N": "0.1"}} and item["toVersion"]["S"] == "2"


def test_promote_without_a_canary_or_version_is_bad_input(lab: Lab, run_cli) -> None:
    result = run_cli("promote", *lab.target_args(), "--alias", "prod", "--yes")
    assert result.code == 2
    assert "--to V" in result.err
    assert lab.state("prod") == ("1", {})


def test_promote_from_alias_of_the_same_function(lab: Lab, run_cli) -> None:
    result = run_cli("promote", *lab.target_args(), "--alias", "prod", "--from-alias", "staging", "--yes")
    assert result.code == 0, result.err
    assert lab.state("prod") == ("2", {})


def test_rollback_goes_back_to_before_the_last_recorded_move(lab: Lab, run_cli) -> None:
    assert run_cli("promote", *lab.target_args(), "--alias", "prod", "--to", "2", "--yes").code == 0
    result = run_cli("rollback", *lab.target_args(), "--alias", "prod", "--yes", "--reason", "errors on 2")
    assert result.code == 0, result.err
    assert lab.state("prod") == ("1", {})
    trail = run_cli("audit", *lab.target_args(), "--alias", "prod", "--json").json()
    assert [r["action"] for r in trail] == ["rollback", "promote"]  # newest first
    assert trail[0]["reason"] == "errors on 2"


def test_rollback_refuses_when_the_alias_moved_outside_release(lab: Lab, run_cli) -> None:
    assert run_cli("promote", *lab.target_args(), "--alias", "prod", "--to", "2", "--yes").code == 0
    three = lab.publish("v3")
    lab.lam.update_alias(FunctionName=lab.function, Name="prod", FunctionVersion=three)  # e.g. a deploy
    result = run_cli("rollback", *lab.target_args(), "--alias", "prod", "--yes")
    assert result.code == 1
    assert "--to V" in result.err
    assert lab.state("prod") == (three, {})
    assert len(lab.audit_items()) == 1


def test_rollback_with_no_trail_asks_for_a_version(lab: Lab, run_cli) -> None:
    result = run_cli("rollback", *lab.target_args(), "--alias", "prod", "--yes")
    assert result.code == 2
    assert "--to V" in result.err


def test_a_move_with_no_audit_table_is_refused_before_moving(lab: Lab, run_cli) -> None:
    result = run_cli("canary", "--function", lab.function, "--alias", "staging", "--version", "1", "--weight", "0.1")
    assert result.code == 2
    assert "--audit-table" in result.err
    missing = run_cli("canary", "--function", lab.function, "--audit-table", "no-such-table", "--alias", "staging",
                      "--version", "1", "--weight", "0.1")  # fmt: skip
    assert missing.code == 2
    assert lab.state("staging") == ("2", {})


def test_a_move_while_codedeploy_shifts_the_alias_is_refused(lab: Lab, run_cli) -> None:
    import json

    import boto3

    deploy = boto3.client("codedeploy", region_name="us-east-1")
    app = f"app-{lab.function}"
    deploy.create_application(applicationName=app, computePlatform="Lambda")
    deploy.create_deployment_group(applicationName=app, deploymentGroupName="prod", serviceRoleArn=lab.role)
    appspec = {"version": 0.0, "Resources": [{"fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "Name": lab.function, "Alias": "prod", "CurrentVersion": "1", "TargetVersion": "2"}}}]}  # fmt: skip
    deployment_id = deploy.create_deployment(
        applicationName=app,
        deploymentGroupName="prod",
        revision={"revisionType": "AppSpecContent", "appSpecContent": {"content": json.dumps(appspec)}},
    )["deploymentId"]
    result = run_cli("promote", *lab.target_args(), "--alias", "prod", "--to", "2", "--yes")
    assert result.code == 1
    assert deployment_id in result.err and "--stop-deployment" in result.err
    assert lab.state("prod") == ("1", {})
    assert lab.audit_items() == []
    shown = run_cli("status", *lab.target_args(), "--json").json()["deployments"]
    assert [(d["id"], d["alias"], d["targetVersion"]) for d in shown] == [(deployment_id, "prod", "2")]
    # another alias of the same function is not being shifted
    assert run_cli("canary", *lab.target_args(), "--alias", "staging", "--version", "1", "--weight", "0.5").code == 0


def test_promote_from_another_stage_finds_the_version_by_code_sha256(
    lab: Lab, stage_stack, run_cli, one_function_project
) -> None:
    from tests.release_ops.conftest import new_lab

    staging = new_lab("staging")
    staging.publish("v1")
    staging.publish("release 9")  # the code staging runs
    staging.alias("staging", "2")
    stage_stack("staging", staging, "2")
    lab.publish("release 9")  # 3: same code here, published by a later deploy
    lab.publish("hotfix")  # 4: different code
    lab.publish("release 9")  # 5: the same code again (the hotfix reverted): the newest match
    result = run_cli("promote", *lab.target_args(), "--alias", "prod", "--from-alias", "staging",
                     "--from-stage", "staging", "--yes", "--json")  # fmt: skip
    assert result.code == 0, result.err
    assert lab.state("prod") == ("5", {})  # the newest version with the same CodeSha256, not the oldest (3)
    missing = new_lab("nocode")
    missing.publish("other")
    missing.alias("prod", "1")
    refused = run_cli("promote", *missing.target_args(), "--alias", "prod", "--from-alias", "staging",
                      "--from-stage", "staging", "--yes")  # fmt: skip
    assert refused.code == 1 and "deploy that code to this stage first" in refused.err
    assert missing.state("prod") == ("1", {})


def test_a_move_to_where_the_alias_already_is_changes_and_records_nothing(lab: Lab, run_cli) -> None:
    result = run_cli("promote", *lab.target_args(), "--alias", "staging", "--to", "2")
    assert result.code == 0 and "already there" in result.out
    assert lab.audit_items() == []


def test_an_unknown_function_says_what_to_check(aws_env: str, run_cli) -> None:
    result = run_cli("status", "--function", "no-such-function")
    assert result.code == 2
    assert "ResourceNotFoundException" in result.err and "--function" in result.err


def test_confirmation_on_a_terminal() -> None:
    from release_cli.ops.confirm import confirm
    from release_cli.ops.errors import RefusedError
    from release_cli.ops.production import Production

    prod, dev = Production(True, "stage prod is a production stage"), Production(False, "stage dev is not")

    asked: list[str] = []

    def answer(reply: str):
        def ask(prompt: str) -> str:
            asked.append(prompt)
            return reply

        return ask

    confirm("promote prod", production=prod, yes=False, is_terminal=lambda: True, ask=answer("yes"))
    confirm("promote prod", production=prod, yes=False, is_terminal=lambda: True, ask=answer(" YES\n"))
    with pytest.raises(RefusedError) as refused:
        confirm("promote prod", production=prod, yes=False, is_terminal=lambda: True, ask=answer("y"))
    assert str(refused.value) == "not confirmed; nothing changed"
    confirm("canary dev", production=dev, yes=False, is_terminal=lambda: False, ask=answer("no"))
    assert len(asked) == 3 and asked[0] == (
        "promote prod\nA change to production (stage prod is a production stage).\nType 'yes' to go ahead: "
    )


def test_confirmation_decided_from_the_names_alone() -> None:
    """A caller without a decided target passes the stage and alias: the stage decides when given."""
    from release_cli.ops.confirm import confirm
    from release_cli.ops.errors import RefusedError

    no_terminal = {"yes": False, "is_terminal": lambda: False}
    confirm("invoke dev", stage="dev", alias="prod", **no_terminal)  # dev is not production, whatever the alias
    confirm("invoke", alias="staging", **no_terminal)
    with pytest.raises(RefusedError) as refused:
        confirm("invoke prod", alias="prod", untouched="nothing was invoked", **no_terminal)
    assert str(refused.value) == (
        "invoke prod: a change to production needs --yes when there is no terminal to ask (alias prod is named "
        "after production stage prod's alias); nothing was invoked"
    )
    with pytest.raises(RefusedError):
        confirm("invoke prod", stage="prod", alias="staging", **no_terminal)
    confirm("invoke prod", stage="prod", alias="prod", yes=True, is_terminal=lambda: False)


def test_region_and_profile_options_reach_boto3(aws_env: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from release_cli.ops.clients import AwsContext

    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert AwsContext(region="ap-southeast-2").client("lambda").meta.region_name == "ap-southeast-2"
    result = run_cli("status", "--function", "fn", "--profile", "no-such-profile")
    assert result.code == 2
    assert "no-such-profile" in result.err and "credentials" in result.err
