"""Plain data objects passed between the layers; no AWS types leak out of ``repository``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ORDER_STATUS_PENDING = "PENDING"


@dataclass(frozen=True)
class OrderItem:
    product_id: str
    quantity: int

    def as_dict(self) -> dict[str, Any]:
        return {"productId": self.product_id, "quantity": self.quantity}


@dataclass(frozen=True)
class NewOrder:
    """A validated create request. ``smoke_test`` orders (and their audit and idempotency records) expire."""

    customer_id: str
    items: tuple[OrderItem, ...]
    smoke_test: bool = False

    def fingerprint_source(self) -> dict[str, Any]:
        """What makes two creates "the same request" for the idempotency check."""
        return {
            "customerId": self.customer_id,
            "items": [item.as_dict() for item in self.items],
            "smokeTest": self.smoke_test,
        }


@dataclass(frozen=True)
class Order:
    order_id: str
    customer_id: str
    items: tuple[OrderItem, ...]
    status: str
    created_at: str
    expires_at: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The order as the API shows it."""
        return {
            "orderId": self.order_id,
            "customerId": self.customer_id,
            "status": self.status,
            "createdAt": self.created_at,
            "items": [item.as_dict() for item in self.items],
        }


@dataclass(frozen=True)
class AuditEntry:
    order_id: str
    event: str
    at: str
    request_id: str
    function_version: str
    code_version: str
    expires_at: int | None = None


@dataclass(frozen=True)
class IdempotencyRecord:
    """The first result of a create, kept so a retry with the same key returns it unchanged."""

    key: str
    request_hash: str
    result: dict[str, Any] = field(default_factory=dict)
    expires_at: int = 0
