"""Turns either door's event into one ``Request``: the seed's direct invoke, or an API Gateway HTTP event.

Direct invoke: ``{"action": "create"|"status", ...fields}`` (the Lambda console and ``aws lambda invoke``).
HTTP API (payload format 2.0; REST payload 1.0 is read the same way):
    POST /orders            -> create (JSON body with the same fields as a direct create)
    GET  /orders/{orderId}  -> status
One optional leading path segment is ignored, so a named API stage (``/prod/orders``) routes the same.
Idempotency key: the ``Idempotency-Key`` header (any case), else the ``idempotencyKey`` field.
Everything a caller can get wrong here raises ``BadRequest``/``NotFound``/``MethodNotAllowed``.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from order_service.errors import BadRequest, FieldError, MethodNotAllowed, NotFound, OrderApiError
from order_service.jsontype import json_type

ACTIONS = ("create", "status")
MAX_REQUEST_BYTES = 16 * 1024
"""Far above the largest valid order (the item limit times a short item), far below Lambda's 6 MB."""
ACTION_ECHO_LIMIT = 64


@dataclass(frozen=True)
class Request:
    action: str
    params: dict[str, Any] = field(default_factory=dict)
    idempotency_key: Any = None
    door: str = "invoke"


def action_hint(event: Any) -> str:
    """The action to echo in an error response raised before parsing finished (the seed answered ``none``)."""
    if not isinstance(event, dict):
        return "none"
    if _is_http_event(event):
        try:
            return _route(event)[0]
        except OrderApiError:
            return "none"
    action = event.get("action")
    return action[:ACTION_ECHO_LIMIT] if isinstance(action, str) else "none"


def parse_event(event: Any) -> Request:
    if not isinstance(event, dict):
        raise BadRequest(f"event must be a JSON object, got {json_type(event)}")
    if _is_http_event(event):
        return _parse_http(event)
    return _parse_direct(event)


def _is_http_event(event: dict[str, Any]) -> bool:
    has_context = isinstance(event.get("requestContext"), dict)
    return has_context and ("routeKey" in event or "httpMethod" in event)


def _parse_direct(event: dict[str, Any]) -> Request:
    _check_size(event)
    action = event.get("action")
    if action is None:
        raise BadRequest.for_fields([FieldError("action", f"is required; one of {', '.join(ACTIONS)}")])
    if action not in ACTIONS:
        problem = f"must be one of {', '.join(ACTIONS)}, got {_describe(action)}"
        raise BadRequest.for_fields([FieldError("action", problem)])
    return Request(action=action, params=event, idempotency_key=event.get("idempotencyKey"), door="invoke")


def _parse_http(event: dict[str, Any]) -> Request:
    action, order_id = _route(event)
    if action == "status":
        return Request(action="status", params={"orderId": order_id}, door="http")
    body = _json_body(event)
    key = _header(event, "idempotency-key")
    if key is None:
        key = body.get("idempotencyKey")
    return Request(action="create", params=body, idempotency_key=key, door="http")


def _route(event: dict[str, Any]) -> tuple[str, str | None]:
    """``(action, orderId)`` for the request's method and path, or the 404/405 that explains why not."""
    method, path = _method_and_path(event)
    segments = [segment for segment in path.split("/") if segment]
    if 2 <= len(segments) <= 3 and segments[-2] == "orders":
        if method != "GET":
            raise MethodNotAllowed(f"{method} is not allowed on /orders/{{orderId}}; use GET", allow=("GET",))
        return "status", segments[-1]
    if 1 <= len(segments) <= 2 and segments[-1] == "orders":
        if method != "POST":
            raise MethodNotAllowed(f"{method} is not allowed on /orders; use POST", allow=("POST",))
        return "create", None
    raise NotFound(f"no route for {method} {path[:200]}; routes: POST /orders, GET /orders/{{orderId}}")


def _method_and_path(event: dict[str, Any]) -> tuple[str, str]:
    http = event["requestContext"].get("http")
    if isinstance(http, dict):
        method, path = http.get("method"), event.get("rawPath") or http.get("path")
    else:
        method, path = event.get("httpMethod"), event.get("path")
    if not isinstance(method, str) or not isinstance(path, str):
        raise BadRequest("HTTP event has no method or path")
    return method.upper(), path


def _header(event: dict[str, Any], name: str) -> Any:
    headers = event.get("headers")
    if not isinstance(headers, dict):
        return None
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name:
            return value
    return None


def _json_body(event: dict[str, Any]) -> dict[str, Any]:
    raw = event.get("body")
    if raw is None or raw == "":
        raise BadRequest("request body is required: a JSON object with customerId and items")
    if not isinstance(raw, str):
        raise BadRequest(f"request body must be a string of JSON, got {json_type(raw)}")
    if len(raw) > MAX_REQUEST_BYTES * 2:
        raise BadRequest(f"request body is larger than {MAX_REQUEST_BYTES} bytes")
    data = _decode_base64(raw) if event.get("isBase64Encoded") is True else raw.encode("utf-8", "surrogatepass")
    if len(data) > MAX_REQUEST_BYTES:
        raise BadRequest(f"request body is larger than {MAX_REQUEST_BYTES} bytes")
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):
        raise BadRequest("request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest(f"request body must be a JSON object, got {json_type(body)}")
    return body


def _decode_base64(raw: str) -> bytes:
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("request body is marked base64-encoded but is not valid base64") from None


def _check_size(event: dict[str, Any]) -> None:
    try:
        size = len(json.dumps(event, default=str).encode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError):
        raise BadRequest("event cannot be read as JSON") from None
    if size > MAX_REQUEST_BYTES:
        raise BadRequest(f"event is larger than {MAX_REQUEST_BYTES} bytes")


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value[:ACTION_ECHO_LIMIT])
    return json_type(value)
