"""The local DynamoDB's transactions (``release_cli.local_tables``): all or nothing, isolated from each
other, the handler's conditions answered as DynamoDB answers them, and no table copied to get there."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from release_cli.local_tables import dynamodb_semantics

TABLE = "orders"
RACE_WINDOW_SECONDS = 0.2


@pytest.fixture
def ddb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A moto DynamoDB with the semantics on and one table keyed as the orders table (PK, SK), with a stream."""
    import boto3
    from moto import mock_aws

    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws(), dynamodb_semantics():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "PK", "AttributeType": "S"},
                {"AttributeName": "SK", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        yield client


def item(pk: str, **attrs: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": "ORDER"}, **{k: {"S": v} for k, v in attrs.items()}}


def put(pk: str, condition: str | None = "attribute_not_exists(PK)", **attrs: Any) -> dict[str, Any]:
    op: dict[str, Any] = {"TableName": TABLE, "Item": item(pk, **attrs)}
    if condition:
        op["ConditionExpression"] = condition
    return {"Put": op}


def everything(client: Any) -> list[dict[str, Any]]:
    return sorted(client.scan(TableName=TABLE)["Items"], key=lambda found: found["PK"]["S"])


def stream_length(client: Any) -> int:
    from moto.dynamodb.models import dynamodb_backends

    shard = dynamodb_backends["123456789012"]["us-east-1"].get_table(TABLE).stream_shard
    return len(shard.items)


def test_one_failed_condition_cancels_the_whole_transaction(ddb: Any) -> None:
    ddb.put_item(TableName=TABLE, Item=item("B", v="first"))
    with pytest.raises(ClientError) as raised:
        # A's put comes first and passes; B's condition fails: A must not be written either.
        ddb.transact_write_items(TransactItems=[put("A", v="new"), put("C", None, v="new"), put("B", v="second")])
    error = raised.value.response
    assert error["Error"]["Code"] == "TransactionCanceledException"
    assert [reason["Code"] for reason in error["CancellationReasons"]] == ["None", "None", "ConditionalCheckFailed"]
    assert everything(ddb) == [item("B", v="first")]


def test_a_write_refused_half_way_is_undone_with_its_stream_records(ddb: Any) -> None:
    ddb.put_item(TableName=TABLE, Item=item("B", v="first"))
    before = stream_length(ddb)
    bad_update = {
        "Update": {
            "TableName": TABLE,
            "Key": {"PK": {"S": "B"}, "SK": {"S": "ORDER"}},
            "UpdateExpression": "SET v = v + :one",  # a string plus a number: refused when written
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    with pytest.raises(ClientError):
        ddb.transact_write_items(TransactItems=[put("A", v="new"), put("C", v="new"), bad_update])
    assert everything(ddb) == [item("B", v="first")]
    assert stream_length(ddb) == before


def test_a_successful_transaction_writes_every_item(ddb: Any) -> None:
    ddb.put_item(TableName=TABLE, Item=item("B", v="first"))
    delete_b = {"Delete": {"TableName": TABLE, "Key": {"PK": {"S": "B"}, "SK": {"S": "ORDER"}}}}
    ddb.transact_write_items(TransactItems=[put("A", v="new"), delete_b])
    assert everything(ddb) == [item("A", v="new")]


@pytest.fixture
def slow_conditions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every condition takes RACE_WINDOW_SECONDS to evaluate: two transactions started together overlap."""
    from moto.dynamodb import comparisons

    evaluate = comparisons.get_filter_expression

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(RACE_WINDOW_SECONDS)
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(comparisons, "get_filter_expression", slow)


def test_two_racing_transactions_on_one_key_cannot_both_pass(ddb: Any, slow_conditions: None) -> None:
    outcomes: dict[str, str] = {}
    start = threading.Barrier(2)

    def create(value: str) -> None:
        start.wait()
        try:
            ddb.transact_write_items(TransactItems=[put("KEY", v=value)])
            outcomes[value] = "written"
        except ClientError as err:
            outcomes[value] = err.response["Error"]["Code"]

    threads = [threading.Thread(target=create, args=(value,)) for value in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["TransactionCanceledException", "written"]
    winner = next(value for value, outcome in outcomes.items() if outcome == "written")
    assert everything(ddb) == [item("KEY", v=winner)]


@pytest.mark.parametrize(("expires_at", "written"), [("100", True), ("300", False)])
def test_the_idempotency_condition_lets_only_an_expired_record_be_replaced(
    ddb: Any, expires_at: str, written: bool
) -> None:
    """The handler's ``attribute_not_exists(PK) OR expiresAt < :now``, with :now = 200."""
    record = {**item("IDEMPOTENCY#k"), "expiresAt": {"N": expires_at}}
    ddb.put_item(TableName=TABLE, Item=record)
    replace = {
        "Put": {
            "TableName": TABLE,
            "Item": {**item("IDEMPOTENCY#k"), "expiresAt": {"N": "9999"}},
            "ConditionExpression": "attribute_not_exists(PK) OR expiresAt < :now",
            "ExpressionAttributeValues": {":now": {"N": "200"}},
        }
    }
    try:
        ddb.transact_write_items(TransactItems=[replace])
        outcome = True
    except ClientError as err:
        assert err.response["CancellationReasons"][0]["Code"] == "ConditionalCheckFailed"
        outcome = False
    assert outcome is written
    stored = ddb.get_item(TableName=TABLE, Key=item("IDEMPOTENCY#k"), ConsistentRead=True)["Item"]
    assert stored["expiresAt"]["N"] == ("9999" if written else expires_at)


def test_the_config_read_projects_as_dynamodb_does(ddb: Any) -> None:
    ddb.put_item(TableName=TABLE, Item={**item("C"), "value": {"N": "5"}, "other": {"S": "x"}})
    answer = ddb.batch_get_item(
        RequestItems={
            TABLE: {
                "Keys": [item("C"), item("missing")],
                "ProjectionExpression": "PK, #v",
                "ExpressionAttributeNames": {"#v": "value"},
            }
        }
    )
    assert answer["Responses"][TABLE] == [{"PK": {"S": "C"}, "value": {"N": "5"}}]
    assert not answer.get("UnprocessedKeys")


def test_no_table_is_copied(ddb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's own transaction deep-copies each table it touches; these must never."""
    from moto.dynamodb.models.table import Table

    def refuse(self: Any, memo: Any) -> Any:
        raise AssertionError("a table was copied")

    monkeypatch.setattr(Table, "__deepcopy__", refuse, raising=False)
    ddb.transact_write_items(TransactItems=[put("A", v="1"), put("B", v="2")])
    with pytest.raises(ClientError):
        ddb.transact_write_items(TransactItems=[put("C", v="3"), put("A", v="again")])
    assert [found["PK"]["S"] for found in everything(ddb)] == ["A", "B"]


def test_moto_is_itself_again_afterwards() -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler

    originals = DynamoDBBackend.transact_write_items, DynamoHandler.call_action
    with dynamodb_semantics():
        assert (DynamoDBBackend.transact_write_items, DynamoHandler.call_action) != originals
    assert (DynamoDBBackend.transact_write_items, DynamoHandler.call_action) == originals
