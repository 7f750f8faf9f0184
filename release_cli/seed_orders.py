"""Writes the sample orders to a deployed orders table without ever overwriting a real order.

Each order is one conditional ``PutItem``: it writes only where no item has the order's key or where
the item there is itself sample data (``sampleData: true``), so a rerun is harmless and a real order
that happens to use a sample id is left exactly as it was (DynamoDB checks the condition atomically:
no read-then-write race). A ``GetItem`` first tells "already there, unchanged" from "written".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service_model.sample_data import SAMPLE_MARK, SampleOrder

WRITTEN, UNCHANGED, KEPT = "written", "unchanged", "kept"
"""Outcomes: the sample order was written (new or refreshed); it was already there as it is in the
file; a real order has that id, so it was kept and the sample not written."""


@dataclass(frozen=True)
class SeedOutcome:
    order_id: str
    outcome: str

    def as_dict(self) -> dict[str, str]:
        return {"orderId": self.order_id, "outcome": self.outcome}


def seed_orders(client: Any, table: str, orders: list[SampleOrder]) -> list[SeedOutcome]:
    """One outcome per order, in file order. AWS errors propagate (the caller names the table)."""
    return [_seed_one(client, table, order) for order in orders]


def _seed_one(client: Any, table: str, order: SampleOrder) -> SeedOutcome:
    from botocore.exceptions import ClientError

    wanted = order.as_item()
    existing = client.get_item(TableName=table, Key=order.key(), ConsistentRead=True).get("Item")
    if existing == wanted:
        return SeedOutcome(order.order_id, UNCHANGED)
    if existing is not None and existing.get(SAMPLE_MARK) != {"BOOL": True}:
        return SeedOutcome(order.order_id, KEPT)
    try:
        client.put_item(
            TableName=table,
            Item=wanted,
            ConditionExpression="attribute_not_exists(PK) OR #mark = :true",
            ExpressionAttributeNames={"#mark": SAMPLE_MARK},
            ExpressionAttributeValues={":true": {"BOOL": True}},
        )
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return SeedOutcome(order.order_id, KEPT)  # a real order arrived since the read
        raise
    return SeedOutcome(order.order_id, WRITTEN)
