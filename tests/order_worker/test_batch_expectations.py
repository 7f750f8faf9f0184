"""The matcher's second kind of expectation, ``{"batchItemFailures": [...]}``, and its validation.

The HTTP kind is pinned whole in ``tests/order_api/test_hook_units.py``; here: the batch kind compares
the list exactly, never asks for the HTTP contract fields, and cannot be mixed with the HTTP keys.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pre_traffic.expectations import mismatches

from service_model.test_events import TestEventError, parse_event

ONE = [{"itemIdentifier": "200"}]
GOOD: dict[str, Any] = {
    "name": "Sample",
    "description": "a sample",
    "production_safe": False,
    "payload": {"Records": []},
    "expected": {"batchItemFailures": ONE},
}


@pytest.mark.parametrize(
    ("expected", "response"),
    [
        ([], {"batchItemFailures": []}),
        (ONE, {"batchItemFailures": [{"itemIdentifier": "200"}]}),
        (ONE, {"batchItemFailures": [{"itemIdentifier": "200"}], "extra": 1}),
    ],
)
def test_an_equal_list_matches_with_no_contract_fields(expected: Any, response: Any) -> None:
    assert mismatches({"batchItemFailures": expected}, response) == []


@pytest.mark.parametrize(
    ("expected", "response", "problem"),
    [
        ([], {"batchItemFailures": ONE}, 'batchItemFailures: expected [], got [{"itemIdentifier": "200"}]'),
        (ONE, {"batchItemFailures": []}, 'batchItemFailures: expected [{"itemIdentifier": "200"}], got []'),
        (
            [{"itemIdentifier": "1"}, {"itemIdentifier": "2"}],
            {"batchItemFailures": [{"itemIdentifier": "2"}, {"itemIdentifier": "1"}]},
            'batchItemFailures: expected [{"itemIdentifier": "1"}, {"itemIdentifier": "2"}], '
            'got [{"itemIdentifier": "2"}, {"itemIdentifier": "1"}]',
        ),
        (ONE, {"batchItemFailures": [{"itemIdentifier": 200}]}, 'got [{"itemIdentifier": 200}]'),
        ([], {"batchItemFailures": None}, "batchItemFailures: expected [], got null"),
        ([], {}, "batchItemFailures: missing"),
        ([], {"statusCode": 200, "body": "{}"}, "batchItemFailures: missing"),
    ],
    ids=["extra-failure", "missing-failure", "order", "type", "null", "absent", "http-response"],
)
def test_any_difference_is_one_problem(expected: Any, response: Any, problem: str) -> None:
    problems = mismatches({"batchItemFailures": expected}, response)
    assert len(problems) == 1 and problem in problems[0]


def test_a_response_that_is_not_an_object_says_so() -> None:
    assert mismatches({"batchItemFailures": []}, [1]) == ["response is not an object: [1]"]


def test_an_http_expectation_still_asks_for_the_contract_fields() -> None:
    # The batch kind must not leak into the HTTP one: a batch-shaped response fails an HTTP expectation.
    assert mismatches({"statusCode": 200}, {"batchItemFailures": []}) == [
        "statusCode: expected 200, got None",
        "body is not a JSON object: null",
    ]
    body = json.dumps({"message": "m", "version": "1", "functionVersion": "1"})
    assert mismatches({"statusCode": 200}, {"statusCode": 200, "body": body}) == [
        "body.action: missing (contract field)"
    ]


def test_the_service_model_uses_the_same_matcher() -> None:
    event = parse_event(GOOD, "Sample.json")
    assert event.mismatches({"batchItemFailures": ONE}) == []
    assert event.mismatches({"batchItemFailures": []}) == [
        'batchItemFailures: expected [{"itemIdentifier": "200"}], got []'
    ]


@pytest.mark.parametrize(
    "failures",
    [[], ONE, [{"itemIdentifier": ""}], [{"itemIdentifier": "1"}, {"itemIdentifier": "2"}]],
    ids=["none", "one", "whole-batch", "two"],
)
def test_a_batch_expectation_is_a_valid_event(failures: Any) -> None:
    assert parse_event({**GOOD, "expected": {"batchItemFailures": failures}}, "Sample.json").has_expectation


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        ({"batchItemFailures": [], "statusCode": 200}, "cannot be combined with statusCode"),
        ({"batchItemFailures": [], "body": {}, "bodyHas": []}, "cannot be combined with body, bodyHas"),
        ({"batchItemFailures": None}, "must be a list"),
        ({"batchItemFailures": {"itemIdentifier": "1"}}, "must be a list"),
        ({"batchItemFailures": ["1"]}, r"batchItemFailures\[0\] must be"),
        ({"batchItemFailures": [{"itemIdentifier": 1}]}, r"batchItemFailures\[0\] must be"),
        ({"batchItemFailures": [{"itemIdentifier": "1"}, {"id": "2"}]}, r"batchItemFailures\[1\] must be"),
        ({"batchItemFailures": [{"itemIdentifier": "1", "extra": 1}]}, r"batchItemFailures\[0\] must be"),
        ({"batchItemFailure": []}, "expected must be an object with keys from"),
    ],
)
def test_a_malformed_batch_expectation_is_refused(expected: Any, message: str) -> None:
    with pytest.raises(TestEventError, match=message):
        parse_event({**GOOD, "expected": expected}, "Sample.json")


def test_an_http_expectation_still_needs_its_status_code() -> None:
    with pytest.raises(TestEventError, match="statusCode must be an HTTP status code"):
        parse_event({**GOOD, "expected": {"body": {}}}, "Sample.json")
