"""The seed lab's own payloads, byte for byte as the lab writes them, with the answers the lab expects.

The lab (the project's origin) types these into the Lambda console and its buildspec's
``aws lambda invoke --payload``; a new user following it step by step against ``release local`` or a
deployed stage must get the lab's answers. Each payload stays a string here so that what runs is
exactly the lab's text (``json.loads`` of those bytes), not a re-typed dict.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ORDER_API = ROOT / "lambda_src" / "order_api"
if str(ORDER_API) not in sys.path:
    sys.path.insert(0, str(ORDER_API))
sys.dont_write_bytecode = True  # a __pycache__ inside the asset folder would change its asset hash


@dataclass(frozen=True)
class LabPayload:
    """One payload of the lab: where it appears, its exact text, the status and body fields the lab names."""

    step: str
    text: str
    status: int
    body: dict[str, Any]
    """Fields whose values the lab states (beyond version/functionVersion/action, checked for every 200)."""
    has: tuple[str, ...] = ()
    """Fields the lab names without a value ("200 with status info")."""

    @property
    def payload(self) -> Any:
        return json.loads(self.text)


LAB_PAYLOADS = (
    LabPayload(
        "Part II step 04 (test each alias) and the buildspec's aws lambda invoke",
        '{"action":"create","customerId":"CUST-001"}',
        200,
        {"action": "create"},
    ),
    LabPayload(
        "Part V step 01.3 CreateOrderValid",
        '{"action":"create","customerId":"CUST-001","items":[{"productId":"PROD-A","quantity":2}]}',
        200,
        {"action": "create"},
    ),
    LabPayload(
        "Part V step 01.5 CreateOrderMissinCustomer (sic; CreateOrderMissingCustomer in step 02.2)",
        '{"action":"create","items":[{"productId":"PROD-A","quantity":1}]}',
        400,
        {"error": "customerId is required"},
    ),
    LabPayload(
        "Part V step 01.7 GetOrderStatus",
        '{"action":"status","orderId":"ORD-2024-001"}',
        200,
        {"action": "status", "orderId": "ORD-2024-001"},
        ("status",),
    ),
)
LAB_IDS = [payload.step.split(" (")[0] for payload in LAB_PAYLOADS]

STAGING_VERSION = "2"
"""The lab's staging alias points at version 2 and expects ``"functionVersion": "2"`` back."""


def code_version() -> str:
    """The handler's semantic version (``version.py``), which the lab's responses call ``version``."""
    import version

    return str(version.VERSION)


def lab_mismatches(lab: LabPayload, response: Any, function_version: str) -> list[str]:
    """Every way ``response`` differs from what the lab says this payload answers."""
    problems = []
    if not isinstance(response, dict) or not isinstance(response.get("body"), str):
        return [f"not a Lambda proxy response: {response!r}"]
    body = json.loads(response["body"])
    if response.get("statusCode") != lab.status:
        problems.append(f"statusCode {response.get('statusCode')}, the lab expects {lab.status}: {body}")
    if lab.status == 200:
        if body.get("version") != code_version():
            problems.append(f"version {body.get('version')!r}, want the code's {code_version()!r}")
        if body.get("functionVersion") != function_version:
            problems.append(f"functionVersion {body.get('functionVersion')!r}, want {function_version!r}")
        if body.get("action") != lab.payload.get("action"):
            problems.append(f"action {body.get('action')!r}, want {lab.payload.get('action')!r}")
    problems += [f"no {key} in the body" for key in lab.has if key not in body]
    for key, value in lab.body.items():
        if body.get(key) != value:
            problems.append(f"{key} {body.get(key)!r}, the lab expects {value!r}")
    return problems
