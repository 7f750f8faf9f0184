"""What a move tells its user: the --json document, the dry run's plan in text, the refusals of
``promote --from-alias`` and waiting for a stopped CodeDeploy deployment.

Found by mutation testing (bench/mutation_score.py moves): each test pins a part of a move's
outcome that the other tests let change unnoticed.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from release_cli.ops import deployments
from release_cli.ops.clients import AwsContext
from release_cli.ops.deployments import Deployment, stop_and_wait
from release_cli.ops.errors import OpsError
from tests.release_ops.aws_hooks import aws_error, hook_cli_clients
from tests.release_ops.conftest import REGION, Lab, new_lab


def test_canary_json_states_the_whole_move(lab: Lab, run_cli) -> None:
    result = run_cli("canary", *lab.target_args(), "--alias", "staging", "--version", "1", "--weight", "0.25",
                     "--reason", "try 1", "--json")  # fmt: skip
    assert result.code == 0, result.err
    document = result.json()
    assert set(document) == {"alias", "action", "from", "to", "changed", "dryRun", "calls", "audit",
                             "stoppedDeployments"}  # fmt: skip
    assert document["alias"] == "staging" and document["action"] == "canary"
    assert document["from"] == {"version": "2", "weights": {}}
    assert document["to"] == {"version": "2", "weights": {"1": 0.25}}
    assert document["changed"] is True and document["dryRun"] is False
    assert document["stoppedDeployments"] == []
    assert [c["call"] for c in document["calls"]] == ["lambda.UpdateAlias", "dynamodb.PutItem"]
    assert document["audit"]["reason"] == "try 1" and document["audit"]["toWeights"] == {"1": 0.25}


def test_a_dry_run_in_text_prints_each_call_exactly_as_it_would_be_sent(lab: Lab, run_cli) -> None:
    revision = lab.lam.get_alias(FunctionName=lab.function, Name="staging")["RevisionId"]
    result = run_cli("canary", *lab.target_args(), "--alias", "staging", "--version", "1", "--weight", "0.1",
                     "--dry-run")  # fmt: skip
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "canary: alias staging: 2 -> 2 @ 90% + 1 @ 10%"
    assert lines[1] == "dry run: these calls would be made, in this order (nothing was changed):"
    assert lines[2] == "  lambda.UpdateAlias"
    update = {"FunctionName": lab.function, "Name": "staging", "FunctionVersion": "2",
              "RoutingConfig": {"AdditionalVersionWeights": {"1": 0.1}}, "RevisionId": revision}  # fmt: skip
    assert lines[3] == "    " + json.dumps(update, sort_keys=True)
    assert lines[4] == "  dynamodb.PutItem"
    put = json.loads(lines[5])
    assert lines[5] == "    " + json.dumps(put, sort_keys=True) and put["TableName"] == lab.table
    assert len(lines) == 6
    assert lab.state("staging") == ("2", {}) and lab.audit_items() == []


def test_promote_from_a_split_alias_is_refused_and_says_why(lab: Lab, run_cli) -> None:
    lab.lam.update_alias(
        FunctionName=lab.function, Name="staging", RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}}
    )
    result = run_cli("promote", *lab.target_args(), "--alias", "prod", "--from-alias", "staging", "--yes")
    assert result.code == 1, result.err
    assert "alias staging is split (2 @ 50% + 1 @ 50%): promote from it once it runs one version" in result.err
    assert lab.state("prod") == ("1", {}) and lab.audit_items() == []


def test_promote_from_a_stage_whose_alias_version_is_gone_is_refused(
    lab: Lab, stage_stack, run_cli, one_function_project
) -> None:
    """The other stage's alias names a version that is no longer listed (deleted after the alias was
    read; moto deletes an aliased version, FACTS): no code to compare, so nothing is promoted."""
    staging = new_lab("staging")
    staging.publish("v1")
    staging.alias("staging", "1")
    staging.lam.delete_function(FunctionName=staging.function, Qualifier="1")
    stage_stack("staging", staging, "1")
    result = run_cli("promote", *lab.target_args(), "--alias", "prod", "--from-alias", "staging",
                     "--from-stage", "staging", "--yes")  # fmt: skip
    assert result.code == 1, result.err
    assert f"no version of {lab.function} has the code of {staging.function}:1 (SHA-256 unknown)" in result.err
    assert lab.state("prod") == ("1", {}) and lab.audit_items() == []


def test_promote_from_a_stage_whose_function_cannot_be_read_names_the_lookup(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch, one_function_project
) -> None:
    hook_cli_clients(monkeypatch, {
        "before-call.lambda.GetFunctionConfiguration": lambda **_: aws_error("AccessDeniedException", "denied", 403),
    })  # fmt: skip
    result = run_cli("promote", *lab.target_args(), "--alias", "staging", "--from-alias", "staging",
                     "--from-stage", "staging")  # fmt: skip
    assert result.code == 2, result.err
    assert "finding stage staging's function staging-VersionedOrderAPI: AccessDeniedException" in result.err
    assert lab.state("staging") == ("2", {})


def test_promote_from_a_stage_with_no_function_says_how_to_go_on(lab: Lab, run_cli, one_function_project) -> None:
    result = run_cli("promote", *lab.target_args(), "--alias", "staging", "--from-alias", "staging",
                     "--from-stage", "staging")  # fmt: skip
    assert result.code == 2, result.err
    assert "(cdk deploy --context stage=staging), or give the version here with --to V" in result.err


def test_the_refusal_names_the_command_that_stops_the_deployment() -> None:
    live = Deployment("d-9", "InProgress", "app", "group", "fn", "prod", "1", "2")
    assert live.stop_hint() == (
        "aws deploy stop-deployment --deployment-id d-9 --auto-rollback-enabled, or add --stop-deployment"
    )


class _Clock:
    """time.monotonic and time.sleep for deployments.stop_and_wait: a wait takes no real time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    fake = _Clock()
    monkeypatch.setattr(deployments.time, "monotonic", fake.monotonic)
    monkeypatch.setattr(deployments.time, "sleep", fake.sleep)
    return fake


