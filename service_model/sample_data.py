"""The seed lab's sample orders as data: ``sample_data/orders.json``, read, validated and turned into items.

One file feeds everything that needs the sample order ``ORD-2024-001`` (the seed's GetOrderStatus):
``release seed-data`` writes it to a deployed stage's orders table, ``release local`` and
``release serve`` load it into their local tables. Orders are written in the API's shape
(``orderId``, ``customerId``, ``status``, ``createdAt``, ``items``) and stored in the Order API's item
layout (``lambda_src/order_api/order_service/repository.py``: ``PK=ORDER#<orderId>``, ``SK=ORDER``);
the seed conformance tests read them back through the handler, so a drift between the two fails there.
Every stored sample item carries ``sampleData: true``: the mark that tells a sample order (which may be
rewritten) from a real one (which never is), and lets an operator find sample data later.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service_model.project import project_root

SAMPLE_DIRNAME = "sample_data"
ORDERS_FILENAME = "orders.json"
SAMPLE_MARK = "sampleData"
ORDER_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""The Order API's own rule for order ids (``validation.ORDER_ID_PATTERN``): a sample order must be readable."""


class SampleDataError(ValueError):
    """The sample file breaks a rule; the message names the file, the order and the field."""


@dataclass(frozen=True)
class SampleOrder:
    order_id: str
    customer_id: str
    status: str
    created_at: str
    items: tuple[tuple[str, int], ...]

    def as_item(self) -> dict[str, Any]:
        """The DynamoDB item (low-level attribute values) the Order API reads for this order."""
        return {
            "PK": {"S": f"ORDER#{self.order_id}"},
            "SK": {"S": "ORDER"},
            "orderId": {"S": self.order_id},
            "customerId": {"S": self.customer_id},
            "items": {"L": [{"M": {"productId": {"S": pid}, "quantity": {"N": str(qty)}}} for pid, qty in self.items]},
            "status": {"S": self.status},
            "createdAt": {"S": self.created_at},
            SAMPLE_MARK: {"BOOL": True},
        }

    def key(self) -> dict[str, Any]:
        return {"PK": {"S": f"ORDER#{self.order_id}"}, "SK": {"S": "ORDER"}}


def orders_file() -> Path:
    """``sample_data/orders.json`` of the project the caller stands in."""
    return project_root() / SAMPLE_DIRNAME / ORDERS_FILENAME


def load_orders(path: Path | None = None) -> list[SampleOrder]:
    """Every sample order in ``path`` (default: the project's file), validated; order ids unique."""
    path = path or orders_file()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise SampleDataError(f"{path}: cannot read the sample data: {err.strerror}") from None
    except ValueError as err:
        raise SampleDataError(f"{path}: not valid JSON: {err}") from None
    raw_orders = document.get("orders") if isinstance(document, dict) else None
    if not isinstance(raw_orders, list) or not raw_orders:
        raise SampleDataError(f'{path}: must be an object with a non-empty "orders" array')
    orders = [_order(f"{path.name}: orders[{index}]", raw) for index, raw in enumerate(raw_orders)]
    ids = [order.order_id for order in orders]
    duplicates = sorted({order_id for order_id in ids if ids.count(order_id) > 1})
    if duplicates:
        raise SampleDataError(f"{path.name}: order id(s) {', '.join(duplicates)} appear more than once")
    return orders


def _order(where: str, raw: Any) -> SampleOrder:
    if not isinstance(raw, dict):
        raise SampleDataError(f"{where}: must be an object")
    expected = {"orderId", "customerId", "status", "createdAt", "items"}
    if set(raw) != expected:
        raise SampleDataError(
            f"{where}: keys must be {sorted(expected)}; missing {sorted(expected - set(raw))}, "
            f"unknown {sorted(set(raw) - expected)}"
        )
    for key in ("orderId", "customerId", "status", "createdAt"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise SampleDataError(f"{where}.{key}: must be a non-empty string")
    if not ORDER_ID_PATTERN.fullmatch(raw["orderId"]):
        raise SampleDataError(f"{where}.orderId: must be 1 to 64 letters, digits, '-' or '_'")
    items = raw["items"]
    if not isinstance(items, list):
        raise SampleDataError(f"{where}.items: must be an array")
    parsed = []
    for index, item in enumerate(items):
        product, quantity = (item.get("productId"), item.get("quantity")) if isinstance(item, dict) else (None, None)
        if not isinstance(product, str) or isinstance(quantity, bool) or not isinstance(quantity, int):
            raise SampleDataError(f"{where}.items[{index}]: must be {{productId: string, quantity: integer}}")
        parsed.append((product, quantity))
    return SampleOrder(raw["orderId"], raw["customerId"], raw["status"], raw["createdAt"], tuple(parsed))
