"""Builds every response in the seed's shape, through either door.

``{"statusCode", "headers", "body": "<JSON>"}``: API Gateway (HTTP payload 2.0) passes it through,
and the console shows the same thing for a direct invoke. The body always carries the seed's
contract fields ``message``, ``version``, ``functionVersion`` and ``action``; errors add ``error``
(one line, as in the seed), ``errors`` (per-field problems) and ``requestId``; a 405 carries an ``Allow``
header listing the path's methods (RFC 9110 requires it).
"""

from __future__ import annotations

import json
from typing import Any

from order_service.errors import BadRequest, MethodNotAllowed, OrderApiError


def success(status_code: int, message: str, contract: dict[str, str], fields: dict[str, Any]) -> dict[str, Any]:
    return _response(status_code, {"message": message, **contract, **fields})


def failure(error: OrderApiError, contract: dict[str, str], request_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {"message": _MESSAGES.get(error.status_code, "Request failed"), **contract}
    body["error"] = error.message
    if isinstance(error, BadRequest) and error.errors:
        body["errors"] = [item.as_dict() for item in error.errors]
    body["requestId"] = request_id
    response = _response(error.status_code, body)
    if isinstance(error, MethodNotAllowed):
        response["headers"]["Allow"] = ", ".join(error.allow)
    return response


_MESSAGES = {
    400: "Invalid request",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    500: "Internal error",
    503: "Service unavailable",
}


def _response(status_code: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status_code,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, separators=(",", ":"), ensure_ascii=True),
    }
