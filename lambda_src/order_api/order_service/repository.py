"""DynamoDB access for orders, audit entries and idempotency records; the only module that knows item layout.

Orders table (PK S, SK S; TTL attribute ``expiresAt``):
    order         PK=ORDER#<orderId>        SK=ORDER
                  orderId, customerId, items (list of {productId, quantity}), status, createdAt,
                  expiresAt (smoke-test orders only)
    idempotency   PK=IDEMPOTENCY#<key>      SK=IDEMPOTENCY
                  requestHash (sha256 of the canonical request), result (JSON of the first
                  response's order fields), orderId, expiresAt (always: keys replay for a while, not forever)
Audit table (PK S, SK S; TTL attribute ``expiresAt``):
    entry         PK=ORDER#<orderId>        SK=AUDIT#<createdAt>#<event>
                  orderId, event (ORDER_CREATED), at, requestId, functionVersion, codeVersion,
                  expiresAt (smoke-test orders only)

A create writes order, audit entry and (with a key) idempotency record in one TransactWriteItems:
all three or none. The conditions refuse an existing order id and a live idempotency record; an
expired record that TTL has not yet deleted counts as absent.
DynamoDB failures left after the client's retries become ``ServiceUnavailable`` (throttling,
conflicts, timeouts) or ``InternalError`` (anything else); the transaction guarantees nothing was
half-written either way.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from order_service.errors import InternalError, ServiceUnavailable
from order_service.models import AuditEntry, IdempotencyRecord, Order, OrderItem
from order_service.settings import Tables

LOGGER = logging.getLogger(__name__)
RETRYABLE_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TransactionConflictException",
    "TransactionInProgressException",
    "InternalServerError",
    "ServiceUnavailable",
}
"""Error codes of DynamoDB API errors worth retrying later: they become 503."""
RETRYABLE_REASONS = {
    "ThrottlingError",
    "TransactionConflict",
    "ProvisionedThroughputExceeded",
}
"""``CancellationReasons[].Code`` values of a ``TransactionCanceledException`` worth retrying later (botocore's
DynamoDB model documents them under TransactionCanceledException): a cancelled transaction wrote nothing."""


class IdempotencyKeyTaken(Exception):
    """The transaction lost to a live idempotency record (a concurrent or earlier create with the key)."""


class OrderRepository:
    def __init__(self, client: Any, tables: Tables) -> None:
        self._client = client
        self._tables = tables

    def get_order(self, order_id: str) -> Order | None:
        key = {"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": "ORDER"}}
        item = self._call("GetItem", TableName=self._tables.orders, Key=key, ConsistentRead=True).get("Item")
        return _order_from_item(item) if item else None

    def get_idempotency(self, key: str) -> IdempotencyRecord | None:
        item_key = {"PK": {"S": f"IDEMPOTENCY#{key}"}, "SK": {"S": "IDEMPOTENCY"}}
        item = self._call("GetItem", TableName=self._tables.orders, Key=item_key, ConsistentRead=True).get("Item")
        if not item:
            return None
        return IdempotencyRecord(
            key=key,
            request_hash=item["requestHash"]["S"],
            result=json.loads(item["result"]["S"]),
            expires_at=int(item["expiresAt"]["N"]),
        )

    def create(self, order: Order, audit: AuditEntry, idempotency: IdempotencyRecord | None, now: int) -> None:
        """Write order + audit (+ idempotency record) atomically; ``IdempotencyKeyTaken`` if the key is live."""
        writes = [
            {
                "Put": {
                    "TableName": self._tables.orders,
                    "Item": _order_item(order),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            {
                "Put": {
                    "TableName": self._tables.audit,
                    "Item": _audit_item(audit),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        ]
        if idempotency is not None:
            writes.append(
                {
                    "Put": {
                        "TableName": self._tables.orders,
                        "Item": _idempotency_item(idempotency),
                        "ConditionExpression": "attribute_not_exists(PK) OR expiresAt < :now",
                        "ExpressionAttributeValues": {":now": {"N": str(now)}},
                    }
                }
            )
        try:
            self._client.transact_write_items(TransactItems=writes)
        except ClientError as err:
            if idempotency is not None and _cancelled_by_idempotency(err):
                raise IdempotencyKeyTaken(idempotency.key) from None
            raise _translate(err, "TransactWriteItems") from None
        except BotoCoreError as err:
            raise _unreachable(err, "TransactWriteItems") from None

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response: dict[str, Any] = getattr(self._client, _snake(operation))(**kwargs)
        except ClientError as err:
            raise _translate(err, operation) from None
        except BotoCoreError as err:
            raise _unreachable(err, operation) from None
        return response


def _cancelled_by_idempotency(err: ClientError) -> bool:
    """True when only the idempotency record's condition failed (it is the third write)."""
    if err.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    reasons = [reason.get("Code") for reason in err.response.get("CancellationReasons", []) or []]
    return len(reasons) == 3 and reasons[2] == "ConditionalCheckFailed"


