"""The DynamoDB client, created once per container, and a per-request time budget around it.

Created lazily on first use, not at import: building a client loads the service model (tens of
milliseconds), and the import-time bench measures the module alone. ``AWS_ENDPOINT_URL`` (local runs)
is honoured by botocore itself.

Worst case, so that a slow or unreachable DynamoDB becomes our 503 and never a Lambda timeout:
- one DynamoDB call takes at most ``CALL_WORST_CASE_SECONDS`` = 4.0 s: botocore's "standard" retry
  mode with 2 attempts, each at most 0.5 s to connect plus 1 s waiting for the answer, and one
  backoff before the retry of at most 1 s (after throttling; 25 ms after a timeout or a 5xx).
  Limits of that figure: the read timeout applies per socket read (a server trickling bytes could
  hold longer; DynamoDB does not), DNS resolution is not covered by the connect timeout, and an
  ``x-amz-retry-after`` header in a throttling answer may lengthen the backoff by up to 5 s;
- ``within_budget`` refuses to start a call when less than ``CALL_RESERVE_MS`` (4.0 s + 0.5 s to
  answer) of the invocation is left, and answers 503 instead. So a request ends with at least 0.5 s
  to spare whatever the number of calls it makes: within 9.5 s of the function's 10 s timeout.
  Measured against an endpoint that accepts connections and never answers (test_handler_failures):
  a create with 10 s left gets its 503 after about 4 s (a failed config read, 2 s, then the write, 2 s).
  A function timeout below 4.5 s would make every request 503: keep the stage's timeout above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

from order_service.errors import ServiceUnavailable

MAX_ATTEMPTS = 2
CONNECT_TIMEOUT_SECONDS = 0.5
READ_TIMEOUT_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 1.0
"""botocore standard mode waits rand(0, 1) x 1 s before the first retry of a throttled call."""
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


def within_budget(client: Any, context: Any) -> Any:
    """``client`` for one invocation: refuses (503) to start a call the function's timeout might cut short.

    ``context`` is Lambda's; without ``get_remaining_time_in_millis`` (a bare call) the client is unbounded.
    """
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return _Budgeted(client, remaining) if callable(remaining) else client


class _Budgeted:
    def __init__(self, client: Any, remaining_ms: Callable[[], int]) -> None:
        self._client = client
        self._remaining_ms = remaining_ms

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)

        def call(**kwargs: Any) -> Any:
            left = self._remaining_ms()
            if left < CALL_RESERVE_MS:
                raise ServiceUnavailable(
                    f"not enough time left to reach the order store ({left} ms, need {CALL_RESERVE_MS}); retry later"
                )
            return method(**kwargs)

        return call


def reset() -> None:
    """Forget the client (a simulated cold start): tests and the local runner call this between mocks."""
    global _dynamodb
    _dynamodb = None
