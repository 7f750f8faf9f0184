"""Reads one DynamoDB stream record and decides what the worker does with it: confirm an order or skip it.

The orders table's item layout is the Order API's (``lambda_src/order_api/order_service/repository.py``;
this asset cannot import it): an order is ``PK=ORDER#<orderId>``, ``SK=ORDER`` with a ``status``;
the same table holds idempotency records (``PK=IDEMPOTENCY#<key>``), which are not orders.

Only the INSERT of an order in ``PENDING`` is work. Everything else the stream carries is skipped on
purpose: MODIFY (including the worker's own confirmation, which comes back through the stream) and
REMOVE (deletions and TTL expiry), other items, and orders inserted in another status (sample orders).
A record that cannot be read -- no ``dynamodb`` part, no keys, an INSERT with no ``NewImage`` (a
stream that is not NEW_IMAGE or NEW_AND_OLD_IMAGES) -- raises ``MalformedRecord``: skipping it could
drop an order that needed work, so it is reported failed and retried instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ORDER_PK_PREFIX = "ORDER#"
ORDER_SK = "ORDER"
STATUS_PENDING = "PENDING"
EVENT_NAMES = ("INSERT", "MODIFY", "REMOVE")

SKIP_NOT_INSERT = "not-insert"
SKIP_NOT_ORDER = "not-an-order"
SKIP_NOT_PENDING = "not-pending"


class MalformedRecord(ValueError):
    """The record is not a readable DynamoDB stream record of the orders table; the message says what is missing."""


@dataclass(frozen=True)
class Confirm:
    """A new order to move on: its id and the exact key of the item the stream saw inserted."""

    order_id: str
    key: dict[str, Any]


@dataclass(frozen=True)
class Skip:
    reason: str


Action = Confirm | Skip


def sequence_number(record: Any) -> str | None:
    """The record's ``dynamodb.SequenceNumber`` (the id Lambda takes back in ``batchItemFailures``), or None."""
    if not isinstance(record, dict):
        return None
    stream = record.get("dynamodb")
    value = stream.get("SequenceNumber") if isinstance(stream, dict) else None
    return value if isinstance(value, str) and value else None


def classify(record: Any) -> Action:
    """What to do with ``record``; ``MalformedRecord`` when it cannot be decided safely."""
    if not isinstance(record, dict):
        raise MalformedRecord(f"record is not an object, got {type(record).__name__}")
    event_name = record.get("eventName")
    if event_name not in EVENT_NAMES:
        raise MalformedRecord(f"eventName must be one of {', '.join(EVENT_NAMES)}, got {_short(event_name)}")
    stream = record.get("dynamodb")
    if not isinstance(stream, dict):
        raise MalformedRecord("record has no 'dynamodb' object")
    if event_name != "INSERT":
        return Skip(SKIP_NOT_INSERT)
    pk, sk = _key_part(stream, "PK"), _key_part(stream, "SK")
    if not pk.startswith(ORDER_PK_PREFIX) or sk != ORDER_SK:
        return Skip(SKIP_NOT_ORDER)
    order_id = pk[len(ORDER_PK_PREFIX) :]
    if not order_id:
        raise MalformedRecord(f"order key {pk!r} has no order id")
    image = stream.get("NewImage")
    if not isinstance(image, dict):
        raise MalformedRecord(
            "INSERT record has no NewImage: the stream must be NEW_IMAGE or NEW_AND_OLD_IMAGES "
            f"(StreamViewType {_short(stream.get('StreamViewType'))})"
        )
    status = _string(image.get("status"))
    if status is None:
        raise MalformedRecord(f"order {order_id}: NewImage has no string 'status'")
    if status != STATUS_PENDING:
        return Skip(SKIP_NOT_PENDING)
    return Confirm(order_id=order_id, key={"PK": {"S": pk}, "SK": {"S": sk}})


def _key_part(stream: dict[str, Any], name: str) -> str:
    keys = stream.get("Keys")
    if not isinstance(keys, dict):
        raise MalformedRecord("record has no 'Keys' object")
    value = _string(keys.get(name))
    if value is None:
        raise MalformedRecord(f"Keys has no string {name!r}")
    return value


def _string(attribute: Any) -> str | None:
    """The value of a DynamoDB ``{"S": ...}`` attribute, or None when it is anything else."""
    value = attribute.get("S") if isinstance(attribute, dict) else None
    return value if isinstance(value, str) else None


def _short(value: Any, limit: int = 64) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
