"""The event files and what is built from them: validation rules, the hook's package, the console schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from service_model.test_events import (
    MAX_HOOK_EVENTS_BYTES,
    TestEvent,
    TestEventError,
    console_schema_content,
    events_for_hook,
    load_events,
    parse_event,
)

SEED_EVENTS = {"CreateOrderValid", "CreateOrderMissingCustomer", "GetOrderStatus"}
GOOD: dict[str, Any] = {
    "name": "Sample",
    "description": "a sample",
    "production_safe": False,
    "payload": {"action": "status", "orderId": "X"},
    "expected": {"statusCode": 404},
}


def test_the_seed_events_are_there() -> None:
    assert {event.name for event in load_events()} >= SEED_EVENTS


def test_every_event_file_is_valid() -> None:
    assert all(isinstance(event, TestEvent) for event in load_events())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "has space"}, "name must be"),
        ({"extra": 1}, "unknown keys"),
        ({"description": ""}, "description"),
        ({"production_safe": "yes"}, "production_safe"),
        ({"payload": [1]}, "payload must be a JSON object"),
        ({"expected": {"statusCode": 99}}, "statusCode"),
        ({"expected": {"statusCode": 200, "status": 200}}, "expected must be an object"),
        ({"expected": {"statusCode": 200, "bodyHas": "orderId"}}, "bodyHas"),
    ],
)
def test_invalid_event_documents_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(TestEventError, match=message):
        parse_event({**GOOD, **change}, "Sample.json" if "name" not in change else "x")


def test_file_name_must_match_event_name() -> None:
    with pytest.raises(TestEventError, match=r"must be named Sample\.json"):
        parse_event(GOOD, "Other.json")


def test_production_safe_create_must_expire() -> None:
    create = {**GOOD, "production_safe": True, "payload": {"action": "create", "customerId": "C"}}
    create["expected"] = {"statusCode": 200}
    with pytest.raises(TestEventError, match="smokeTest"):
        parse_event(create, "Sample.json")


def test_production_safe_create_expected_to_fail_must_expire_too() -> None:
    # A regressed version could store what it should refuse; during the pre-traffic hook that is production.
    create = {**GOOD, "production_safe": True, "payload": {"action": "create", "items": []}}
    create["expected"] = {"statusCode": 400}
    with pytest.raises(TestEventError, match="smokeTest"):
        parse_event(create, "Sample.json")


def test_production_safe_http_create_must_expire() -> None:
    payload = {"requestContext": {"http": {"method": "POST"}}, "routeKey": "$default", "body": '{"customerId": "C"}'}
    create = {**GOOD, "production_safe": True, "payload": payload, "expected": {"statusCode": 200}}
    with pytest.raises(TestEventError, match="smokeTest"):
        parse_event(create, "Sample.json")


def test_duplicate_names_in_a_folder_are_refused(tmp_path: Path) -> None:
    (tmp_path / "Sample.json").write_text(json.dumps(GOOD))
    (tmp_path / "sample2.json").write_text(json.dumps({**GOOD, "name": "sample2"}))
    with pytest.raises(TestEventError, match="duplicate"):
        console_schema_content([*load_events(tmp_path), parse_event(GOOD, "Sample.json")])


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TestEventError, match="no event files"):
        load_events(tmp_path)


def test_hook_events_are_only_the_production_safe_ones() -> None:
    names = {event["name"] for event in json.loads(events_for_hook())}
    assert names == {event.name for event in load_events() if event.production_safe}


def test_hook_events_fit_the_environment_variable_budget() -> None:
    # Lambda: 4 KB for all environment variables together; the hook also needs FUNCTION_NAME and ALIAS_NAME.
    assert len(events_for_hook().encode("utf-8")) <= MAX_HOOK_EVENTS_BYTES


def test_hook_events_over_budget_fail_loudly() -> None:
    big = TestEvent("Big", "d", True, {"action": "status", "orderId": "x" * MAX_HOOK_EVENTS_BYTES}, {"statusCode": 400})
    with pytest.raises(TestEventError, match="budget"):
        events_for_hook([big])


def test_hook_needs_at_least_one_production_safe_event() -> None:
    with pytest.raises(TestEventError, match="no production-safe events"):
        events_for_hook([parse_event(GOOD, "Sample.json")])


def test_console_schema_has_the_sam_cli_layout() -> None:
    schema = json.loads(console_schema_content(load_events()))
    assert (schema["openapi"], schema["info"]["title"], sorted(schema["components"])) == (
        "3.0.0",
        "Event",
        ["examples", "schemas"],
    )


def test_console_schema_examples_are_the_payloads_by_name() -> None:
    events = load_events()
    examples = json.loads(console_schema_content(events))["components"]["examples"]
    assert examples == {
        e.name: {"value": e.payload, "x-metadata": {"invocationType": "RequestResponse"}} for e in events
    }


def test_console_schema_describes_the_payload_fields() -> None:
    event_schema = json.loads(console_schema_content(load_events()))["components"]["schemas"]["Event"]
    assert event_schema["type"] == "object" and {"action", "customerId", "items"} <= set(event_schema["properties"])


def test_matcher_accepts_a_matching_response() -> None:
    event = parse_event(GOOD, "Sample.json")
    body = {"message": "m", "version": "1", "functionVersion": "1", "action": "status"}
    assert event.mismatches({"statusCode": 404, "body": json.dumps(body)}) == []


def test_matcher_names_each_difference() -> None:
    event = parse_event(
        {**GOOD, "expected": {"statusCode": 404, "body": {"error": "x"}, "bodyHas": ["id"]}}, "Sample.json"
    )
    problems = event.mismatches({"statusCode": 200, "body": json.dumps({"error": "y"})})
    assert problems == [
        "statusCode: expected 404, got 200",
        "body.message: missing (contract field)",
        "body.version: missing (contract field)",
        "body.functionVersion: missing (contract field)",
        "body.action: missing (contract field)",
        'body.error: expected "x", got "y"',
        "body.id: expected a value, got none",
    ]


def test_matcher_does_not_confuse_true_with_1() -> None:
    event = parse_event({**GOOD, "expected": {"statusCode": 404, "body": {"flag": True}}}, "Sample.json")
    body = {"message": "m", "version": "1", "functionVersion": "1", "action": "a", "flag": 1}
    assert event.mismatches({"statusCode": 404, "body": json.dumps(body)}) == ["body.flag: expected true, got 1"]
