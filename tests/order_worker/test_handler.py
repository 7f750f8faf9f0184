"""The worker's public behaviour against a moto orders table: what it changes, what it reports back."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest

from tests.order_worker.conftest import (
    ORDERS,
    batch,
    context,
    failures,
    get_order,
    order_item,
    record,
    scan,
)


def run(worker: ModuleType, event: Any, function_version: str = "3") -> Any:
    """One invocation as Lambda makes it: event and response round-tripped through JSON."""
    response = worker.lambda_handler(json.loads(json.dumps(event)), context(function_version))
    return json.loads(json.dumps(response))


def test_a_new_pending_order_is_confirmed_with_the_workers_versions(ddb: Any, worker: ModuleType) -> None:
    item = order_item("ORD-1")
    ddb.put_item(TableName=ORDERS, Item=item)
    assert run(worker, batch(record("100", item)), function_version="3") == failures()
    stored = get_order(ddb, "ORD-1")
    assert stored is not None
    assert (stored["status"], stored["confirmedByVersion"], stored["confirmedByFunctionVersion"]) == (
        {"S": "CONFIRMED"},
        {"S": "1.0.0"},
        {"S": "3"},
    )
    assert stored["confirmedAt"]["S"].endswith("+00:00") and len(stored["confirmedAt"]["S"]) == 29
    # Nothing else of the order changes (the Order API still reads it whole).
    assert {k: v for k, v in stored.items() if not k.startswith("confirmed") and k != "status"} == {
        k: v for k, v in item.items() if k != "status"
    }


def test_a_redelivered_record_changes_nothing_and_is_not_a_failure(ddb: Any, worker: ModuleType) -> None:
    item = order_item("ORD-1")
    ddb.put_item(TableName=ORDERS, Item=item)
    assert run(worker, batch(record("100", item)), function_version="3") == failures()
    first = scan(ddb)
    assert run(worker, batch(record("100", item)), function_version="4") == failures()
    assert scan(ddb) == first  # still confirmed by version 3, at the first time


def test_an_order_already_moved_on_is_left_alone(ddb: Any, worker: ModuleType) -> None:
    ddb.put_item(TableName=ORDERS, Item=order_item("ORD-1", status="SHIPPED"))
    before = scan(ddb)
    assert run(worker, batch(record("100", order_item("ORD-1")))) == failures()
    assert scan(ddb) == before


@pytest.mark.parametrize("expires", [None, "1000"], ids=["deleted", "expired"])
def test_a_missing_or_expired_order_is_skipped_not_failed(
    ddb: Any, worker: ModuleType, expires: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    if expires is not None:  # expired long ago, not yet deleted by TTL
        ddb.put_item(TableName=ORDERS, Item=order_item("ORD-1", expiresAt={"N": expires}))
    before = scan(ddb)
    capsys.readouterr()
    assert run(worker, batch(record("100", order_item("ORD-1")))) == failures()
    assert scan(ddb) == before  # in particular, no stub item was created for a deleted order
    assert json.loads(capsys.readouterr().out)["skippedBy"] == {"order-gone": 1}


def test_a_live_smoke_test_order_is_confirmed_and_keeps_its_expiry(ddb: Any, worker: ModuleType) -> None:
    item = order_item("ORD-1", expiresAt={"N": "9999999999"})
    ddb.put_item(TableName=ORDERS, Item=item)
    assert run(worker, batch(record("100", item))) == failures()
    stored = get_order(ddb, "ORD-1") or {}
    assert (stored["status"], stored["expiresAt"]) == ({"S": "CONFIRMED"}, {"N": "9999999999"})


@pytest.mark.parametrize(
    ("event_name", "item", "reason"),
    [
        ("MODIFY", order_item("ORD-1"), "not-insert"),
        ("REMOVE", order_item("ORD-1"), "not-insert"),
        ("INSERT", order_item("ORD-1", status="SHIPPED"), "not-pending"),
        ("INSERT", {**order_item("x"), "PK": {"S": "IDEMPOTENCY#k"}, "SK": {"S": "IDEMPOTENCY"}}, "not-an-order"),
        ("INSERT", {**order_item("x"), "PK": {"S": "ORDER#x"}, "SK": {"S": "AUDIT"}}, "not-an-order"),
    ],
    ids=["modify", "remove", "insert-not-pending", "insert-idempotency-record", "insert-other-sort-key"],
)
def test_records_that_are_not_new_pending_orders_are_skipped_without_a_call(
    ddb: Any,
    worker: ModuleType,
    event_name: str,
    item: dict[str, Any],
    reason: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from order_worker_service.repository import OrderStore

    for stored in (order_item("ORD-1"), item):
        ddb.put_item(TableName=ORDERS, Item=stored)  # even a PENDING ORD-1 in the table moves only on its INSERT
    before = scan(ddb)
    monkeypatch.setattr(OrderStore, "confirm", lambda *args: pytest.fail("no update expected"))
    capsys.readouterr()
    assert run(worker, batch(record("100", item, event_name=event_name))) == failures()
    assert scan(ddb) == before
    assert json.loads(capsys.readouterr().out)["skippedBy"] == {reason: 1}


def test_a_failure_in_the_middle_reports_it_and_every_later_record(ddb: Any, worker: ModuleType) -> None:
    for order_id in ("ORD-1", "ORD-3", "ORD-4"):
        ddb.put_item(TableName=ORDERS, Item=order_item(order_id))
    broken = record("200", order_item("ORD-2"))
    del broken["dynamodb"]["NewImage"]
    event = batch(
        record("100", order_item("ORD-1")),
        broken,
        record("300", order_item("ORD-3")),
        record("400", order_item("ORD-4"), event_name="MODIFY"),
    )
    assert run(worker, event) == failures("200", "300", "400")
    statuses = {item["orderId"]["S"]: item["status"]["S"] for item in scan(ddb)}
    # Before the failure: done. After it: untouched, so the retry from 200 confirms them in order.
    assert statuses == {"ORD-1": "CONFIRMED", "ORD-3": "PENDING", "ORD-4": "PENDING"}


def test_a_failure_on_the_first_record_reports_the_whole_batch(ddb: Any, worker: ModuleType) -> None:
    ddb.put_item(TableName=ORDERS, Item=order_item("ORD-2"))
    event = batch({"eventName": "INSERT", "dynamodb": {"SequenceNumber": "100"}}, record("200", order_item("ORD-2")))
    assert run(worker, event) == failures("100", "200")
    assert (get_order(ddb, "ORD-2") or {})["status"] == {"S": "PENDING"}


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        ({"dynamodb": {"SequenceNumber": "200"}, "eventName": "INSERT"}, "no 'Keys' object"),
        ({"dynamodb": {"SequenceNumber": "200", "Keys": {"PK": {"S": "ORDER#ORD-2"}}}, "eventName": "INSERT"}, "'SK'"),
        ({"dynamodb": {"SequenceNumber": "200"}, "eventName": "UPSERT"}, "eventName must be one of"),
        ({"eventName": "INSERT", "dynamodb": "200"}, "no 'dynamodb' object"),
        (record("200", {**order_item("x"), "PK": {"S": "ORDER#"}}), "has no order id"),
        (record("200", {k: v for k, v in order_item("ORD-2").items() if k != "status"}), "no string 'status'"),
        (record("200", {**order_item("ORD-2"), "status": {"N": "1"}}), "no string 'status'"),
    ],
    ids=[
        "no-keys",
        "no-sort-key",
        "unknown-event-name",
        "dynamodb-not-an-object",
        "no-order-id",
        "no-status",
        "status-not-a-string",
    ],
)
def test_a_malformed_record_fails_alone_with_a_logged_reason(
    ddb: Any,
    worker: ModuleType,
    broken: dict[str, Any],
    problem: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ddb.put_item(TableName=ORDERS, Item=order_item("ORD-1"))
    capsys.readouterr()
    expected = failures("200") if broken["dynamodb"] != "200" else failures("100")
    assert run(worker, batch(record("100", order_item("ORD-1")), broken)) == expected
    if broken["dynamodb"] != "200":  # the good record before it is done
        assert (get_order(ddb, "ORD-1") or {})["status"] == {"S": "CONFIRMED"}
    assert any(problem in message for message in caplog.messages)
    summary = json.loads(capsys.readouterr().out)
    assert problem in summary["firstFailure"]["reason"]


def test_a_failed_record_without_a_sequence_number_fails_the_whole_batch(ddb: Any, worker: ModuleType) -> None:
    ddb.put_item(TableName=ORDERS, Item=order_item("ORD-1"))
    event = batch(record("100", order_item("ORD-1")), {"eventName": "INSERT"}, record("300", order_item("ORD-3")))
    # Naming only 300 would move the checkpoint past the unnamed record; 100 is done, and harmless to redo.
    assert run(worker, event) == failures("100", "300")


@pytest.mark.parametrize("event", [{}, {"Records": "x"}, [1], None], ids=["no-records", "not-a-list", "list", "null"])
def test_an_event_that_is_not_a_stream_batch_is_reported_failed_whole(ddb: Any, worker: ModuleType, event: Any) -> None:
    assert run(worker, event) == failures("")  # Lambda's "the whole batch failed"


def test_an_empty_batch_is_done(ddb: Any, worker: ModuleType) -> None:
    assert run(worker, batch()) == failures()


def test_the_summary_is_one_json_line_with_counts_and_versions(
    ddb: Any, worker: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    for order_id in ("ORD-1", "ORD-2"):
        ddb.put_item(TableName=ORDERS, Item=order_item(order_id))
    event = batch(
        record("100", order_item("ORD-1")),
        record("150", order_item("ORD-1"), event_name="MODIFY"),
        record("160", order_item("ORD-9")),
        record("200", order_item("ORD-2")),
        {"eventName": "INSERT", "dynamodb": {"SequenceNumber": "300"}},
        record("400", order_item("ORD-3")),
    )
    capsys.readouterr()
    run(worker, event, function_version="12")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    summary.pop("requestId")
    assert summary == {
        "message": "order worker batch",
        "stage": "dev",
        "version": "1.0.0",
        "functionVersion": "12",
        "records": 6,
        "processed": 2,
        "skipped": 2,
        "failed": 2,
        "skippedBy": {"not-insert": 1, "order-gone": 1},
        "firstFailure": {
            "index": 4,
            "sequenceNumber": "300",
            "reason": "malformed record: record has no 'Keys' object",
        },
    }


@pytest.mark.parametrize("value", [None, "", "  "], ids=["unset", "empty", "blank"])
def test_a_missing_orders_table_is_a_clear_error(
    ddb: Any, worker: ModuleType, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("ORDERS_TABLE")
    else:
        monkeypatch.setenv("ORDERS_TABLE", value)
    with pytest.raises(RuntimeError, match=r"environment variable ORDERS_TABLE is not set") as raised:
        run(worker, batch(record("100", order_item("ORD-1"))))
    assert type(raised.value).__name__ == "MisconfiguredError"


def test_stage_is_optional(
    ddb: Any, worker: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("STAGE")
    capsys.readouterr()
    assert run(worker, batch()) == failures()
    assert json.loads(capsys.readouterr().out)["stage"] == "unknown"


def test_the_worker_writes_to_the_table_its_environment_names(
    ddb: Any, worker: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    ddb.put_item(TableName=ORDERS, Item=order_item("ORD-1"))
    monkeypatch.setenv("ORDERS_TABLE", "no-such-table")
    assert run(worker, batch(record("100", order_item("ORD-1")))) == failures("100")  # ResourceNotFound: retried
    assert (get_order(ddb, "ORD-1") or {})["status"] == {"S": "PENDING"}


def test_records_it_has_no_time_left_to_start_are_reported_failed(ddb: Any, worker: ModuleType) -> None:
    ddb.put_item(TableName=ORDERS, Item=order_item("ORD-2"))
    event = batch(record("100", order_item("ORD-1"), event_name="MODIFY"), record("200", order_item("ORD-2")))
    # 4 s left: under the 4.5 s one update may take in the worst case, so the update is not started.
    response = worker.lambda_handler(event, context(timeout_ms=4000))
    assert response == failures("200")
    assert (get_order(ddb, "ORD-2") or {})["status"] == {"S": "PENDING"}


def test_a_throttled_update_fails_that_record_and_the_rest(ddb: Any, worker: ModuleType) -> None:
    from botocore.stub import Stubber
    from order_worker_service import clients

    stubbed = clients.dynamodb()
    with Stubber(stubbed) as stubber:
        stubber.add_response("update_item", {})
        stubber.add_client_error("update_item", "ProvisionedThroughputExceededException", http_status_code=400)
        event = batch(*(record(str(n), order_item(f"ORD-{n}")) for n in (100, 200, 300)))
        assert run(worker, event) == failures("200", "300")
        stubber.assert_no_pending_responses()  # 300 was not attempted


def test_an_unexpected_exception_fails_that_record_and_the_rest_without_raising(
    ddb: Any, worker: ModuleType, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from order_worker_service.repository import OrderStore

    calls: list[str] = []

    def confirm(self: Any, key: dict[str, Any], stamp: Any, now: int) -> str:
        calls.append(key["PK"]["S"])
        if len(calls) == 2:
            raise KeyError("bug")
        return "confirmed"

    monkeypatch.setattr(OrderStore, "confirm", confirm)
    event = batch(*(record(str(n), order_item(f"ORD-{n}")) for n in (100, 200, 300)))
    assert run(worker, event) == failures("200", "300")
    assert calls == ["ORDER#ORD-100", "ORDER#ORD-200"]
    assert any(record.exc_info for record in caplog.records)  # the traceback goes to the log, not the caller


@pytest.mark.parametrize(
    ("now", "expires_at", "outcome"),
    [
        (1000.0, 1000, "confirmed"),
        (1000.0, 1001, "confirmed"),
        (1000.0, 999, "order-gone"),
        (999.5, 1000, "confirmed"),
        (1000.5, 1000, "order-gone"),
    ],
)
def test_an_order_expires_by_the_order_apis_rule(ddb: Any, now: float, expires_at: int, outcome: str) -> None:
    """The Order API answers 404 once ``expiresAt < now``; the worker confirms exactly what it still shows."""
    from order_worker_service import clients
    from order_worker_service.batch import BatchWorker
    from order_worker_service.repository import OrderStore

    item = order_item("ORD-1", expiresAt={"N": str(expires_at)})
    ddb.put_item(TableName=ORDERS, Item=item)
    worker = BatchWorker(OrderStore(clients.dynamodb(), ORDERS), "1.0.0", "3", clock=lambda: now)
    result = worker.run([record("100", item)])
    assert (result.processed, dict(result.skipped_by)) == ((1, {}) if outcome == "confirmed" else (0, {outcome: 1}))
    stored = get_order(ddb, "ORD-1") or {}
    assert stored["status"] == {"S": "CONFIRMED" if outcome == "confirmed" else "PENDING"}
    if outcome == "confirmed":
        assert stored["confirmedAt"]["S"].startswith("1970-01-01T00:16:")
