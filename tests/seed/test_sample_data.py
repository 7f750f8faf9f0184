"""The sample data file: its rules, and the test events that need it saying so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from release_cli.local_invoke import run_events
from service_model.sample_data import SAMPLE_MARK, SampleDataError, load_orders
from service_model.test_events import load_events

GOOD = {
    "orderId": "ORD-X",
    "customerId": "C",
    "status": "SHIPPED",
    "createdAt": "2024-01-01T00:00:00.000+00:00",
    "items": [{"productId": "P", "quantity": 1}],
}


def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "orders.json"
    path.write_text(json.dumps(document))
    return path


def test_the_labs_order_is_in_the_sample_data() -> None:
    assert "ORD-2024-001" in {order.order_id for order in load_orders()}


def test_sample_items_carry_the_mark_and_the_order_layout() -> None:
    item = load_orders()[0].as_item()
    assert (item["PK"]["S"], item["SK"]["S"], item[SAMPLE_MARK]) == ("ORDER#ORD-2024-001", "ORDER", {"BOOL": True})


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([GOOD], 'non-empty "orders" array'),
        ({"orders": []}, 'non-empty "orders" array'),
        ({"orders": [{**GOOD, "extra": 1}]}, r"unknown \['extra'\]"),
        ({"orders": [{**GOOD, "orderId": "has space"}]}, r"orders\[0\]\.orderId"),
        ({"orders": [{**GOOD, "status": ""}]}, r"orders\[0\]\.status"),
        ({"orders": [{**GOOD, "items": [{"productId": "P", "quantity": True}]}]}, r"items\[0\]"),
        ({"orders": [GOOD, GOOD]}, "more than once"),
    ],
)
def test_bad_sample_files_are_refused_naming_the_problem(tmp_path: Path, document: Any, message: str) -> None:
    with pytest.raises(SampleDataError, match=message):
        load_orders(write(tmp_path, document))


def test_unreadable_sample_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "orders.json").write_text("{")
    with pytest.raises(SampleDataError, match="not valid JSON"):
        load_orders(tmp_path / "orders.json")


def test_events_that_need_the_sample_data_say_so_and_stay_off_production() -> None:
    # Found by running: an event that matches with the sample orders and not without them needs them.
    # A deployed stage has them only after `release seed-data`, and prod not at all, so the pre-traffic
    # hook (the production-safe events) must not depend on them.
    from tests.order_api.conftest import TEMPLATE

    events = load_events()
    with_data = run_events(events, TEMPLATE, alias="dev", sample_data=True)
    without = run_events(events, TEMPLATE, alias="dev", sample_data=False)
    assert [result.name for result in with_data if not result.matched] == []
    needing = {result.name for result in without if not result.matched}
    assert {"GetOrderStatus", "HttpGetOrderStatus"} <= needing
    for event in events:
        assert ("Needs the sample data" in event.description) == (event.name in needing), event.name
        assert not (event.production_safe and event.name in needing), event.name
