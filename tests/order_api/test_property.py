"""Property: whatever JSON-like event arrives, the handler answers without an unhandled exception, never
with a 5xx for the caller's input, and leaves every order with its audit entry (and no entry without its order).

Events come from four generators: arbitrary JSON values; direct-invoke creates/statuses whose fields are
arbitrary JSON (so validation paths are hit far more often than by pure noise); valid creates, with and
without smokeTest and with a few shared idempotency keys (so writes, replays and 409s happen); and HTTP API
events with arbitrary methods, paths and bodies. moto stays up for the whole run; the invariant is checked
after every call.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.order_api.conftest import AUDIT, ORDERS, http_event

scalars = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
maybe = lambda strategy: st.none() | strategy | json_values  # noqa: E731 -- a tiny local combinator
quantities = maybe(st.integers(-5, 1005))
product_ids = maybe(st.sampled_from(["P1", "P2", "", "P" * 70]))
items = st.lists(st.fixed_dictionaries({"productId": product_ids, "quantity": quantities}), max_size=5)
creates = st.fixed_dictionaries(
    {"action": st.just("create"), "customerId": maybe(st.sampled_from(["C1", " ", "C" * 200]))},
    optional={
        "items": maybe(items),
        "smokeTest": maybe(st.booleans()),
        "idempotencyKey": maybe(st.sampled_from(["k1", "k2", "bad key"])),
    },
)
valid_items = st.lists(
    st.fixed_dictionaries({"productId": st.sampled_from(["P1", "P2", "P3"]), "quantity": st.integers(1, 1000)}),
    min_size=1,
    max_size=3,
    unique_by=lambda item: item["productId"],
)
valid_creates = st.fixed_dictionaries(
    {"action": st.just("create"), "customerId": st.sampled_from(["C1", "C2"]), "items": valid_items},
    optional={"smokeTest": st.booleans(), "idempotencyKey": st.sampled_from(["k1", "k2"])},
)
statuses = st.fixed_dictionaries({"action": st.just("status"), "orderId": maybe(st.sampled_from(["ORD-1", "a/b"]))})
bodies = st.none() | st.text(max_size=40) | json_values.map(json.dumps) | (creates | valid_creates).map(json.dumps)
http_events = st.builds(
    http_event,
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    path=st.sampled_from(["/orders", "/orders/ORD-1", "/dev/orders", "/", "/orders/x/y", "/other"]),
    body=bodies,
    headers=st.dictionaries(st.sampled_from(["Idempotency-Key", "content-type"]), st.text(max_size=10), max_size=2),
)
events = json_values | creates | valid_creates | statuses | http_events


def order_keys(ddb: Any) -> set[str]:
    items = ddb.scan(TableName=ORDERS, ProjectionExpression="PK, SK")["Items"]
    return {item["PK"]["S"] for item in items if item["SK"]["S"] == "ORDER"}


def audited_keys(ddb: Any) -> set[str]:
    return {item["PK"]["S"] for item in ddb.scan(TableName=AUDIT, ProjectionExpression="PK")["Items"]}


def test_any_event_gets_a_deliberate_answer_and_no_half_written_order(local: Any, ddb: Any) -> None:
    import handler

    from release_cli.local_invoke import make_context

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(incoming=events)
    def check(incoming: Any) -> None:
        # A fresh context per call, as Lambda gives each invocation: its remaining time counts down.
        response = handler.lambda_handler(incoming, make_context(local, alias="dev", function_version="7"))
        event(f"status {response['statusCode']}")  # shown by --hypothesis-show-statistics
        body = json.loads(response["body"])
        assert response["statusCode"] < 500, body
        assert {"message", "version", "functionVersion", "action"} <= set(body)
        assert order_keys(ddb) == audited_keys(ddb)

    check()
