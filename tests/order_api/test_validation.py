"""Every create/status rule, one per test, on the pure validation functions."""

from __future__ import annotations

from typing import Any

import pytest
from order_service.errors import BadRequest
from order_service.validation import (
    MAX_QUANTITY,
    validate_create,
    validate_idempotency_key,
    validate_order_id,
)

VALID = {"customerId": "CUST-001", "items": [{"productId": "PROD-A", "quantity": 2}]}


def problems(params: dict[str, Any], max_items: int = 25) -> list[tuple[str, str]]:
    with pytest.raises(BadRequest) as caught:
        validate_create(params, max_items)
    return [(error.field, error.problem) for error in caught.value.errors]


def test_valid_order_is_accepted() -> None:
    order = validate_create(VALID, 25)
    assert (order.customer_id, order.items[0].product_id, order.items[0].quantity) == ("CUST-001", "PROD-A", 2)


def test_customer_id_is_trimmed() -> None:
    assert validate_create({**VALID, "customerId": "  C1 "}, 25).customer_id == "C1"


@pytest.mark.parametrize(
    ("customer_id", "problem"),
    [
        (None, "is required"),
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        (7, "must be a string, got number"),
    ],
)
def test_customer_id_rules(customer_id: Any, problem: str) -> None:
    params = {**VALID, "customerId": customer_id} if customer_id is not None else {"items": VALID["items"]}
    assert problems(params) == [("customerId", problem)]


def test_customer_id_length_is_bounded() -> None:
    assert problems({**VALID, "customerId": "C" * 129}) == [("customerId", "must be at most 128 characters")]


@pytest.mark.parametrize(
    ("items", "problem"),
    [
        (None, "must be an array, got null"),
        ("PROD-A", "must be an array, got string"),
        ({}, "must be an array, got object"),
        ([], "must contain at least one item"),
    ],
)
def test_items_rules(items: Any, problem: str) -> None:
    # Present but not a list of 1..max items: a 400 naming items, null and [] included.
    assert problems({**VALID, "items": items}) == [("items", problem)]


def test_absent_items_is_an_order_with_no_items_yet() -> None:
    # The seed's alias test, {"action":"create","customerId":"CUST-001"}, expects a 200: the other side
    # of the line drawn by test_items_rules (an explicit empty list or null is still refused).
    order = validate_create({"customerId": "CUST-001"}, 25)
    assert (order.customer_id, order.items) == ("CUST-001", ())


def test_absent_items_does_not_excuse_the_other_rules() -> None:
    assert problems({"smokeTest": "yes"}) == [
        ("customerId", "is required"),
        ("smokeTest", "must be a boolean, got string"),
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"items": VALID["items"]}, "customerId is required"),
        ({"customerId": "C", "items": []}, "items must contain at least one item"),
        (
            {"items": [{"productId": "P", "quantity": 0}]},
            "customerId is required; items[0].quantity must be between 1 and 1000, got 0",
        ),
    ],
)
def test_error_line_reads_as_the_seeds(params: dict[str, Any], message: str) -> None:
    # The seed's v2 answers {"error": "customerId is required"}; every rule's line is worded the same way.
    with pytest.raises(BadRequest) as caught:
        validate_create(params, 25)
    assert caught.value.message == message


def test_item_count_limit_comes_from_the_caller() -> None:
    items = [{"productId": f"P{i}", "quantity": 1} for i in range(4)]
    assert problems({**VALID, "items": items}, max_items=3) == [("items", "must contain at most 3 items, got 4")]


def test_item_must_be_an_object() -> None:
    assert problems({**VALID, "items": ["PROD-A"]}) == [("items[0]", "must be an object, got string")]


@pytest.mark.parametrize(
    ("product_id", "problem"),
    [(None, "is required"), ("", "must not be empty"), (5, "must be a string, got number")],
)
def test_product_id_rules(product_id: Any, problem: str) -> None:
    item = {"quantity": 1} if product_id is None else {"productId": product_id, "quantity": 1}
    assert problems({**VALID, "items": [item]}) == [("items[0].productId", problem)]


def test_product_id_length_is_bounded() -> None:
    item = {"productId": "P" * 65, "quantity": 1}
    assert problems({**VALID, "items": [item]}) == [("items[0].productId", "must be at most 64 characters")]


