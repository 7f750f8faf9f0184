"""Every rule a create or status request must satisfy; each violation becomes a ``FieldError``.

All violations are collected (not just the first), so one 400 tells the caller everything to fix;
the list is capped so a 10,000-item request cannot produce a 10,000-line error.
Rules:
    customerId      required, string, 1..128 characters after trimming
    items           optional: absent means an order with no items yet (the seed's alias test creates
                    ``{"action": "create", "customerId": "CUST-001"}`` and expects a 200); present,
                    it must be an array of 1..maxItemsPerOrder objects (config table, default 25), so
                    ``null``, ``[]``, a string or too many items are 400s naming ``items``
    items[i]        object with productId (string, 1..64 characters) and quantity
                    (integer -- not boolean, not 2.0 -- from 1 to 1000); productIds unique
    smokeTest       optional boolean: the order and its records expire (production smoke checks)
    orderId         string of 1..64 letters, digits, "-" and "_"
    idempotency key optional string of 1..128 letters, digits and ``-_.:``
"""

from __future__ import annotations

import re
from typing import Any

from order_service.errors import BadRequest, FieldError
from order_service.jsontype import json_type
from order_service.models import NewOrder, OrderItem

MAX_CUSTOMER_ID_LENGTH = 128
MAX_PRODUCT_ID_LENGTH = 64
MAX_QUANTITY = 1000
MAX_REPORTED_ERRORS = 20
ORDER_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
IDEMPOTENCY_KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,128}")


def validate_create(params: dict[str, Any], max_items: int) -> NewOrder:
    errors: list[FieldError] = []
    customer_id = _customer_id(params.get("customerId"), errors)
    items = _items(params["items"], max_items, errors) if "items" in params else []
    smoke_test = params.get("smokeTest", False)
    if not isinstance(smoke_test, bool):
        errors.append(FieldError("smokeTest", f"must be a boolean, got {json_type(smoke_test)}"))
    if errors:
        raise BadRequest.for_fields(_capped(errors))
    return NewOrder(customer_id=customer_id, items=tuple(items), smoke_test=bool(smoke_test))


def validate_order_id(value: Any) -> str:
    if value is None:
        raise BadRequest.for_fields([FieldError("orderId", "is required")])
    if not isinstance(value, str):
        raise BadRequest.for_fields([FieldError("orderId", f"must be a string, got {json_type(value)}")])
    if not ORDER_ID_PATTERN.fullmatch(value):
        problem = "must be 1 to 64 letters, digits, '-' or '_'"
        raise BadRequest.for_fields([FieldError("orderId", problem)])
    return value


def validate_idempotency_key(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problem = f"must be a string, got {json_type(value)}"
    elif not IDEMPOTENCY_KEY_PATTERN.fullmatch(value):
        problem = "must be 1 to 128 letters, digits or '-_.:'"
    else:
        return value
    raise BadRequest.for_fields([FieldError("idempotencyKey", problem)])


def _customer_id(value: Any, errors: list[FieldError]) -> str:
    if value is None:
        errors.append(FieldError("customerId", "is required"))
    elif not isinstance(value, str):
        errors.append(FieldError("customerId", f"must be a string, got {json_type(value)}"))
    elif not value.strip():
        errors.append(FieldError("customerId", "must not be empty"))
    elif len(value.strip()) > MAX_CUSTOMER_ID_LENGTH:
        errors.append(FieldError("customerId", f"must be at most {MAX_CUSTOMER_ID_LENGTH} characters"))
    else:
        return value.strip()
    return ""


def _items(value: Any, max_items: int, errors: list[FieldError]) -> list[OrderItem]:
    if not isinstance(value, list):
        errors.append(FieldError("items", f"must be an array, got {json_type(value)}"))
        return []
    if not value:
        errors.append(FieldError("items", "must contain at least one item"))
        return []
    if len(value) > max_items:
        errors.append(FieldError("items", f"must contain at most {max_items} items, got {len(value)}"))
        return []
    items: list[OrderItem] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(value):
        item = _item(f"items[{index}]", raw, errors)
        if item is None:
            continue
        if item.product_id in seen:
            errors.append(FieldError(f"items[{index}].productId", f"duplicates items[{seen[item.product_id]}]"))
            continue
        seen[item.product_id] = index
        items.append(item)
    return items


def _item(where: str, raw: Any, errors: list[FieldError]) -> OrderItem | None:
    if not isinstance(raw, dict):
        errors.append(FieldError(where, f"must be an object, got {json_type(raw)}"))
        return None
    before = len(errors)
    product_id = raw.get("productId")
    if product_id is None:
        errors.append(FieldError(f"{where}.productId", "is required"))
    elif not isinstance(product_id, str):
        errors.append(FieldError(f"{where}.productId", f"must be a string, got {json_type(product_id)}"))
    elif not product_id.strip():
        errors.append(FieldError(f"{where}.productId", "must not be empty"))
    elif len(product_id) > MAX_PRODUCT_ID_LENGTH:
        errors.append(FieldError(f"{where}.productId", f"must be at most {MAX_PRODUCT_ID_LENGTH} characters"))
    quantity = raw.get("quantity")
    if quantity is None:
        errors.append(FieldError(f"{where}.quantity", "is required"))
    elif isinstance(quantity, bool) or not isinstance(quantity, int):
        errors.append(FieldError(f"{where}.quantity", f"must be an integer, got {json_type(quantity)}"))
    elif not 1 <= quantity <= MAX_QUANTITY:
        errors.append(FieldError(f"{where}.quantity", f"must be between 1 and {MAX_QUANTITY}, got {quantity}"))
    if len(errors) > before or not isinstance(product_id, str) or not isinstance(quantity, int):
        return None
    return OrderItem(product_id=product_id, quantity=quantity)


def _capped(errors: list[FieldError]) -> list[FieldError]:
    if len(errors) <= MAX_REPORTED_ERRORS:
        return errors
    hidden = len(errors) - MAX_REPORTED_ERRORS
    return [*errors[:MAX_REPORTED_ERRORS], FieldError("(more)", f"{hidden} further problem(s) not listed")]
