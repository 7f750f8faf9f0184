"""Lambda entry point of the Order API (``handler.lambda_handler``); grown from the seed's version-2 handler.

Thin on purpose: parse the event (either door), run the action, shape the response. Every exception
ends here as a response -- a 4xx for the caller's mistakes, a 5xx with the request id for ours --
so no stack trace ever reaches a caller (it goes to the log instead). DynamoDB calls stop when the
invocation's remaining time could not cover one more (``clients.within_budget``): a 503, not a timeout.
Environment: ORDERS_TABLE, CONFIG_TABLE, AUDIT_TABLE, STAGE (and AWS_ENDPOINT_URL for local runs).
"""

from __future__ import annotations

import logging
from typing import Any

from order_service import clients, runtime_config, settings
from order_service.errors import InternalError, OrderApiError
from order_service.inbound import Request, action_hint, parse_event
from order_service.repository import OrderRepository
from order_service.responses import failure, success
from order_service.service import Invocation, OrderService
from order_service.validation import validate_create, validate_idempotency_key, validate_order_id
from version import VERSION

LOGGER = logging.getLogger("order_api")
LOGGER.setLevel(logging.INFO)


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    function_version = str(getattr(context, "function_version", "$LATEST"))
    request_id = str(getattr(context, "aws_request_id", "unknown"))
    contract = {"version": VERSION, "functionVersion": function_version, "action": action_hint(event)}
    try:
        request = parse_event(event)
        contract["action"] = request.action
        return _run(request, contract, Invocation(request_id, function_version, VERSION), context)
    except OrderApiError as error:
        log = LOGGER.error if error.status_code >= 500 else LOGGER.info
        log("request %s failed with %d: %s", request_id, error.status_code, error.message)
        return failure(error, contract, request_id)
    except Exception:
        LOGGER.exception("request %s failed unexpectedly", request_id)
        return failure(InternalError("internal error; quote the request id when reporting it"), contract, request_id)


def _run(request: Request, contract: dict[str, str], invocation: Invocation, context: Any) -> dict[str, Any]:
    client = clients.within_budget(clients.dynamodb(), context)
    tables = settings.tables()
    limits = runtime_config.limits(client, tables.config)
    service = OrderService(OrderRepository(client, tables), limits)
    if request.action == "create":
        key = validate_idempotency_key(request.idempotency_key)
        order = validate_create(request.params, limits.max_items)
        return success(200, "Order created", contract, service.create(order, key, invocation))
    order_id = validate_order_id(request.params.get("orderId"))
    return success(200, "Order status", contract, service.status(order_id))
