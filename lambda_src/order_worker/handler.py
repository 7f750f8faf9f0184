"""Lambda entry point of the order worker (``handler.lambda_handler``): moves new orders on from PENDING.

Invoked by an event source mapping on the orders table's DynamoDB stream (view type
NEW_AND_OLD_IMAGES, or NEW_IMAGE: the worker reads only ``NewImage``) through the function's alias,
with ``ReportBatchItemFailures`` on. Each INSERT of an order in PENDING becomes a conditional update to
CONFIRMED that records ``confirmedAt`` and the worker's versions, so the Order API's status read shows
the order progressing; everything else in the stream is skipped.

Returns ``{"batchItemFailures": [{"itemIdentifier": <SequenceNumber>}, ...]}``: empty when the batch
is done, else the first record that failed and every record after it (``order_worker_service.batch``).
Writes one JSON line per batch to stdout -- ``{"message": "order worker batch", "processed": ...,
"skipped": ..., "failed": ..., "functionVersion": ...}`` -- so metric filters and Logs Insights read
it as is. A missing ``ORDERS_TABLE`` raises ``MisconfiguredError`` (a function error: the batch is
retried and the alias's error alarm fires), since no record could succeed.
Environment: ORDERS_TABLE (required), STAGE (and AWS_ENDPOINT_URL for local runs).
IAM: ``dynamodb:UpdateItem`` on the orders table (the mapping itself needs the stream read actions).
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from order_worker_service import clients, settings
from order_worker_service.batch import WHOLE_BATCH, BatchResult, BatchWorker
from order_worker_service.repository import OrderStore
from version import VERSION

LOGGER = logging.getLogger("order_worker")
LOGGER.setLevel(logging.INFO)
logging.getLogger("order_worker_service").setLevel(logging.INFO)

SUMMARY_MESSAGE = "order worker batch"


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    config = settings.read()
    function_version = str(getattr(context, "function_version", "$LATEST"))
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        LOGGER.error("event has no Records list, so it is not a DynamoDB stream batch; reporting it failed")
        result = BatchResult(failed=1, failure_ids=[WHOLE_BATCH])  # failed: the event itself, records unknown
        result.first_failure = {"index": None, "sequenceNumber": None, "reason": "event has no Records list"}
    else:
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        worker = BatchWorker(
            OrderStore(clients.dynamodb(), config.orders_table),
            code_version=VERSION,
            function_version=function_version,
            time_left_ms=remaining if callable(remaining) else None,
        )
        result = worker.run(records)
    _log_summary(result, config.stage, function_version, str(getattr(context, "aws_request_id", "unknown")))
    return result.response()


def _log_summary(result: BatchResult, stage: str, function_version: str, request_id: str) -> None:
    summary = {
        "message": SUMMARY_MESSAGE,
        "stage": stage,
        "version": VERSION,
        "functionVersion": function_version,
        "requestId": request_id,
        "records": result.records,
        "processed": result.processed,
        "skipped": result.skipped,
        "failed": result.failed,
        "skippedBy": dict(sorted(result.skipped_by.items())),
        "firstFailure": result.first_failure,
    }
    sys.stdout.write(json.dumps(summary, separators=(",", ":")) + "\n")
    sys.stdout.flush()
