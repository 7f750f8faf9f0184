"""The DynamoDB client, created once per container, with bounded timeouts and retries.

Created lazily on first use, not at import (building a client loads botocore's service model).
The bounds are the Order API's (``order_api/order_service/clients.py`` explains the arithmetic): at
most 2 attempts of 0.5 s to connect plus 1 s to answer, one backoff of at most 1 s in between, so one
call takes at most ``CALL_WORST_CASE_SECONDS`` = 4.0 s. The worker starts a record only while at
least ``CALL_RESERVE_MS`` of the invocation is left; the records it cannot start are reported failed
(Lambda retries them) instead of the invocation timing out, which would retry the whole batch.
``AWS_ENDPOINT_URL`` (local runs) is honoured by botocore itself.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

MAX_ATTEMPTS = 2
CONNECT_TIMEOUT_SECONDS = 0.5
READ_TIMEOUT_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 1.0
CALL_WORST_CASE_SECONDS = (
    MAX_ATTEMPTS * (CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS) + (MAX_ATTEMPTS - 1) * MAX_BACKOFF_SECONDS
)
ANSWER_MARGIN_SECONDS = 0.5
CALL_RESERVE_MS = int((CALL_WORST_CASE_SECONDS + ANSWER_MARGIN_SECONDS) * 1000)

RETRY_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    connect_timeout=CONNECT_TIMEOUT_SECONDS,
    read_timeout=READ_TIMEOUT_SECONDS,
)

_dynamodb: Any = None


def dynamodb() -> Any:
    """The container's DynamoDB client."""
    global _dynamodb
    if _dynamodb is None:
        _dynamodb = boto3.client("dynamodb", config=RETRY_CONFIG)
    return _dynamodb


def reset() -> None:
    """Forget the client (a simulated cold start): tests call this between mocks."""
    global _dynamodb
    _dynamodb = None
