"""Run the production-safe test events against an alias, judge each response, and tally the split.

Every production-safe event is invoked ``repeat`` times through the alias; a response fails when
Lambda reports a FunctionError or it differs from the event's expectation (the matcher the
pre-traffic hook uses). Each invocation's ExecutedVersion goes into the split; a version the alias
does not route to is a failure of its own (the alias moved during the run, or routing is broken).

Only what was observed is reported: an invocation whose endpoint named no ExecutedVersion (Lambda
always names it; some emulators do not) counts in ``versionNotReported``, never in the split as a
made-up version, and with no version reported at all the split is empty and ``splitObserved`` false.
An endpoint that ran nothing stops the run at its first answer (``EndpointDidNotRunError``, once).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from release_cli.ops.clients import AwsContext
from release_cli.ops.invoker import invoke
from release_cli.ops.lambda_reads import AliasState
from release_cli.ops.split_stats import VersionShare, observed_split
from service_model.test_events import TestEvent


@dataclass(frozen=True)
class SmokeResult:
    event: str
    run: int
    executed_version: str | None
    problems: tuple[str, ...]
    call_ms: float
    status: Any

    @property
    def matched(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "run": self.run,
            "executedVersion": self.executed_version,
            "matched": self.matched,
            "problems": list(self.problems),
            "callMs": round(self.call_ms, 3),
        }


@dataclass
class SmokeRun:
    function: str
    alias: AliasState
    repeat: int
    results: list[SmokeResult] = field(default_factory=list)

    @property
    def reported_versions(self) -> list[str]:
        """The executed versions the endpoint named, one per invocation that named one."""
        return [r.executed_version for r in self.results if r.executed_version]

    @property
    def version_not_reported(self) -> int:
        return len(self.results) - len(self.reported_versions)

    @property
    def split_observed(self) -> bool:
        """Whether any invocation named its version: without one there is no split to report."""
        return bool(self.reported_versions)

    @property
    def split(self) -> list[VersionShare]:
        if not self.split_observed:
            return []
        return observed_split(self.reported_versions, self.alias.share())

    @property
    def unexpected_versions(self) -> list[str]:
        return [s.version for s in self.split if s.configured is None and s.count]

    @property
    def failed(self) -> list[SmokeResult]:
        return [r for r in self.results if not r.matched]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.unexpected_versions

    def to_json(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "alias": self.alias.name,
            "configured": self.alias.share(),
            "repeat": self.repeat,
            "invocations": len(self.results),
            "failures": len(self.failed),
            "unexpectedVersions": self.unexpected_versions,
            "ok": self.ok,
            "splitObserved": self.split_observed,
            "versionNotReported": self.version_not_reported,
            "split": [share.to_json() for share in self.split],
            "results": [r.to_json() for r in self.results],
        }


def run_smoke(
    ctx: AwsContext,
    *,
    function: str,
    alias: AliasState,
    events: list[TestEvent],
    repeat: int,
    on_result: Callable[[SmokeResult], None] = lambda _: None,
) -> SmokeRun:
    run = SmokeRun(function=function, alias=alias, repeat=repeat)
    for number in range(1, repeat + 1):
        for event in events:
            result = _one(ctx, function=function, alias=alias.name, event=event, run=number)
            run.results.append(result)
            on_result(result)
    return run


def _one(ctx: AwsContext, *, function: str, alias: str, event: TestEvent, run: int) -> SmokeResult:
    called = invoke(ctx, function=function, qualifier=alias, payload=event.payload)
    problems = list(event.mismatches(called.response))
    if called.function_error:
        problems.insert(0, f"the function raised ({called.function_error}): {str(called.response)[:300]}")
    status = called.response.get("statusCode") if isinstance(called.response, dict) else None
    return SmokeResult(event.name, run, called.executed_version, tuple(problems), called.call_ms, status)