@pytest.mark.parametrize(
    ("quantity", "problem"),
    [
        (None, "is required"),
        (0, "must be between 1 and 1000, got 0"),
        (-3, "must be between 1 and 1000, got -3"),
        (MAX_QUANTITY + 1, "must be between 1 and 1000, got 1001"),
        (1.5, "must be an integer, got number"),
        (2.0, "must be an integer, got number"),
        (True, "must be an integer, got boolean"),
        ("2", "must be an integer, got string"),
    ],
)
def test_quantity_rules(quantity: Any, problem: str) -> None:
    item = {"productId": "P"} if quantity is None else {"productId": "P", "quantity": quantity}
    assert problems({**VALID, "items": [item]}) == [("items[0].quantity", problem)]


def test_quantity_upper_bound_is_allowed() -> None:
    assert (
        validate_create({**VALID, "items": [{"productId": "P", "quantity": MAX_QUANTITY}]}, 25).items[0].quantity
        == 1000
    )


def test_duplicate_product_ids_are_refused() -> None:
    items = [{"productId": "P", "quantity": 1}, {"productId": "P", "quantity": 2}]
    assert problems({**VALID, "items": items}) == [("items[1].productId", "duplicates items[0]")]


def test_smoke_test_must_be_boolean() -> None:
    assert problems({**VALID, "smokeTest": "yes"}) == [("smokeTest", "must be a boolean, got string")]


def test_every_violation_is_reported_at_once() -> None:
    found = problems({"items": [{"productId": "", "quantity": 0}]})
    assert [field for field, _ in found] == ["customerId", "items[0].productId", "items[0].quantity"]


def test_reported_violations_are_capped() -> None:
    items = [{"productId": "", "quantity": 0} for _ in range(20)]
    found = problems({"customerId": "C", "items": items})
    assert len(found) == 21 and found[-1] == ("(more)", "20 further problem(s) not listed")


@pytest.mark.parametrize(
    ("order_id", "problem"),
    [
        (None, "is required"),
        (12, "must be a string, got number"),
        ("ORD/1", "must be 1 to 64 letters, digits, '-' or '_'"),
    ],
)
def test_order_id_rules(order_id: Any, problem: str) -> None:
    with pytest.raises(BadRequest) as caught:
        validate_order_id(order_id)
    assert [(e.field, e.problem) for e in caught.value.errors] == [("orderId", problem)]


def test_idempotency_key_is_optional() -> None:
    assert validate_idempotency_key(None) is None


@pytest.mark.parametrize("key", [7, "", "has space", "k" * 129])
def test_idempotency_key_rules(key: Any) -> None:
    with pytest.raises(BadRequest) as caught:
        validate_idempotency_key(key)
    assert caught.value.errors[0].field == "idempotencyKey"


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        (7, "must be a string, got number"),
        ("", "must be 1 to 128 letters, digits or '-_.:'"),
        ("k" * 129, "must be 1 to 128 letters, digits or '-_.:'"),
    ],
)
def test_idempotency_key_problem_in_full(key: Any, problem: str) -> None:
    with pytest.raises(BadRequest) as caught:
        validate_idempotency_key(key)
    assert [(e.field, e.problem) for e in caught.value.errors] == [("idempotencyKey", problem)]


@pytest.mark.parametrize("key", ["k" * 128, "a", "A-z_0.9:x"])
def test_idempotency_key_edges_are_accepted(key: str) -> None:
    assert validate_idempotency_key(key) == key


# The accepted side of each limit (the refused side is tested above): a limit that drifts by one fails here.


def test_customer_id_of_the_maximum_length_is_accepted() -> None:
    assert validate_create({**VALID, "customerId": "C" * 128}, 25).customer_id == "C" * 128


def test_product_id_of_the_maximum_length_is_accepted() -> None:
    item = {"productId": "P" * 64, "quantity": 1}
    assert validate_create({**VALID, "items": [item]}, 25).items[0].product_id == "P" * 64


def test_exactly_the_item_limit_is_accepted() -> None:
    items = [{"productId": f"P{i}", "quantity": 1} for i in range(3)]
    assert len(validate_create({**VALID, "items": items}, max_items=3).items) == 3


def test_problems_after_a_duplicate_are_still_reported() -> None:
    items = [{"productId": "P", "quantity": 1}, {"productId": "P", "quantity": 2}, {"productId": "Q", "quantity": 0}]
    assert problems({**VALID, "items": items}) == [
        ("items[1].productId", "duplicates items[0]"),
        ("items[2].quantity", "must be between 1 and 1000, got 0"),
    ]


def test_exactly_the_reported_maximum_is_listed_without_a_more_line() -> None:
    items = [{"productId": f"P{i}", "quantity": 0} for i in range(19)]
    found = problems({"items": items})  # customerId missing + 19 quantities = 20
    assert len(found) == 20 and found[-1][0] != "(more)"
