"""What moto cannot do, tested with botocore's Stubber and responses shaped like Lambda's and CodeDeploy's.

moto keeps an alias's RevisionId unchanged and never answers PreconditionFailedException (FACTS),
has no StopDeployment, and returns every version in one page: so the RevisionId conflict, stopping a
deployment, a failed audit write after the move and multi-page listings use stubbed clients here,
with the rest of each step on the moto server.
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
from release_cli.ops.errors import EXIT_INPUT, EXIT_REFUSED, AuditWriteError, OpsError, RefusedError
from release_cli.ops.lambda_reads import AliasState, Version
from release_cli.ops.route_rules import Route
from release_cli.ops.target import Target
from tests.release_ops.conftest import REGION, Lab


def _versions(role: str, *numbers: str) -> list[Version]:
    return [Version(number=n, description="", code_sha256=f"sha{n}", code_size=100, last_modified="", role=role)
            for n in numbers]  # fmt: skip


def _target(lab: Lab) -> Target:
    return Target(function=lab.function, audit_table=lab.table)


def _no_confirm(*_: Any, **__: Any) -> None:
    return None


def test_a_concurrent_change_is_refused_by_revision_id_and_nothing_is_recorded(lab: Lab) -> None:
    ctx = AwsContext(region=REGION)
    stubbed = boto3.client("lambda", region_name=REGION)
    stub = Stubber(stubbed)
    stub.add_client_error(
        "update_alias",
        service_error_code="PreconditionFailedException",
        service_message="The RevisionId provided does not match the latest RevisionId for the Lambda function.",
        http_status_code=412,
        expected_params={"FunctionName": lab.function, "Name": "staging", "FunctionVersion": "2",
                         "RoutingConfig": {"AdditionalVersionWeights": {"1": 0.1}}, "RevisionId": "rev-read"},
    )  # fmt: skip
    ctx.use("lambda", stubbed)
    before = AliasState(name="staging", version="2", revision_id="rev-read")
    with stub, pytest.raises(RefusedError) as refused:
        move_alias(ctx, _target(lab), before=before, route=Route("2", {"1": 0.1}), action="canary",
                   options=MoveOptions(), versions=_versions("r", "1", "2"), ask=_no_confirm)  # fmt: skip
    assert str(refused.value) == (
        "alias staging changed since it was read (RevisionId rev-read): someone or something else moved it; "
        "nothing was changed. Run release status and decide again"
    )
    assert refused.value.exit_code == EXIT_REFUSED
    stub.assert_no_pending_responses()
    assert lab.audit_items() == []
    assert lab.state("staging") == ("2", {})


def test_audit_write_failure_after_the_move_is_loud_and_non_zero(lab: Lab) -> None:
    ctx = AwsContext(region=REGION)
    stubbed = boto3.client("dynamodb", region_name=REGION)
    stub = Stubber(stubbed)
    keys = {"KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k in ("PK", "SK")]}  # fmt: skip
    stub.add_response("describe_table", {"Table": {"TableName": lab.table, **keys}}, {"TableName": lab.table})
    stub.add_client_error("put_item", service_error_code="ConditionalCheckFailedException")  # the probe: allowed
    stub.add_client_error("put_item", service_error_code="AccessDeniedException", service_message="no PutItem")
    ctx.use("dynamodb", stubbed)
    before = lambda_reads.get_alias(ctx, lab.function, "prod")
    with stub, pytest.raises(AuditWriteError) as failed:
        move_alias(ctx, _target(lab), before=before, route=Route("2"), action="promote", options=MoveOptions(),
                   ask=_no_confirm)  # fmt: skip
    message = str(failed.value)
    assert "MOVED" in message and "NOT WRITTEN" in message and "aws dynamodb put-item" in message
    assert message.startswith("ALIAS prod MOVED (1 -> 2) BUT ITS AUDIT RECORD WAS NOT WRITTEN: ")
    assert "AccessDeniedException" in message and "no PutItem" in message  # why it failed
    assert f"--table-name {lab.table}" in message and '"toVersion": {"S": "2"}' in message  # what to record
    assert failed.value.exit_code == EXIT_INPUT
    assert lab.state("prod") == ("2", {})  # the move stands, and the message says so


def test_stop_deployment_stops_with_rollback_then_moves(lab: Lab) -> None:
    ctx = AwsContext(region=REGION)
    stubbed = boto3.client("codedeploy", region_name=REGION)
    stub = Stubber(stubbed)
    appspec = {"version": 0.0, "Resources": [{"fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "Name": lab.function, "Alias": "prod", "CurrentVersion": "1", "TargetVersion": "2"}}}]}  # fmt: skip
    info = {"deploymentId": "d-ABC123", "status": "InProgress", "computePlatform": "Lambda",
            "applicationName": "app", "deploymentGroupName": "group",
            "revision": {"revisionType": "AppSpecContent",
                         "appSpecContent": {"content": json.dumps(appspec)}}}  # fmt: skip
    stub.add_response("list_deployments", {"deployments": ["d-ABC123"]}, {"includeOnlyStatuses": ANY})
    stub.add_response("batch_get_deployments", {"deploymentsInfo": [info]}, {"deploymentIds": ["d-ABC123"]})
    ctx.use("codedeploy", stubbed)
    before = lambda_reads.get_alias(ctx, lab.function, "prod")
    with stub:
        with pytest.raises(RefusedError) as refused:
            move_alias(ctx, _target(lab), before=before, route=Route("2"), action="promote", options=MoveOptions(),
                       ask=_no_confirm)  # fmt: skip
        assert "d-ABC123" in str(refused.value) and "--stop-deployment" in str(refused.value)
        assert lab.state("prod") == ("1", {})
        stub.add_response("list_deployments", {"deployments": ["d-ABC123"]}, {"includeOnlyStatuses": ANY})
        stub.add_response("batch_get_deployments", {"deploymentsInfo": [info]}, {"deploymentIds": ["d-ABC123"]})
        stub.add_response(
            "stop_deployment", {"status": "Pending"}, {"deploymentId": "d-ABC123", "autoRollbackEnabled": True}
        )
        stub.add_response(
            "get_deployment", {"deploymentInfo": {**info, "status": "Stopped"}}, {"deploymentId": "d-ABC123"}
        )
        result = move_alias(ctx, _target(lab), before=before, route=Route("2"), action="promote",
                            options=MoveOptions(stop_deployment=True), ask=_no_confirm)  # fmt: skip
    stub.assert_no_pending_responses()
    assert result.stopped_deployments == ["d-ABC123: Stopped"]
    assert lab.state("prod") == ("2", {})
    assert len(lab.audit_items()) == 1


def test_versions_are_read_page_by_page() -> None:
    """ListVersionsByFunction gives at most 50 a page; 120 versions are three calls, not 120."""
    ctx = AwsContext(region=REGION)
    stubbed = boto3.client("lambda", region_name=REGION)
    stub = Stubber(stubbed)
    numbers = [str(n) for n in range(1, 121)]
    pages = [numbers[i : i + 50] for i in range(0, 120, 50)]
    marker = None
    for index, page in enumerate(pages):
        entries = [{"Version": n, "CodeSha256": f"sha{n}", "CodeSize": 10, "Description": f"v{n}"} for n in page]
        if index == 0:
            entries.insert(0, {"Version": "$LATEST", "CodeSize": 10})
        response: dict[str, Any] = {"Versions": entries}
        if index < len(pages) - 1:
            response["NextMarker"] = f"m{index}"
        params: dict[str, Any] = {"FunctionName": "fn", "MaxItems": 50}
        if marker:
            params["Marker"] = marker
        stub.add_response("list_versions_by_function", response, params)
        marker = response.get("NextMarker")
    ctx.use("lambda", stubbed)
    with stub:
        versions = lambda_reads.list_versions(ctx, "fn")
    assert [v.number for v in versions] == numbers
    assert ctx.calls == ["lambda.ListVersionsByFunction"] * 3


@pytest.mark.parametrize("style", ["json", "yaml", "unreadable"])
def test_a_deployment_is_matched_by_its_appspec_json_or_yaml(style: str) -> None:
    """CodeDeploy's AppSpecContent is JSON or YAML (API reference); an unreadable one counts when its
    application is named after the stage's stack (CDK names it so)."""
    from release_cli.ops.deployments import live_deployments

    content = {
        "json": json.dumps({"version": 0.0, "Resources": [{"fn": {"Type": "AWS::Lambda::Function",
                            "Properties": {"Name": "prod-fn", "Alias": "live", "CurrentVersion": "3",
                                           "TargetVersion": "4"}}}]}),
        "yaml": "version: 0.0\nResources:\n  - fn:\n      Type: AWS::Lambda::Function\n      Properties:\n"
                "        Name: prod-fn\n        Alias: live\n        CurrentVersion: '3'\n        TargetVersion: '4'\n",
        "unreadable": "{not: [valid",
    }[style]  # fmt: skip
    info = {"deploymentId": "d-1", "status": "InProgress", "computePlatform": "Lambda",
            "applicationName": "version-demo-prod-RolloutLiveApplication-X", "deploymentGroupName": "g",
            "revision": {"revisionType": "AppSpecContent", "appSpecContent": {"content": content}}}  # fmt: skip
    client = boto3.client("codedeploy", region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t")
    ctx = AwsContext(region=REGION)
    ctx.use("codedeploy", client)
    with Stubber(client) as stub:
        for _ in range(2):
            stub.add_response("list_deployments", {"deployments": ["d-1"]}, {"includeOnlyStatuses": ANY})
            stub.add_response("batch_get_deployments", {"deploymentsInfo": [info]}, {"deploymentIds": ["d-1"]})
        found = live_deployments(ctx, function="prod-fn", alias="live", stack="version-demo-prod")
        other_alias = live_deployments(ctx, function="prod-fn", alias="other", stack="version-demo-staging")
    assert [d.deployment_id for d in found] == ["d-1"]
    assert other_alias == []
    if style != "unreadable":
        assert (found[0].current_version, found[0].target_version) == ("3", "4")


def test_prune_skips_a_version_an_alias_took_meanwhile() -> None:
    """AWS answers ResourceConflictException for a version an alias references (FACTS; moto deletes it):
    prune skips it and goes on; a version the fresh alias read shows in use is never even asked for."""
    from release_cli.ops.prune_run import delete_versions as _delete

    client = boto3.client("lambda", region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t")
    ctx = AwsContext(region=REGION)
    ctx.use("lambda", client)
    with Stubber(client) as stub:
        stub.add_client_error(
            "delete_function",
            service_error_code="ResourceConflictException",
            service_message="Unable to delete version because the following aliases reference it: [prod]",
            http_status_code=409,
            expected_params={"FunctionName": "fn", "Qualifier": "2"},
        )
        stub.add_response("delete_function", {}, {"FunctionName": "fn", "Qualifier": "3"})
        deleted, skipped = _delete(ctx, "fn", ["1", "2", "3"], in_use={"1"})
        stub.assert_no_pending_responses()
    assert deleted == ["3"]
    assert skipped[0].startswith("1: an alias points to it") and "[prod]" in skipped[1]


def _appspec_info(deployment_id: str, function: str, alias: str) -> dict[str, Any]:
    appspec = {"version": 0.0, "Resources": [{"fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "Name": function, "Alias": alias, "CurrentVersion": "1", "TargetVersion": "2"}}}]}  # fmt: skip
    return {"deploymentId": deployment_id, "status": "InProgress", "computePlatform": "Lambda",
            "applicationName": "app", "deploymentGroupName": "group",
            "revision": {"revisionType": "AppSpecContent",
                         "appSpecContent": {"content": json.dumps(appspec)}}}  # fmt: skip


def _alias_response(function: str, alias: str, version: str, revision: str) -> dict[str, Any]:
    return {"AliasArn": f"arn:aws:lambda:{REGION}:123456789012:function:{function}:{alias}", "Name": alias,
            "FunctionVersion": version, "RevisionId": revision}  # fmt: skip


def test_after_stopping_a_deployment_the_alias_is_read_again_and_updated_with_the_new_revision(lab: Lab) -> None:
    """CodeDeploy's rollback moves the alias (a new RevisionId): UpdateAlias must carry the revision read
    after the stop, not the one read before it, or Lambda would refuse it (moto would not: FACTS)."""
    ctx = AwsContext(region=REGION)
    deploy, lam = boto3.client("codedeploy", region_name=REGION), boto3.client("lambda", region_name=REGION)
    deploy_stub, lambda_stub = Stubber(deploy), Stubber(lam)
    info = _appspec_info("d-STOP1", lab.function, "prod")
    deploy_stub.add_response("list_deployments", {"deployments": ["d-STOP1"]}, {"includeOnlyStatuses": ANY})
    deploy_stub.add_response("batch_get_deployments", {"deploymentsInfo": [info]}, {"deploymentIds": ["d-STOP1"]})
    deploy_stub.add_response("stop_deployment", {"status": "Pending"},
                             {"deploymentId": "d-STOP1", "autoRollbackEnabled": True})  # fmt: skip
    deploy_stub.add_response("get_deployment", {"deploymentInfo": {**info, "status": "Stopped"}},
                             {"deploymentId": "d-STOP1"})  # fmt: skip
    lambda_stub.add_response("get_alias", _alias_response(lab.function, "prod", "1", "rev-after-rollback"),
                             {"FunctionName": lab.function, "Name": "prod"})  # fmt: skip
    lambda_stub.add_response(
        "update_alias",
        _alias_response(lab.function, "prod", "2", "rev-moved"),
        {"FunctionName": lab.function, "Name": "prod", "FunctionVersion": "2",
         "RoutingConfig": {"AdditionalVersionWeights": {}}, "RevisionId": "rev-after-rollback"},
    )  # fmt: skip
    ctx.use("codedeploy", deploy)
    ctx.use("lambda", lam)
    before = AliasState(name="prod", version="1", weights={"2": 0.1}, revision_id="rev-before-stop")
    with deploy_stub, lambda_stub:
        result = move_alias(ctx, _target(lab), before=before, route=Route("2"), action="promote",
                            options=MoveOptions(stop_deployment=True), versions=_versions("r", "1", "2"),
                            ask=_no_confirm)  # fmt: skip
    deploy_stub.assert_no_pending_responses()
    lambda_stub.assert_no_pending_responses()
    assert result.stopped_deployments == ["d-STOP1: Stopped"]
    (item,) = lab.audit_items()
    assert item["revisionBefore"]["S"] == "rev-after-rollback" and item["revisionAfter"]["S"] == "rev-moved"
    assert "fromWeights" not in item  # the record starts where CodeDeploy's rollback left the alias


def test_more_live_deployments_than_one_batch_takes_are_all_checked() -> None:
    """BatchGetDeployments takes at most 25 ids (API reference): with 30 live deployments over two pages,
    the one shifting the alias is the 28th, in the second batch."""
    from release_cli.ops.deployments import BATCH, live_deployments

    assert BATCH == 25
    ids = [f"d-{n:02d}" for n in range(30)]
    infos = {i: _appspec_info(i, "other-fn", "live") for i in ids}
    infos["d-27"] = _appspec_info("d-27", "prod-fn", "live")
    client = boto3.client("codedeploy", region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t")
    ctx = AwsContext(region=REGION)
    ctx.use("codedeploy", client)
    with Stubber(client) as stub:
        stub.add_response("list_deployments", {"deployments": ids[:20], "nextToken": "page2"},
                          {"includeOnlyStatuses": ANY})  # fmt: skip
        stub.add_response("list_deployments", {"deployments": ids[20:]},
                          {"includeOnlyStatuses": ANY, "nextToken": "page2"})  # fmt: skip
        stub.add_response("batch_get_deployments", {"deploymentsInfo": [infos[i] for i in ids[:25]]},
                          {"deploymentIds": ids[:25]})  # fmt: skip
        stub.add_response("batch_get_deployments", {"deploymentsInfo": [infos[i] for i in ids[25:]]},
                          {"deploymentIds": ids[25:]})  # fmt: skip
        found = live_deployments(ctx, function="prod-fn", alias="live")
        stub.assert_no_pending_responses()
    assert [d.deployment_id for d in found] == ["d-27"]


def test_a_function_whose_stage_tag_cannot_be_read_counts_as_production() -> None:
    """Without lambda:GetFunction the CLI cannot tell a prod function from a dev one: it fails closed."""
    from release_cli.ops.production import decide
    from release_cli.ops.target import Target

    client = boto3.client("lambda", region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t")
    ctx = AwsContext(region=REGION)
    ctx.use("lambda", client)
    target = Target(function="some-fn", audit_table="t", source="--function", function_given=True)
    with Stubber(client) as stub:
        stub.add_client_error("get_function", service_error_code="AccessDeniedException", http_status_code=403,
                              expected_params={"FunctionName": "some-fn"})  # fmt: skip
        decided = decide(ctx, target, alias="live")
    assert decided.production.is_production
    assert "could not be read (AccessDeniedException)" in decided.production.because


def test_prune_protects_the_version_each_stack_resource_holds_over_pages() -> None:
    """moto's stacks here hold no ``AWS::Lambda::Version``: the stubbed ListStackResources answers two
    pages as CloudFormation would. Versions of this function the stack tracks are protected, each
    named after its resource; another function's version and other resources are not."""
    from release_cli.ops.prune_plan import stack_held_versions

    arn = f"arn:aws:lambda:{REGION}:123456789012:function"
    client = boto3.client("cloudformation", region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t")
    ctx = AwsContext(region=REGION)
    ctx.use("cloudformation", client)
    summary = {"ResourceStatus": "CREATE_COMPLETE", "LastUpdatedTimestamp": "2024-01-01T00:00:00Z"}
    first = [
        {**summary, "LogicalResourceId": "FnVersionA", "ResourceType": "AWS::Lambda::Version",
         "PhysicalResourceId": f"{arn}:fn:4"},
        {**summary, "LogicalResourceId": "Other", "ResourceType": "AWS::Lambda::Version",
         "PhysicalResourceId": f"{arn}:other-fn:5"},
        {**summary, "LogicalResourceId": "Fn", "ResourceType": "AWS::Lambda::Function",
         "PhysicalResourceId": f"{arn}:fn:6"},
        {**summary, "LogicalResourceId": "Pending", "ResourceType": "AWS::Lambda::Version"},
    ]  # fmt: skip
    second = [{**summary, "LogicalResourceId": "FnVersionB", "ResourceType": "AWS::Lambda::Version",
               "PhysicalResourceId": f"{arn}:fn:7"}]  # fmt: skip
    with Stubber(client) as stub:
        stub.add_response("list_stack_resources", {"StackResourceSummaries": first, "NextToken": "n"},
                          {"StackName": "version-demo-prod"})  # fmt: skip
        stub.add_response("list_stack_resources", {"StackResourceSummaries": second},
                          {"StackName": "version-demo-prod", "NextToken": "n"})  # fmt: skip
        held = stack_held_versions(ctx, stack="version-demo-prod", function="fn", new_version="9")
        stub.assert_no_pending_responses()
    assert held == {
        "9": "stack version-demo-prod (NewVersion output)",
        "4": "stack version-demo-prod (FnVersionA)",
        "7": "stack version-demo-prod (FnVersionB)",
    }


def test_a_stack_that_cannot_be_read_stops_the_prune_and_names_it() -> None:
    from release_cli.ops.prune_plan import stack_held_versions

    client = boto3.client("cloudformation", region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t")
    ctx = AwsContext(region=REGION)
    ctx.use("cloudformation", client)
    with Stubber(client) as stub, pytest.raises(OpsError) as failed:
        stub.add_client_error("list_stack_resources", "AccessDenied", "not allowed", 403)
        stack_held_versions(ctx, stack="version-demo-prod", function="fn", new_version=None)
    assert "reading the resources of stack version-demo-prod" in str(failed.value)
