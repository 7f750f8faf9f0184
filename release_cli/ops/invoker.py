"""One synchronous invocation through an alias or version, with the version that actually ran.

Lambda's Invoke answers ``ExecutedVersion`` (which of an alias's weighted versions handled the
call) and ``FunctionError`` when the handler raised; the payload is the handler's return value,
or on an error the runtime's JSON error object (``errorMessage``, ``errorType``, ...).

An endpoint that cannot run code (moto without Docker) answers differently from every real
outcome: ``FunctionError`` with no ``ExecutedVersion`` and a payload that is not JSON ("error
running docker: ..."). Real Lambda always names the executed version of a RequestResponse call
and always answers JSON, also for a handler error, so those three together raise
``EndpointDidNotRunError`` (exit 2: nothing was tested) instead of passing the endpoint's text off
as the function's answer. A version the endpoint does not name is ``None``: never guessed.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from release_cli.ops.clients import AwsContext, aws_call
from release_cli.ops.errors import OpsError

NOT_JSON = object()
"""What ``_parse`` returns for a payload that is not JSON (Lambda never sends one)."""


class EndpointDidNotRunError(OpsError):
    """The endpoint answered Invoke without running the function: nothing was tested (exit 2)."""


@dataclass(frozen=True)
class Invocation:
    status_code: int
    executed_version: str | None
    """The version Lambda says ran; None when the endpoint did not say (never a guess)."""
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
    """Invoke once; raises ``EndpointDidNotRunError`` when the answer shows no handler ran."""
    client = ctx.client("lambda")
    body = json.dumps(payload).encode("utf-8")
    with aws_call(f"invoking {function}:{qualifier}"):
        started = time.perf_counter()
        raw = client.invoke(FunctionName=function, Qualifier=qualifier, InvocationType="RequestResponse", Payload=body)
        text = raw["Payload"].read().decode("utf-8", errors="replace")
        call_ms = (time.perf_counter() - started) * 1000
    executed = str(raw.get("ExecutedVersion") or "") or None
    function_error = str(raw.get("FunctionError") or "")
    parsed = _parse(text)
    if parsed is NOT_JSON and function_error and executed is None:
        raise EndpointDidNotRunError(did_not_run_message(function, qualifier, function_error, text))
    return Invocation(
        status_code=int(raw.get("StatusCode", 0)),
        executed_version=executed,
        function_error=function_error,
        response=text if parsed is NOT_JSON else parsed,
        call_ms=call_ms,
    )


def did_not_run_message(function: str, qualifier: str, function_error: str, text: str) -> str:
    """One plain sentence: what was seen, what it means, what to do instead (the endpoint's words last)."""
    first_line = text.strip().splitlines()[0][:120] if text.strip() else "(empty)"
    return (
        f"the endpoint did not run the function {function}:{qualifier}: it answered FunctionError "
        f"{function_error} with no ExecutedVersion and a payload that is not JSON, which Lambda never "
        "sends (an emulator that cannot run code, such as moto without Docker, answers this way); "
        "nothing was tested: invoke a deployed stage, or run the handler here with release local "
        f"(the endpoint said: {first_line})"
    )


def _parse(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return NOT_JSON
