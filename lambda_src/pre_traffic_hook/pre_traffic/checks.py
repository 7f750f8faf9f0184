"""Runs the production-safe test events against one function version and judges the results.

The invoker is a parameter (``(version, payload) -> response``) so tests drive the Order API
handler in-process; in Lambda it is ``lambda:InvokeFunction`` on ``<function>:<version>``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pre_traffic.expectations import mismatches

LOGGER = logging.getLogger(__name__)
Invoker = Callable[[str, dict[str, Any]], Any]


@dataclass(frozen=True)
class CheckResult:
    name: str
    problems: list[str] = field(default_factory=list)
    duration_ms: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.problems


def run_checks(events: list[dict[str, Any]], version: str, invoke: Invoker) -> list[CheckResult]:
    """One result per event; an invocation that raises is a failed check, never a crashed hook."""
    results = []
    for event in events:
        started = time.perf_counter()
        try:
            problems = mismatches(event["expected"], invoke(version, event["payload"]))
        except Exception as err:  # any failure is a failed check; the hook must still report
            problems = [f"invocation failed: {type(err).__name__}: {err}"]
        result = CheckResult(str(event.get("name", "?")), problems, (time.perf_counter() - started) * 1000)
        LOGGER.info(
            "check %s on version %s: %s %s",
            result.name,
            version,
            "passed" if result.passed else "FAILED",
            "; ".join(result.problems),
        )
        results.append(result)
    return results


def parse_events(raw: str) -> list[dict[str, Any]]:
    """The events from the EVENTS_JSON variable; anything malformed raises ValueError (the hook reports Failed)."""
    events = json.loads(raw)
    if not isinstance(events, list) or not events:
        raise ValueError("EVENTS_JSON must be a non-empty JSON array of events")
    for index, event in enumerate(events):
        if not isinstance(event, dict) or not {"name", "payload", "expected"} <= set(event):
            raise ValueError(f"EVENTS_JSON[{index}] must be an object with name, payload and expected")
    return events
