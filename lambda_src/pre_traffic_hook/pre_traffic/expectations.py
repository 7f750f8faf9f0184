"""Compares a function's response with a test event's expectation; the one matcher every runner uses.

Lives in the hook's asset because the hook can ship only its own folder; the release CLI (local
runner, tests) loads this same file, so the hook and the local runner can never disagree on what
"matched" means. Standard library only.

An expectation is one of two kinds, told apart by its keys:
HTTP-style (the Order API): ``{"statusCode": 200, "body": {...}, "bodyHas": ["orderId"]}``
    statusCode  must equal the response's
    body        a subset of the parsed JSON body: objects match key by key (recursively), anything
                else (strings, numbers, lists) must be equal
    bodyHas     fields that must be present and not null (for values that differ per call)
    The seed's contract fields (message, version, functionVersion, action) must be in every body.
Batch (a stream or queue consumer with partial batch responses): ``{"batchItemFailures": [...]}``
    batchItemFailures  must equal the response's list exactly: same entries in the same order
                       (``[]``: nothing failed). A missing or null list does not match, although
                       Lambda reads it as success: the worker always answers with a list.
    Nothing else is checked: a batch response has no contract fields.
"""

from __future__ import annotations

import json
from typing import Any

CONTRACT_FIELDS = ("message", "version", "functionVersion", "action")
BATCH_KEY = "batchItemFailures"


def mismatches(expected: dict[str, Any], response: Any) -> list[str]:
    """Every way ``response`` differs from ``expected``; empty means it matched."""
    if not isinstance(response, dict):
        return [f"response is not an object: {_short(response)}"]
    if BATCH_KEY in expected:
        return _batch_mismatches(expected[BATCH_KEY], response)
    problems: list[str] = []
    if response.get("statusCode") != expected.get("statusCode"):
        problems.append(f"statusCode: expected {expected.get('statusCode')}, got {response.get('statusCode')}")
    body = _parse_body(response.get("body"))
    if not isinstance(body, dict):
        return [*problems, f"body is not a JSON object: {_short(response.get('body'))}"]
    problems.extend(f"body.{name}: missing (contract field)" for name in CONTRACT_FIELDS if name not in body)
    problems.extend(_subset("body", expected.get("body", {}), body))
    for name in expected.get("bodyHas", []):
        if body.get(name) is None:
            problems.append(f"body.{name}: expected a value, got none")
    return problems


def _batch_mismatches(expected: Any, response: dict[str, Any]) -> list[str]:
    if BATCH_KEY not in response:
        return [f"{BATCH_KEY}: missing"]
    actual = response[BATCH_KEY]
    if actual != expected:
        return [f"{BATCH_KEY}: expected {_short(expected)}, got {_short(actual)}"]
    return []


def _parse_body(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _subset(path: str, expected: Any, actual: Any) -> list[str]:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {_short(actual)}"]
        problems: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems.extend(_subset(f"{path}.{key}", value, actual[key]))
        return problems
    if expected != actual or type(expected) is not type(actual):
        return [f"{path}: expected {_short(expected)}, got {_short(actual)}"]
    return []


def _short(value: Any, limit: int = 200) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."
