"""One synchronous invocation through an alias or version, with the version that actually ran.

Lambda's Invoke answers ``ExecutedVersion`` (which of an alias's weighted versions handled the
call) and ``FunctionError`` when the handler raised; the payload is the handler's return value.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from release_cli.ops.clients import AwsContext, aws_call


@dataclass(frozen=True)
class Invocation:
    status_code: int
    executed_version: str
    function_error: str
    response: Any
    call_ms: float
    """Wall time of the Invoke call alone (what smoke's overhead is measured against)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "statusCode": self.status_code,
            "executedVersion": self.executed_version,
            "functionError": self.function_error or None,
            "response": self.response,
            "callMs": round(self.call_ms, 3),
        }


def invoke(ctx: AwsContext, *, function: str, qualifier: str, payload: Any) -> Invocation:
    client = ctx.client("lambda")
    body = json.dumps(payload).encode("utf-8")
    with aws_call(f"invoking {function}:{qualifier}"):
        started = time.perf_counter()
        raw = client.invoke(FunctionName=function, Qualifier=qualifier, InvocationType="RequestResponse", Payload=body)
        text = raw["Payload"].read().decode("utf-8", errors="replace")
        call_ms = (time.perf_counter() - started) * 1000
    return Invocation(
        status_code=int(raw.get("StatusCode", 0)),
        executed_version=str(raw.get("ExecutedVersion", "")),
        function_error=str(raw.get("FunctionError", "")),
        response=_parse(text),
        call_ms=call_ms,
    )


def _parse(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text
