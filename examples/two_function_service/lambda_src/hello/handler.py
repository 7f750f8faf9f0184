"""GET any path (``?name=Ada``) or invoke directly (``{"name": "Ada"}``): a greeting.

Every answer carries the fields the pre-traffic hook's matcher asks of a body: ``message``,
``version``, ``functionVersion`` and ``action``.
"""

from __future__ import annotations

import json
from typing import Any

from version import VERSION


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    query = event.get("queryStringParameters") or {}
    name = query.get("name") or event.get("name") or "world"
    body = {
        "message": f"hello, {name}",
        "version": VERSION,
        "functionVersion": str(getattr(context, "function_version", "$LATEST")),
        "action": "hello",
    }
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}
