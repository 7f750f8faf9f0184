"""The Order API's rules: create an order (idempotently) and read its status.

Returns plain dicts of response fields; the handler adds the contract fields and the status code.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from order_service.errors import Conflict, NotFound
from order_service.models import ORDER_STATUS_PENDING, AuditEntry, IdempotencyRecord, NewOrder, Order
from order_service.repository import IdempotencyKeyTaken, OrderRepository
from order_service.runtime_config import Limits

AUDIT_EVENT_CREATED = "ORDER_CREATED"


@dataclass(frozen=True)
class Invocation:
    """Who is asking: the Lambda request id and version, recorded in the audit entry."""

    request_id: str
    function_version: str
    code_version: str


class OrderService:
    def __init__(
        self,
        repository: OrderRepository,
        limits: Limits,
        clock: Callable[[], float] = time.time,
        new_id: Callable[[], str] = lambda: f"ORD-{uuid.uuid4().hex}",
    ) -> None:
        self._repository = repository
        self._limits = limits
        self._clock = clock
        self._new_id = new_id

    def create(self, order: NewOrder, idempotency_key: str | None, invocation: Invocation) -> dict[str, Any]:
        """Store a new order with its audit entry; a repeated key returns the first result and writes nothing."""
        now = self._clock()
        request_hash = _fingerprint(order)
        if idempotency_key is not None:
            earlier = self._live_record(idempotency_key, now)
            if earlier is not None:
                return self._replay(earlier, request_hash)
        stored = self._new_order(order, now)
        record = None
        if idempotency_key is not None:
            expires = int(now) + self._limits.idempotency_ttl_seconds
            if stored.expires_at is not None:
                expires = min(expires, stored.expires_at)
            record = IdempotencyRecord(idempotency_key, request_hash, stored.as_dict(), expires)
        audit = AuditEntry(
            order_id=stored.order_id,
            event=AUDIT_EVENT_CREATED,
            at=stored.created_at,
            request_id=invocation.request_id,
            function_version=invocation.function_version,
            code_version=invocation.code_version,
            expires_at=stored.expires_at,
        )
        try:
            self._repository.create(stored, audit, record, int(now))
        except IdempotencyKeyTaken:
            # A concurrent create with the same key won the race; answer with its result.
            assert idempotency_key is not None
            winner = self._live_record(idempotency_key, now)
            if winner is None:
                raise
            return self._replay(winner, request_hash)
        return {**stored.as_dict(), "idempotentReplay": False}

    def status(self, order_id: str) -> dict[str, Any]:
        order = self._repository.get_order(order_id)
        if order is None or (order.expires_at is not None and order.expires_at < self._clock()):
            raise NotFound(f"order {order_id} not found")
        return order.as_dict()

    def _live_record(self, key: str, now: float) -> IdempotencyRecord | None:
        record = self._repository.get_idempotency(key)
        if record is None or record.expires_at < now:
            return None
        return record

    def _replay(self, record: IdempotencyRecord, request_hash: str) -> dict[str, Any]:
        if record.request_hash != request_hash:
            raise Conflict("idempotency key was already used for a different request; use a new key")
        return {**record.result, "idempotentReplay": True}

    def _new_order(self, order: NewOrder, now: float) -> Order:
        expires = int(now) + self._limits.smoke_test_ttl_seconds if order.smoke_test else None
        return Order(
            order_id=self._new_id(),
            customer_id=order.customer_id,
            items=order.items,
            status=ORDER_STATUS_PENDING,
            created_at=datetime.fromtimestamp(now, tz=UTC).isoformat(timespec="milliseconds"),
            expires_at=expires,
        )


def _fingerprint(order: NewOrder) -> str:
    canonical = json.dumps(order.fingerprint_source(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
