"""A change set is reviewed only once CloudFormation has settled it, and a failed one is never "SAFE".

DescribeChangeSet lists zero rows for a change set that failed (a template error, a missing
capability) just as for one with nothing in it, so the review reads the status first: still being
created is waited for; FAILED because the template changes nothing is "no changes"; any other FAILED,
or a change set being deleted, is exit 2 naming CloudFormation's reason. botocore's Stubber plays
CloudFormation here; the emulator-backed walkthrough (LAB.md) reviews a real one with a replacement.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from release_cli.review.changeset import ChangeSetTarget, review_change_set, settled_status
from release_cli.review.errors import ReviewInputError

STACK = "version-demo-dev"
TARGET = ChangeSetTarget(stack_name=STACK, change_set_name="cs")
STATUS_REQUEST = {"ChangeSetName": "cs", "StackName": STACK}
EMPTY_FAILURE = "The submitted information didn't contain changes. Submit different information to create a change set."


def client() -> Any:
    import boto3

    return boto3.client("cloudformation", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")


def status(value: str, reason: str = "") -> dict[str, Any]:
    return {"Status": value, **({"StatusReason": reason} if reason else {})}


def test_a_change_set_being_created_is_waited_for() -> None:
    from botocore.stub import Stubber

    cfn = client()
    with Stubber(cfn) as stub:
        for answer in (status("CREATE_PENDING"), status("CREATE_IN_PROGRESS"), status("CREATE_COMPLETE")):
            stub.add_response("describe_change_set", answer, STATUS_REQUEST)
        assert settled_status(client=cfn, target=TARGET, poll_s=0) == "CREATE_COMPLETE"
        stub.assert_no_pending_responses()


def test_one_still_being_created_at_the_deadline_is_an_error_not_a_review() -> None:
    from botocore.stub import Stubber

    cfn = client()
    with Stubber(cfn) as stub:
        stub.add_response("describe_change_set", status("CREATE_IN_PROGRESS"), STATUS_REQUEST)
        with pytest.raises(ReviewInputError, match=r"still CREATE_IN_PROGRESS after 0 s: nothing was reviewed"):
            settled_status(client=cfn, target=TARGET, wait_s=0, poll_s=0)


@pytest.mark.parametrize(
    ("answer", "named"),
    [
        (status("FAILED", "Requires capabilities : [CAPABILITY_IAM]"), "FAILED (Requires capabilities"),
        (status("FAILED", "Template format error: Unresolved resource dependencies"), "Template format error"),
        (status("FAILED"), "is FAILED: there is nothing to review"),
        (status("DELETE_COMPLETE"), "is DELETE_COMPLETE"),
    ],
)
def test_a_failed_change_set_is_exit_2_naming_the_reason_and_never_reviewed(answer: dict[str, Any], named: str) -> None:
    from botocore.stub import Stubber

    cfn = client()
    with Stubber(cfn) as stub:
        stub.add_response("describe_change_set", answer, STATUS_REQUEST)
        with pytest.raises(ReviewInputError) as refused:
            review_change_set(client=cfn, target=TARGET, label="dev", stage="dev", allowances=[])
        stub.assert_no_pending_responses()  # no rows read: nothing was reviewed
    assert named in str(refused.value)
    assert f"change set cs of {STACK}" in str(refused.value)


def test_a_change_set_refused_for_holding_no_changes_is_safe_with_no_changes() -> None:
    from botocore.stub import Stubber

    cfn = client()
    with Stubber(cfn) as stub:
        stub.add_response("describe_change_set", status("FAILED", EMPTY_FAILURE), STATUS_REQUEST)
        report = review_change_set(client=cfn, target=TARGET, label="dev", stage="dev", allowances=[])
        stub.assert_no_pending_responses()
    assert report.changes == [] and report.blocking == []
    assert any("CloudFormation found no changes" in notice for notice in report.notices)


def test_a_complete_change_set_is_reviewed_from_its_rows() -> None:
    from botocore.stub import Stubber

    cfn = client()
    table = {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "a"}}
    renamed = {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "b"}}
    row = {"Action": "Modify", "LogicalResourceId": "Orders", "ResourceType": "AWS::DynamoDB::Table",
           "Replacement": "True"}  # fmt: skip
    stack = {"StackName": STACK, "CreationTime": "2026-01-01T00:00:00Z", "StackStatus": "UPDATE_COMPLETE"}
    with Stubber(cfn) as stub:
        stub.add_response("describe_change_set", status("CREATE_COMPLETE"), STATUS_REQUEST)
        stub.add_response(
            "describe_change_set",
            {"Changes": [{"Type": "Resource", "ResourceChange": row}]},
            {**STATUS_REQUEST, "IncludePropertyValues": True},
        )
        stub.add_response("describe_stacks", {"Stacks": [stack]}, {"StackName": STACK})
        stub.add_response(
            "get_template", {"TemplateBody": json.dumps({"Resources": {"Orders": table}})}, {"StackName": STACK}
        )
        stub.add_response(
            "get_template", {"TemplateBody": json.dumps({"Resources": {"Orders": renamed}})}, {**STATUS_REQUEST}
        )
        report = review_change_set(client=cfn, target=TARGET, label="dev", stage="dev", allowances=[])
    assert [(f.kind, f.logical_ids) for f in report.blocking] == [("replacement", ("Orders",))]