def _unreachable(err: BotoCoreError, operation: str) -> Exception:
    LOGGER.error("DynamoDB %s failed: %s", operation, err)
    return ServiceUnavailable("the order store is unreachable; retry later")


def _translate(err: ClientError, operation: str) -> Exception:
    code = err.response.get("Error", {}).get("Code", "")
    reasons = [reason.get("Code") for reason in err.response.get("CancellationReasons", []) or []]
    LOGGER.error("DynamoDB %s failed: %s %s", operation, code, reasons or "")
    if code in RETRYABLE_CODES or any(reason in RETRYABLE_REASONS for reason in reasons):
        return ServiceUnavailable("the order store is busy; retry later")
    return InternalError("the order store refused the request")


def _snake(operation: str) -> str:
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in operation).lstrip("_")


def _order_item(order: Order) -> dict[str, Any]:
    item = {
        "PK": {"S": f"ORDER#{order.order_id}"},
        "SK": {"S": "ORDER"},
        "orderId": {"S": order.order_id},
        "customerId": {"S": order.customer_id},
        "items": {
            "L": [{"M": {"productId": {"S": i.product_id}, "quantity": {"N": str(i.quantity)}}} for i in order.items]
        },
        "status": {"S": order.status},
        "createdAt": {"S": order.created_at},
    }
    return _with_expiry(item, order.expires_at)


def _audit_item(entry: AuditEntry) -> dict[str, Any]:
    item = {
        "PK": {"S": f"ORDER#{entry.order_id}"},
        "SK": {"S": f"AUDIT#{entry.at}#{entry.event}"},
        "orderId": {"S": entry.order_id},
        "event": {"S": entry.event},
        "at": {"S": entry.at},
        "requestId": {"S": entry.request_id},
        "functionVersion": {"S": entry.function_version},
        "codeVersion": {"S": entry.code_version},
    }
    return _with_expiry(item, entry.expires_at)


def _idempotency_item(record: IdempotencyRecord) -> dict[str, Any]:
    return {
        "PK": {"S": f"IDEMPOTENCY#{record.key}"},
        "SK": {"S": "IDEMPOTENCY"},
        "requestHash": {"S": record.request_hash},
        "result": {"S": json.dumps(record.result, separators=(",", ":"))},
        "orderId": {"S": str(record.result.get("orderId", ""))},
        "expiresAt": {"N": str(record.expires_at)},
    }


def _with_expiry(item: dict[str, Any], expires_at: int | None) -> dict[str, Any]:
    if expires_at is not None:
        item["expiresAt"] = {"N": str(expires_at)}
    return item


def _order_from_item(item: dict[str, Any]) -> Order:
    items = tuple(
        OrderItem(product_id=entry["M"]["productId"]["S"], quantity=int(entry["M"]["quantity"]["N"]))
        for entry in item.get("items", {}).get("L", [])
    )
    expires = item.get("expiresAt", {}).get("N")
    return Order(
        order_id=item["orderId"]["S"],
        customer_id=item["customerId"]["S"],
        items=items,
        status=item["status"]["S"],
        created_at=item["createdAt"]["S"],
        expires_at=int(expires) if expires is not None else None,
    )
