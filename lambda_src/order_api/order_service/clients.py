"""The DynamoDB client, created once per container and reused by every invocation.

Created lazily on first use, not at import: building a client loads the service model (tens of
milliseconds), and the import-time bench measures the module alone. Retries use botocore's
"standard" mode (exponential backoff with jitter, throttling and transient errors retried); the
attempt count and timeouts keep the worst case inside the function's 10-second timeout, so a
DynamoDB outage becomes our 503 instead of a Lambda timeout. ``AWS_ENDPOINT_URL`` (local runs)
is honoured by botocore itself.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

RETRY_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 3},
    connect_timeout=1,
    read_timeout=2,
)

_dynamodb: Any = None


def dynamodb() -> Any:
    """The container's DynamoDB client."""
    global _dynamodb
    if _dynamodb is None:
        _dynamodb = boto3.client("dynamodb", config=RETRY_CONFIG)
    return _dynamodb


def reset() -> None:
    """Forget the client (a simulated cold start): tests and the local runner call this between mocks."""
    global _dynamodb
    _dynamodb = None
