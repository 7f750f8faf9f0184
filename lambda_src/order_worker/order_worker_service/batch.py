"""Works through one batch of stream records in order and says which ones Lambda must deliver again.

Partial batch responses on a stream (``ReportBatchItemFailures``): Lambda checkpoints at the lowest
sequence number in ``batchItemFailures`` and retries every record from there on, so records of one
shard stay in order. The worker therefore stops at the first record it cannot finish and reports that
record and every later one of the batch, untouched: working on past a failure would confirm later
orders before an earlier one and do that work again on the retry. An empty list means the whole
batch is done.

A record that needs no work -- skipped by ``records.classify``, already confirmed (a redelivery) or no
longer there -- counts as done: retrying it could never change the outcome. A failure is a record that
cannot be read (``MalformedRecord``), an update DynamoDB did not make (``StoreError``), any other
exception (a bug: logged with its traceback, still reported per record, never a crashed batch), or too
little time left to start the update safely.

Every failed record must be named by its sequence number. A failed record without one (not something
Lambda sends) cannot be named, so the whole batch is reported failed: every sequence number in it, or,
when no record has one, the empty identifier, which Lambda documents as "the whole batch failed".
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from order_worker_service.clients import CALL_RESERVE_MS
from order_worker_service.records import Confirm, MalformedRecord, Skip, classify, sequence_number
from order_worker_service.repository import CONFIRMED, OrderStore, Stamp, StoreError

LOGGER = logging.getLogger(__name__)
WHOLE_BATCH = ""
"""The item identifier Lambda reads as "the whole batch failed" (an empty string)."""


@dataclass
class BatchResult:
    records: int = 0
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    """Records Lambda will deliver again: the first failure and every record after it (the whole batch when
    the failed record has no sequence number, so ``processed + skipped + failed`` may then exceed ``records``)."""
    skipped_by: Counter[str] = field(default_factory=Counter)
    failure_ids: list[str] = field(default_factory=list)
    first_failure: dict[str, Any] | None = None

    def response(self) -> dict[str, Any]:
        """The handler's return value, in the shape Lambda reads for ``ReportBatchItemFailures``."""
        return {"batchItemFailures": [{"itemIdentifier": item} for item in self.failure_ids]}


class BatchWorker:
    def __init__(
        self,
        store: OrderStore,
        code_version: str,
        function_version: str,
        clock: Callable[[], float] = time.time,
        time_left_ms: Callable[[], int] | None = None,
    ) -> None:
        self._store = store
        self._code_version = code_version
        self._function_version = function_version
        self._clock = clock
        self._time_left_ms = time_left_ms

    def run(self, records: list[Any]) -> BatchResult:
        result = BatchResult(records=len(records))
        for index, record in enumerate(records):
            try:
                outcome = self._one(record)
            except _Stop as stop:
                _fail_from(result, records, index, stop.reason)
                break
            if outcome == CONFIRMED:
                result.processed += 1
            else:
                result.skipped += 1
                result.skipped_by[outcome] += 1
        return result

    def _one(self, record: Any) -> str:
        """``CONFIRMED`` or the reason the record needed no work; ``_Stop`` when it failed."""
        where = f"record {sequence_number(record) or '(no sequence number)'}"
        try:
            action = classify(record)
            return action.reason if isinstance(action, Skip) else self._confirm(action, where)
        except _Stop:
            raise
        except MalformedRecord as err:
            LOGGER.error("%s is malformed: %s", where, err)
            raise _Stop(f"malformed record: {err}") from None
        except Exception as err:
            LOGGER.exception("%s failed unexpectedly", where)
            raise _Stop(f"unexpected {type(err).__name__}") from None

    def _confirm(self, action: Confirm, where: str) -> str:
        if self._time_left_ms is not None and (left := self._time_left_ms()) < CALL_RESERVE_MS:
            raise _Stop(f"not enough time left to update order {action.order_id} ({left} ms, need {CALL_RESERVE_MS})")
        now = self._clock()
        stamp = Stamp(at=_iso(now), code_version=self._code_version, function_version=self._function_version)
        try:
            # Whole seconds rounded up: ``expiresAt >= ceil(now)`` is the Order API's ``not expiresAt < now``.
            outcome = self._store.confirm(action.key, stamp, math.ceil(now))
        except StoreError as err:
            LOGGER.error("%s (order %s) not updated: %s", where, action.order_id, err)
            raise _Stop(f"order store: {err}") from None
        if outcome != CONFIRMED:
            LOGGER.info("%s: order %s unchanged (%s)", where, action.order_id, outcome)
        return outcome


class _Stop(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _fail_from(result: BatchResult, records: list[Any], index: int, reason: str) -> None:
    first = sequence_number(records[index])
    start = index if first is not None else 0
    ids = [number for record in records[start:] if (number := sequence_number(record)) is not None]
    result.failure_ids = ids or [WHOLE_BATCH]
    result.failed = len(records) - start
    result.first_failure = {"index": index, "sequenceNumber": first, "reason": reason}


def _iso(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, tz=UTC).isoformat(timespec="milliseconds")
