"""``release canary --watch``: analyze the canary every interval until a verdict or the deadline, then act.

The window of each analysis starts at the minute the watch started (the route was set, or the watch
began on a route already set), so it judges the canary's traffic since then, growing each interval.
It stops at the first PASS or FAIL, or at the deadline (INCONCLUSIVE). Only then does it act, and
only through the guarded, audited moves every command uses (``alias_move.move_alias``):

* PASS with ``--promote-on-pass``: a ``promote`` to the canary's version (route cleared);
* FAIL with ``--rollback-on-fail``: a ``rollback`` that undoes the newest recorded move (the canary's),
  as ``release rollback`` does, naming it;

each record carrying ``judgement``: the verdict and the figures it rested on. A move those guards
refuse (a deployment shifting the alias, a concurrent change, rules) changes nothing and writes no
record; the route stays. Every interval re-reads the alias: if it moved outside the watch, the watch
stops (exit 1) rather than judge or move a route it did not set. Ctrl-C while watching leaves the
route as it is and says so (exit 130); once a move has started, its own signal guard finishes it.

The clock is a parameter, so tests run a watch of an hour in no time (``FakeClock`` in the tests).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from release_cli.ops.alias_move import MoveOptions, MoveResult, move_alias
from release_cli.ops.audit_log import read_trail
from release_cli.ops.canary_analysis import analyze_alias, canary_of, evidence
from release_cli.ops.canary_judgement import FAIL, INCONCLUSIVE, PASS
from release_cli.ops.canary_metrics import Window
from release_cli.ops.canary_report import EXIT_FOR, Analysis, document, report
from release_cli.ops.clients import AwsContext
from release_cli.ops.errors import AuditWriteError, OpsError, RefusedError
from release_cli.ops.lambda_reads import AliasState, get_alias
from release_cli.ops.rollback_plan import move_to_undo
from release_cli.ops.route_rules import Route
from release_cli.ops.target import Target

EXIT_INTERRUPTED = 130


class Clock(Protocol):
    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass(frozen=True)
class WatchOptions:
    interval_seconds: int = 60
    deadline_seconds: int = 1800
    promote_on_pass: bool = False
    rollback_on_fail: bool = False


def watch(
    ctx: AwsContext,
    target: Target,
    route: AliasState,
    options: WatchOptions,
    moves: MoveOptions,
    *,
    as_json: bool,
    clock: Clock | None = None,
    move: Callable[..., MoveResult] = move_alias,
) -> int:
    """Watch ``route`` (the alias as the watch found or set it) and act; returns the verdict's exit code."""
    clock = clock or SystemClock()
    canary_of(route)
    started = clock.now()
    deadline = started + timedelta(seconds=options.deadline_seconds)
    count, analysis = 0, None
    try:
        while True:
            clock.sleep(options.interval_seconds)
            now = clock.now()
            live = get_alias(ctx, target.function, route.name)
            if (live.version, live.weights) != (route.version, route.weights):
                raise RefusedError(
                    f"alias {route.name} moved during the watch ({route.describe()} -> {live.describe()}): the "
                    "watch stops; nothing was promoted or rolled back"
                )
            analysis = analyze_alias(ctx, target, live, Window.between(started, now))
            count += 1
            _progress(count, now, analysis, as_json=as_json)
            if analysis.judgement.verdict != INCONCLUSIVE or now >= deadline:
                break
    except KeyboardInterrupt:
        _end_progress(as_json)
        message = (
            f"interrupted (Ctrl-C): the route stays as it is ({route.describe()}); nothing was promoted or rolled back"
        )
        if as_json:
            _line({"event": "interrupted", "route": route.describe(), "message": message})
        print(message, file=sys.stderr)
        return EXIT_INTERRUPTED
    _end_progress(as_json)
    return _decide(ctx, target, live, analysis, options, moves, as_json=as_json, move=move)


def _decide(
    ctx: AwsContext,
    target: Target,
    live: AliasState,
    analysis: Analysis,
    options: WatchOptions,
    moves: MoveOptions,
    *,
    as_json: bool,
    move: Callable[..., MoveResult],
) -> int:
    verdict = analysis.judgement.verdict
    version, _ = canary_of(live)
    why = f"canary {verdict}" + (f"; {moves.reason}" if moves.reason else "")
    result = None
    try:
        if verdict == PASS and options.promote_on_pass:
            result = move(ctx, target, before=live, route=Route(version=version), action="promote",
                          options=replace(moves, reason=why), judgement=evidence(analysis))  # fmt: skip
        elif verdict == FAIL and options.rollback_on_fail:
            table = target.require_audit_table()
            trail = read_trail(ctx, table, function=target.function, alias=live.name)
            undone = move_to_undo(trail, live, table=table)
            back = Route(version=undone.from_version)
            result = move(ctx, target, before=live, route=back, action="rollback", options=replace(moves, reason=why),
                          undoes=undone.sk, judgement=evidence(analysis))  # fmt: skip
    except AuditWriteError:
        raise  # the alias moved: its own loud message says so
    except OpsError as err:  # refused or failed before UpdateAlias: nothing moved
        raise type(err)(
            f"{err} (after a {verdict} verdict: the route stays as it is, {live.describe()}, and no verdict "
            "record was written)"
        ) from None
    if as_json:
        _line({"event": "decision", "verdict": verdict, "action": result.action if result else "none",
               "move": result.to_json() if result else None, "analysis": document(analysis)})  # fmt: skip
        return EXIT_FOR[verdict]
    report(analysis, as_json=False)
    if result is not None:
        print(f"{result.action}: alias {live.name}: {live.describe()} -> {result.route.version}")
        if result.record is not None:
            print(f"audit: {result.record.pk} {result.record.sk} (with the verdict and its figures)")
    else:
        left = {PASS: "promote it with release promote", FAIL: "roll it back with release rollback",
                INCONCLUSIVE: "the deadline came first"}[verdict]  # fmt: skip
        print(f"the route stays as it is ({live.describe()}): {left}")
    return EXIT_FOR[verdict]


def _progress(count: int, now: datetime, analysis: Analysis, *, as_json: bool) -> None:
    j, canary = analysis.judgement, analysis.canary
    if as_json:
        _line({"event": "interval", "interval": count, "at": now.isoformat(), "verdict": j.verdict,
               "canaryInvocations": canary.invocations, "primaryInvocations": analysis.primary.invocations,
               "moreInvocations": j.more_invocations, "pValue": j.p_value})  # fmt: skip
        return
    more = f", needs {j.more_invocations} more" if j.verdict == INCONCLUSIVE else ""
    text = (f"[{count}] {now:%H:%M:%S} {j.verdict}: canary {canary.invocations} invocations, "
            f"{canary.errors} errors{more}")  # fmt: skip
    if sys.stdout.isatty():
        print(f"\r{text}\033[K", end="", flush=True)
    else:
        print(text, flush=True)


def _end_progress(as_json: bool) -> None:
    if not as_json and sys.stdout.isatty():
        print()


def _line(document: dict[str, Any]) -> None:
    print(json.dumps(document, sort_keys=True, default=str), flush=True)
