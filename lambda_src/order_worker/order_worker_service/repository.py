"""The one write the worker makes: move an order from PENDING to CONFIRMED, only if it still is PENDING.

The update is conditional, which is what makes a record safe to process twice: Lambda delivers
stream records at least once (a retried batch, a partial failure re-reading from its checkpoint), and
the second delivery finds the order no longer PENDING and changes nothing. The condition also refuses
an order that is gone (deleted) or expired (its ``expiresAt`` passed: TTL deletes it within days, and
the Order API already answers 404 for it, by the same rule) -- UpdateItem would otherwise create a stub item.

When the condition fails, DynamoDB returns the item as it is (``ReturnValuesOnConditionCheckFailure``,
no extra read or permission), which tells a redelivery from a missing order for the log.
Only ``dynamodb:UpdateItem`` on the orders table is needed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

LOGGER = logging.getLogger(__name__)

STATUS_PENDING = "PENDING"
STATUS_CONFIRMED = "CONFIRMED"

CONFIRMED = "confirmed"
ALREADY_MOVED = "already-moved"
ORDER_GONE = "order-gone"


class StoreError(Exception):
    """The update did not happen for a reason worth retrying (throttling, timeout, refused request)."""


@dataclass(frozen=True)
class Stamp:
    """What the worker records on the order it confirms."""

    at: str
    """ISO 8601 in UTC with milliseconds, the format of the order's ``createdAt``."""
    code_version: str
    function_version: str


class OrderStore:
    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def confirm(self, key: dict[str, Any], stamp: Stamp, now: int) -> str:
        """``CONFIRMED`` after moving the order, else why nothing changed (``ALREADY_MOVED``, ``ORDER_GONE``)."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key=key,
                UpdateExpression=(
                    "SET #status = :confirmed, confirmedAt = :at, "
                    "confirmedByVersion = :code, confirmedByFunctionVersion = :function"
                ),
                ConditionExpression=(
                    "attribute_exists(PK) AND #status = :pending "
                    "AND (attribute_not_exists(expiresAt) OR expiresAt >= :now)"
                ),
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":confirmed": {"S": STATUS_CONFIRMED},
                    ":pending": {"S": STATUS_PENDING},
                    ":at": {"S": stamp.at},
                    ":code": {"S": stamp.code_version},
                    ":function": {"S": stamp.function_version},
                    ":now": {"N": str(now)},
                },
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as err:
            error = err.response.get("Error", {})
            if error.get("Code") == "ConditionalCheckFailedException":
                return _why_unchanged(err.response.get("Item"), now)
            raise StoreError(f"UpdateItem failed: {error.get('Code', '?')}: {error.get('Message', '')}") from None
        except BotoCoreError as err:
            raise StoreError(f"UpdateItem did not reach DynamoDB: {err}") from None
        return CONFIRMED


def _why_unchanged(item: Any, now: int) -> str:
    if not isinstance(item, dict) or not item:
        return ORDER_GONE
    expires = item.get("expiresAt", {}).get("N") if isinstance(item.get("expiresAt"), dict) else None
    try:
        expired = expires is not None and int(expires) < now
    except ValueError:
        expired = False
    return ORDER_GONE if expired else ALREADY_MOVED
