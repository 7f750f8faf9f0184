"""``test_events/order_worker/``: every file is a valid event, runs through the worker and matches its
expectation; the production-safe ones change nothing; the Order API's folder never reads them."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from service_model.test_events import (
    MAX_HOOK_EVENTS_BYTES,
    TestEvent,
    console_schema_content,
    events_for_hook,
    load_events,
)
from tests.order_worker.conftest import EVENTS_DIR, ORDERS, ROOT, context, get_order, order_item, scan

EVENTS = {event.name: event for event in load_events(EVENTS_DIR)}
EXPECTED_NAMES = {
    "InsertPendingOrderConfirmed",
    "InsertUnknownOrderSkipped",
    "ModifySkipped",
    "MalformedRecordFailsRest",
}


def run(worker: ModuleType, event: TestEvent) -> Any:
    response = worker.lambda_handler(json.loads(json.dumps(event.payload)), context())
    return json.loads(json.dumps(response))


def inserted_images(event: TestEvent) -> list[dict[str, Any]]:
    """The items the event's INSERT records say were written: the table as it is when the stream delivers them."""
    return [
        record["dynamodb"]["NewImage"]
        for record in event.payload["Records"]
        if record.get("eventName") == "INSERT" and "NewImage" in record.get("dynamodb", {})
    ]


def test_the_events_are_the_ones_described() -> None:
    assert set(EVENTS) == EXPECTED_NAMES
    assert {name for name, event in EVENTS.items() if event.production_safe} == EXPECTED_NAMES - {
        "InsertPendingOrderConfirmed"
    }


def test_the_loader_reads_this_checkout() -> None:
    from service_model import test_events

    assert Path(test_events.__file__).resolve().is_relative_to(ROOT)


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_each_event_matches_its_expectation(ddb: Any, worker: ModuleType, name: str) -> None:
    event = EVENTS[name]
    if not event.production_safe:
        for item in inserted_images(event):
            ddb.put_item(TableName=ORDERS, Item=item)
    assert event.mismatches(run(worker, event)) == []


@pytest.mark.parametrize("name", sorted(name for name, event in EVENTS.items() if event.production_safe))
def test_a_production_safe_event_changes_nothing(ddb: Any, worker: ModuleType, name: str) -> None:
    # A table with data in it, including a PENDING order the event does not name.
    for item in (
        order_item("ORD-live-1"),
        order_item("ORD-2024-100", status="CONFIRMED"),
        order_item("ORD-x", "SHIPPED"),
    ):
        ddb.put_item(TableName=ORDERS, Item=item)
    before = scan(ddb)
    assert EVENTS[name].mismatches(run(worker, EVENTS[name])) == []
    assert scan(ddb) == before


def test_the_confirming_event_confirms_its_order(ddb: Any, worker: ModuleType) -> None:
    event = EVENTS["InsertPendingOrderConfirmed"]
    (item,) = inserted_images(event)
    ddb.put_item(TableName=ORDERS, Item=item)
    run(worker, event)
    assert (get_order(ddb, item["orderId"]["S"]) or {})["status"] == {"S": "CONFIRMED"}


def test_a_wrong_expectation_is_caught(ddb: Any, worker: ModuleType) -> None:
    event = EVENTS["MalformedRecordFailsRest"]
    wrong = TestEvent(event.name, event.description, True, event.payload, {"batchItemFailures": []})
    assert wrong.mismatches(run(worker, event)) != []


def test_the_order_api_folder_does_not_read_the_worker_folder() -> None:
    root_names = {event.name for event in load_events(ROOT / "test_events")}
    assert root_names and not root_names & set(EVENTS)


def test_a_subfolder_is_never_read_with_its_parent(tmp_path: Path) -> None:
    document = {"description": "d", "production_safe": False, "payload": {}, "expected": {"batchItemFailures": []}}
    (tmp_path / "Top.json").write_text(json.dumps({"name": "Top", **document}))
    (tmp_path / "worker").mkdir()
    (tmp_path / "worker" / "Nested.json").write_text(json.dumps({"name": "Nested", **document}))
    assert [event.name for event in load_events(tmp_path)] == ["Top"]
    assert [event.name for event in load_events(tmp_path / "worker")] == ["Nested"]


def test_the_production_safe_events_fit_a_pre_traffic_hook() -> None:
    document = events_for_hook(list(EVENTS.values()))
    assert len(document.encode("utf-8")) <= MAX_HOOK_EVENTS_BYTES
    assert {event["name"] for event in json.loads(document)} == {n for n, e in EVENTS.items() if e.production_safe}


def test_the_events_make_a_console_schema() -> None:
    examples = json.loads(console_schema_content(list(EVENTS.values())))["components"]["examples"]
    assert set(examples) == set(EVENTS)
