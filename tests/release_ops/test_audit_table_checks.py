"""The audit table as the release commands use it: the permission probe's key and each answer it can
get, the table's key schema as DescribeTable reports it, the item a record becomes, its time stamp and
partition, and reading the trail (its errors, its limit).

The probe's answers other than moto's are botocore event hooks (``aws_hooks``), since moto enforces no
IAM and always honours a condition.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from release_cli.ops import audit_log
from release_cli.ops.audit_log import PROBE_CONDITION, AuditRecord, check_table, key_schema_problem
from release_cli.ops.clients import AwsContext
from release_cli.ops.errors import OpsError
from tests.release_ops.aws_hooks import aws_error, hook_cli_clients, request_body
from tests.release_ops.conftest import REGION, Lab

NEEDS = "(release records need partition key PK and sort key SK)"
NEEDS_S = "(release records need PK and SK of type S, a string)"


def _answer(parsed: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from botocore.awsrequest import AWSResponse

    return AWSResponse("https://hooked.invalid", 200, {}, None), {**parsed, "ResponseMetadata": {"HTTPStatusCode": 200}}


def _probes(monkeypatch: pytest.MonkeyPatch, answer: Any = None) -> list[dict[str, Any]]:
    """Keep every PutItem the CLI sends; answer it with ``answer()`` (None: let it reach moto)."""
    sent: list[dict[str, Any]] = []

    def hook(params: dict[str, Any], **_: Any) -> Any:
        sent.append(request_body(params))
        return answer() if answer else None

    hook_cli_clients(monkeypatch, {"before-call.dynamodb.PutItem": hook})
    return sent


def test_the_probe_is_a_put_item_on_its_own_probe_key_that_can_never_succeed(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = _probes(monkeypatch)
    check_table(AwsContext(region=REGION), lab.table)
    (probe,) = sent
    assert probe["TableName"] == lab.table and probe["ConditionExpression"] == PROBE_CONDITION
    assert set(probe["Item"]) == {"PK", "SK"} and probe["Item"]["PK"] == {"S": "RELEASE#PROBE"}
    assert re.fullmatch(r"PROBE#[0-9a-f]{16}", probe["Item"]["SK"]["S"]), probe["Item"]["SK"]
    assert lab.audit_items() == []


@pytest.mark.parametrize("code", ["AccessDeniedException", "AccessDenied"])
def test_a_denied_probe_in_either_spelling_refuses_the_prune_with_aws_own_words(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    lab.publish("v3")
    lab.publish("v4")
    _probes(monkeypatch, lambda: aws_error(code, "User: tester is not authorized to perform: dynamodb:PutItem", 403))
    result = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply", "--yes")
    assert result.code == 2
    assert result.err == (
        f"error: the audit record cannot be written to {lab.table}: dynamodb:PutItem is denied (User: tester is "
        "not authorized to perform: dynamodb:PutItem); nothing was changed. Grant the caller dynamodb:PutItem on "
        "the table, then run again\n"
    )
    assert lab.versions() == ["1", "2", "3", "4"]


def test_an_endpoint_that_accepts_the_impossible_put_is_refused_naming_the_probe_item(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = _probes(monkeypatch, lambda: _answer({}))
    with pytest.raises(OpsError) as refused:
        check_table(AwsContext(region=REGION), lab.table)
    probe_sk = sent[0]["Item"]["SK"]["S"]
    assert str(refused.value) == (
        f"the audit table {lab.table} accepted a PutItem whose condition can never hold (probe item "
        f"PK=RELEASE#PROBE, SK={probe_sk}): this endpoint does not honour conditional writes, so a "
        "release record's no-overwrite guard would not hold either; nothing else was changed"
    )


def test_any_other_answer_to_the_probe_says_what_was_being_checked(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    _probes(monkeypatch, lambda: aws_error("ProvisionedThroughputExceededException", "slow down"))
    with pytest.raises(OpsError) as failed:
        check_table(AwsContext(region=REGION), lab.table)
    assert str(failed.value).startswith(
        f"checking that the audit record can be written to {lab.table} (a PutItem that writes nothing): "
        "ProvisionedThroughputExceededException: slow down ("
    )


def test_a_missing_audit_table_is_named_with_what_to_do(aws_env: str) -> None:
    with pytest.raises(OpsError) as failed:
        check_table(AwsContext(region=REGION), "no-such-audit-table")
    message = str(failed.value)
    assert message.startswith("finding the audit table no-such-audit-table: ResourceNotFoundException: ")
    assert message.endswith("(deploy the stage's stack first, or name the table with --audit-table)")


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        ({}, f"its key is not described {NEEDS}"),
        ({"KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}]},
         f"key PK is not described {NEEDS_S}"),
        ({"KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
          "AttributeDefinitions": [{"AttributeName": "PK", "AttributeType": "S"},
                                   {"AttributeName": "SK", "AttributeType": "X"}]},
         f"key SK is of type X {NEEDS_S}"),
        ({"KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
          "AttributeDefinitions": [{"AttributeName": "PK", "AttributeType": "S"},
                                   {"AttributeName": "SK", "AttributeType": "S"}]},
         ""),
    ],
    ids=["nothing described", "no attribute types", "an unknown type", "as designed"],
)  # fmt: skip
def test_a_description_with_parts_missing_names_what_is_missing(description: dict[str, Any], problem: str) -> None:
    assert key_schema_problem(description) == problem


RECORD_ID = "0123abcd"
AT = "2026-01-02T03:04:05.678Z"


def test_a_moves_item_holds_its_versions_even_when_empty_and_no_prune_fields() -> None:
    record = AuditRecord(who="arn:aws:iam::1:user/u", at=AT, function="fn", action="promote", alias="live",
                         to_version="3", to_weights={"4": 0.1}, record_id=RECORD_ID)  # fmt: skip
    assert audit_log.to_item(record) == {
        "PK": {"S": "RELEASE#fn#ALIAS#live"},
        "SK": {"S": f"MOVE#{AT}#{RECORD_ID}"},
        "who": {"S": "arn:aws:iam::1:user/u"},
        "at": {"S": AT},
        "function": {"S": "fn"},
        "action": {"S": "promote"},
        "alias": {"S": "live"},
        "fromVersion": {"S": ""},
        "toVersion": {"S": "3"},
        "toWeights": {"M": {"4": {"N": "0.1"}}},
        "recordId": {"S": RECORD_ID},
    }
    assert audit_log.from_item(audit_log.to_item(record)) == record


def test_a_prunes_item_holds_the_deleted_versions_and_the_bytes_freed() -> None:
    record = AuditRecord(who="w", at=AT, function="fn", action="prune", deleted_versions=("3", "4"),
                         bytes_freed=2048, record_id=RECORD_ID)  # fmt: skip
    item = audit_log.to_item(record)
    assert item["PK"] == {"S": "RELEASE#fn#VERSIONS"} and item["SK"] == {"S": f"PRUNE#{AT}#{RECORD_ID}"}
    assert item["deletedVersions"] == {"L": [{"S": "3"}, {"S": "4"}]} and item["bytesFreed"] == {"N": "2048"}
    assert (item["fromVersion"], item["toVersion"]) == ({"S": ""}, {"S": ""})
    assert audit_log.from_item(item) == record


def test_the_time_stamp_is_utc_with_milliseconds_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+05:30 all year
    time.tzset()
    try:
        stamp = audit_log.now_iso()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stamp), stamp
    taken = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - taken) < timedelta(seconds=30)


@pytest.mark.parametrize(
    "function",
    ["fn", f"arn:aws:lambda:{REGION}:123456789012:function:fn", f"arn:aws:lambda:{REGION}:123456789012:function:fn:7"],
    ids=["name", "ARN", "qualified ARN"],
)
def test_a_function_name_and_its_arns_share_one_trail(function: str) -> None:
    assert audit_log.partition_key(function, "") == "RELEASE#fn#VERSIONS"
    assert audit_log.partition_key(function, "live") == "RELEASE#fn#ALIAS#live"


def test_a_trail_that_cannot_be_read_says_which_table(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    hook_cli_clients(monkeypatch, {"before-call.dynamodb.Query": lambda **_: aws_error("AccessDeniedException", "no")})
    with pytest.raises(OpsError) as failed:
        audit_log.read_trail(AwsContext(region=REGION), lab.table, function=lab.function, alias="prod")
    assert str(failed.value).startswith(f"reading the audit trail in {lab.table}: AccessDeniedException: no (")


def test_reading_the_trail_stops_at_the_page_that_reaches_the_limit() -> None:
    """Each page is one Query call (up to 1 MB each): once ``limit`` records are read, no next page is
    asked for (the Stubber answers only the calls queued, and fails on any other)."""
    import boto3
    from botocore.stub import ANY, Stubber

    def item(n: int) -> dict[str, Any]:
        return audit_log.to_item(AuditRecord(who="w", at=AT, function="fn", action="prune", record_id=str(n)))

    first = {"Items": [item(1), item(2)], "LastEvaluatedKey": item(2)}
    request = {"TableName": "t", "KeyConditionExpression": "PK = :pk", "ScanIndexForward": False,
               "ExpressionAttributeValues": {":pk": {"S": "RELEASE#fn#VERSIONS"}}}  # fmt: skip
    client = boto3.client("dynamodb", region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t")
    ctx = AwsContext(region=REGION)
    ctx.use("dynamodb", client)
    with Stubber(client) as stub:
        stub.add_response("query", first, request)
        records = audit_log.read_trail(ctx, "t", function="fn", alias="", limit=2)
        stub.assert_no_pending_responses()
        stub.add_response("query", first, request)
        stub.add_response("query", {"Items": [item(3)]}, {**request, "ExclusiveStartKey": ANY})
        everything = audit_log.read_trail(ctx, "t", function="fn", alias="")
        stub.assert_no_pending_responses()
    assert [r.record_id for r in records] == ["1", "2"]
    assert [r.record_id for r in everything] == ["1", "2", "3"]
    assert ctx.calls == ["dynamodb.Query"] * 3


def test_a_record_is_never_written_over(lab: Lab) -> None:
    ctx = AwsContext(region=REGION)
    record = AuditRecord(who="w", at=AT, function=lab.function, action="prune", deleted_versions=("3",))
    audit_log.write_record(ctx, lab.table, record)
    with pytest.raises(OpsError) as refused:
        audit_log.write_record(ctx, lab.table, AuditRecord(**{**record.__dict__, "deleted_versions": ("4",)}))
    assert "ConditionalCheckFailedException" in str(refused.value)
    (item,) = lab.audit_items()
    assert item["deletedVersions"] == {"L": [{"S": "3"}]}
