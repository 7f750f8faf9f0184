"""Every 15 minutes (an EventBridge schedule): record that the job ran, and with which version.

Writes one item to the audit table (``AUDIT_TABLE``); it expires after a day (``expiresAt``), so a
gap in the heartbeats shows when the schedule stopped. Answers like the HTTP function, so the
pre-traffic hook judges it the same way.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import boto3
from version import VERSION

DAY_SECONDS = 86_400
_client: Any = None


def dynamodb() -> Any:
    global _client
    if _client is None:
        _client = boto3.client("dynamodb")
    return _client


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    function_version = str(getattr(context, "function_version", "$LATEST"))
    now = int(time.time())
    dynamodb().put_item(
        TableName=os.environ["AUDIT_TABLE"],
        Item={
            "PK": {"S": f"HEARTBEAT#{os.environ.get('STAGE', 'local')}"},
            "SK": {"S": f"{now}#{getattr(context, 'aws_request_id', 'local')}"},
            "version": {"S": VERSION},
            "functionVersion": {"S": function_version},
            "scheduledAt": {"S": str(event.get("time", ""))},
            "expiresAt": {"N": str(now + DAY_SECONDS)},
        },
    )
    body = {
        "message": "heartbeat recorded",
        "version": VERSION,
        "functionVersion": function_version,
        "action": "heartbeat",
        "recordedAt": now,
    }
    return {"statusCode": 200, "body": json.dumps(body)}