def _codedeploy() -> tuple[AwsContext, Any, Stubber]:
    client = boto3.client("codedeploy", region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t")
    ctx = AwsContext(region=REGION)
    ctx.use("codedeploy", client)
    return ctx, client, Stubber(client)


_LIVE = Deployment("d-WAIT", "InProgress", "app", "group", "fn", "prod", "1", "2")


def _status(status: str) -> dict[str, Any]:
    return {"deploymentInfo": {"deploymentId": "d-WAIT", "status": status}}


def test_a_stopped_deployment_is_polled_every_5_s_until_codedeploy_says_it_ended(clock: _Clock) -> None:
    ctx, _, stub = _codedeploy()
    stub.add_response("stop_deployment", {"status": "Pending"}, {"deploymentId": "d-WAIT", "autoRollbackEnabled": True})
    for status in ("InProgress", "InProgress", "Stopped"):
        stub.add_response("get_deployment", _status(status), {"deploymentId": "d-WAIT"})
    with stub:
        assert stop_and_wait(ctx, _LIVE) == "Stopped"
        stub.assert_no_pending_responses()
    assert clock.sleeps == [5, 5]


def test_waiting_for_a_stopped_deployment_gives_up_after_600_s(clock: _Clock) -> None:
    ctx, _, stub = _codedeploy()
    stub.add_response("stop_deployment", {"status": "Pending"}, {"deploymentId": "d-WAIT", "autoRollbackEnabled": True})
    for _ in range(122):
        stub.add_response("get_deployment", _status("InProgress"), {"deploymentId": "d-WAIT"})
    started = clock.now
    with stub, pytest.raises(OpsError) as gave_up:
        stop_and_wait(ctx, _LIVE)
    assert str(gave_up.value) == (
        "deployment d-WAIT is still InProgress after 600 s; "
        "nothing was moved: check it in the CodeDeploy console and run again"
    )
    assert 600 <= clock.now - started <= 605
    assert set(clock.sleeps) == {5}


@pytest.mark.parametrize(("operation", "says"), [
    ("stop_deployment", "stopping deployment d-WAIT: AccessDeniedException"),
    ("get_deployment", "reading deployment d-WAIT: AccessDeniedException"),
])  # fmt: skip
def test_a_failed_stop_or_read_names_the_deployment(clock: _Clock, operation: str, says: str) -> None:
    ctx, _, stub = _codedeploy()
    if operation == "get_deployment":
        stub.add_response(
            "stop_deployment", {"status": "Pending"}, {"deploymentId": "d-WAIT", "autoRollbackEnabled": True}
        )
    stub.add_client_error(operation, service_error_code="AccessDeniedException", http_status_code=403)
    with stub, pytest.raises(OpsError) as failed:
        stop_and_wait(ctx, _LIVE)
    assert str(failed.value).startswith(says)


def _info(deployment_id: str, revision: dict[str, Any] | None, **fields: Any) -> dict[str, Any]:
    info = {"deploymentId": deployment_id, "status": "InProgress", "computePlatform": "Lambda",
            "applicationName": "app", "deploymentGroupName": "group", **fields}  # fmt: skip
    if revision is not None:
        info["revision"] = revision
    return info


def _spec(name: str, alias: str) -> str:
    return json.dumps({"version": 0.0, "Resources": [{"fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "Name": name, "Alias": alias, "CurrentVersion": "3", "TargetVersion": "4"}}}]})  # fmt: skip


def _live(infos: list[dict[str, Any]], **which: Any) -> list[Deployment]:
    ctx, _, stub = _codedeploy()
    ids = [i["deploymentId"] for i in infos]
    stub.add_response("list_deployments", {"deployments": ids},
                      {"includeOnlyStatuses": ["Created", "Queued", "InProgress", "Baking", "Ready"]})  # fmt: skip
    stub.add_response("batch_get_deployments", {"deploymentsInfo": infos}, {"deploymentIds": ids})
    with stub:
        found = deployments.live_deployments(ctx, **which)
        stub.assert_no_pending_responses()
    return found


def test_live_deployments_read_appspecs_of_either_revision_type_and_skip_other_platforms() -> None:
    """An AppSpec comes as AppSpecContent or as a String revision; an EC2/ECS deployment never shifts an alias."""
    content = {"revisionType": "AppSpecContent", "appSpecContent": {"content": _spec("prod-fn", "live")}}
    string = {"revisionType": "String", "string": {"content": _spec("prod-fn", "live")}}
    found = _live(
        [
            _info("d-content", content),
            _info("d-string", string, status="Ready"),
            _info("d-server", content, computePlatform="Server", applicationName="version-demo-prod-App"),
            _info("d-other-alias", _spec_revision("prod-fn", "beta")),
        ],
        function="prod-fn", alias="live", stack="version-demo-prod",
    )  # fmt: skip
    assert found == [
        Deployment("d-content", "InProgress", "app", "group", "prod-fn", "live", "3", "4"),
        Deployment("d-string", "Ready", "app", "group", "prod-fn", "live", "3", "4"),
    ]


def _spec_revision(name: str, alias: str) -> dict[str, Any]:
    return {"revisionType": "AppSpecContent", "appSpecContent": {"content": _spec(name, alias)}}


def test_without_an_alias_every_deployment_of_the_function_counts_by_name_or_arn() -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:prod-fn"
    found = _live(
        [_info("d-1", _spec_revision("prod-fn", "live")), _info("d-2", _spec_revision(arn, "beta")),
         _info("d-3", _spec_revision("other-fn", "live")), _info("d-4", _spec_revision("not-prod-fn", "live"))],
        function="prod-fn",
    )  # fmt: skip
    assert [(d.deployment_id, d.alias) for d in found] == [("d-1", "live"), ("d-2", "beta")]


@pytest.mark.parametrize(
    "revision",
    [
        None,  # no revision at all
        {"revisionType": "S3", "s3Location": {"bucket": "b", "key": "appspec.yaml"}},  # not readable here
        {"revisionType": "String", "string": {"content": "just text"}},
        {"revisionType": "String", "string": {"content": "Resources: {fn: {Type: AWS::Lambda::Function}}"}},
        {"revisionType": "String", "string": {"content": "Resources: [fn]"}},
        {"revisionType": "String", "string": {"content": "Resources: [{fn: text}]"}},
        {"revisionType": "String", "string": {"content": "version: 0.0"}},
    ],
)
def test_an_appspec_that_names_no_function_counts_by_the_stacks_name_never_a_crash(revision: Any) -> None:
    """CDK names the application and group after the stack: a deployment whose AppSpec cannot be read counts
    when either one is the stage's, and its function, alias and versions stay empty (nothing is invented)."""
    infos = [
        _info("d-app", revision, applicationName="version-demo-prod-RolloutApp", deploymentGroupName="g"),
        _info("d-group", revision, applicationName="shared-app", deploymentGroupName="version-demo-prod-Group"),
        _info("d-other", revision, applicationName="version-demo-staging-App", deploymentGroupName="g"),
    ]
    found = _live(infos, function="prod-fn", alias="live", stack="version-demo-prod")
    assert found == [
        Deployment("d-app", "InProgress", "version-demo-prod-RolloutApp", "g", "", "", "", ""),
        Deployment("d-group", "InProgress", "shared-app", "version-demo-prod-Group", "", "", "", ""),
    ]
    assert _live(infos, function="prod-fn", alias="live") == []  # no stack known: nothing to match by name


def test_a_deployment_described_only_in_part_is_shown_with_empty_fields() -> None:
    """An AWS-compatible endpoint may leave fields out: they stay empty, never the text "None"."""
    info = {"deploymentId": "d-bare", "revision": _spec_revision("prod-fn", "live")}
    appspec = json.loads(info["revision"]["appSpecContent"]["content"])  # type: ignore[index]
    del appspec["Resources"][0]["fn"]["Properties"]["CurrentVersion"]
    del appspec["Resources"][0]["fn"]["Properties"]["TargetVersion"]
    info["revision"]["appSpecContent"]["content"] = json.dumps(appspec)  # type: ignore[index]
    assert _live([info], function="prod-fn", alias="live") == [
        Deployment("d-bare", "", "", "", "prod-fn", "live", "", "")
    ]


@pytest.mark.parametrize(("operation", "says"), [
    ("list_deployments", "listing CodeDeploy deployments in progress: AccessDeniedException"),
    ("batch_get_deployments", "reading CodeDeploy deployments: AccessDeniedException"),
])  # fmt: skip
def test_a_failed_deployment_read_says_which_read_failed(operation: str, says: str) -> None:
    ctx, _, stub = _codedeploy()
    if operation == "batch_get_deployments":
        stub.add_response("list_deployments", {"deployments": ["d-1"]})
    stub.add_client_error(operation, service_error_code="AccessDeniedException", http_status_code=403)
    with stub, pytest.raises(OpsError) as failed:
        deployments.live_deployments(ctx, function="prod-fn", alias="live")
    assert str(failed.value).startswith(says)
