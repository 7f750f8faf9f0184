"""``release smoke``: every production-safe test event against an alias, judged against its expectation.

  release smoke --stage prod                                   # every function, each through its trigger alias
  release smoke --stage prod --function order-worker --alias prod
  release smoke --stage prod --alias prod --repeat 10 --junit-xml reports/smoke.xml

Each function runs its own production-safe events (its ``events`` folder in stages.toml; the Order
API's is ``test_events/``, the worker's stream records ``test_events/order_worker/``, judged on their
batchItemFailures) through its trigger alias (stages.toml ``trigger_alias``, default the stage's first
alias), or through ``--alias`` when given. ``--function`` takes the stages.toml KEY or a function
name/ARN. On a stage of several functions without ``--function`` every function is smoked in turn,
reported per function with a total (JUnit: one testsuite per function) and the exit code covers them
all; the JSON document is then {functions: [the one-function document below, one per function], ok}.
``--events-dir`` runs one folder instead of the function's, so it needs ``--function`` there.

``--repeat N`` runs each event N times and reports the observed split by executed version against
the alias's configured weights, each share with a 95 % Wilson interval (a configured weight inside
it is consistent with what was seen; routing is random, so small runs vary). A progress bar shows
on a terminal. ``--junit-xml`` writes a report CodeBuild and GitHub test-report actions read
(also when an AWS error stops the run: what ran, and the error as an ``<error>`` case).

Only observed versions are reported: an invocation whose endpoint names no ExecutedVersion (Lambda
always does) is counted as not reported, never as a version; with none reported the split is "not
observed". An endpoint that cannot run code (moto without Docker: no ExecutedVersion, a function
error, a payload that is not JSON) stops the run with one error and exit 2: nothing was tested.

``--json``: {function, alias, configured: {version: share}, repeat, invocations, failures,
unexpectedVersions, ok, splitObserved, versionNotReported, split: [{version, count, observed, low,
high, configured, consistent}], results: [{event, run, executedVersion (null: not reported), matched,
problems, callMs}]}; on an error, {error: {message, exitCode}}.
Exit codes: 0 every response matched and only routed versions ran, 1 a mismatch, a function error
or an unrouted version, 2 bad input, an AWS error or an endpoint that ran nothing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from release_cli.commands._options import command_parser
from release_cli.commands._release_options import add_json, add_target, context_for, target_for
from release_cli.ops.clients import AwsContext
from release_cli.ops.errors import EXIT_OK, EXIT_REFUSED, OpsError
from release_cli.ops.function_config import require_stage_for_key, service_function
from release_cli.ops.junit_report import Case, Suite, prepare_report_path, write_suites
from release_cli.ops.lambda_reads import get_alias
from release_cli.ops.output import print_json, table
from release_cli.ops.progress import Progress
from release_cli.ops.smoke_run import SmokeResult, SmokeRun, run_smoke
from release_cli.ops.target import Target, targets_for_stage
from service_model.project import project_root
from service_model.stages import StageConfig, load_stage
from service_model.test_events import TestEvent, events_dir, load_events


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers,
        "smoke",
        help_text="production-safe test events against an alias, with the split",
        description=__doc__,
    )
    add_target(parser)
    parser.add_argument("--alias", help="the alias to test (default: each function's trigger alias, from stages.toml)")
    parser.add_argument("--repeat", type=int, default=1, help="run each event this many times")
    parser.add_argument("--junit-xml", type=Path, metavar="PATH", help="write a JUnit XML report here")
    parser.add_argument(
        "--events-dir",
        type=Path,
        help="folder of event files (default: each function's, from stages.toml; needs --function on a stage of "
        "several functions)",
    )
    add_json(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.repeat < 1:
        raise OpsError("--repeat must be at least 1")
    require_stage_for_key(args.stage, args.function)
    config = load_stage(args.stage) if args.stage else None
    if args.junit_xml:
        prepare_report_path(args.junit_xml)
    ctx = context_for(args)
    several = config is not None and not args.function and len(config.functions) > 1
    if several and args.events_dir is not None and config is not None:
        raise OpsError(
            f"stage {config.name} has {len(config.functions)} functions ({', '.join(f.key for f in config.functions)}):"
            " --events-dir needs --function KEY (each function smokes its own folder otherwise)"
        )
    targets = targets_for_stage(ctx, config.name, config=config) if several and config else [target_for(ctx, args)]
    # every folder read and every alias named before any call
    plans = [(target, _alias_name(args, config, target), _events(args, config, target)) for target in targets]
    report_name = f"release smoke {args.alias or ', '.join(dict.fromkeys(alias for _, alias, _ in plans))}"
    runs: list[SmokeRun] = []
    suites: list[Suite] = []
    try:
        for target, alias_name, events in plans:
            if several:
                print(
                    f"== {target.function_key}: {target.function}, alias {alias_name}",
                    file=sys.stderr if args.json else sys.stdout,
                )
            smoke, suite = _smoke(ctx, args, target, alias_name, events)
            runs.append(smoke)
            suites.append(suite)
            if not args.json:
                _print(smoke)
    except _Stopped as stopped:
        if args.junit_xml:  # CI still gets a report: what ran, and the error that stopped the run
            write_suites(args.junit_xml, name=report_name, suites=[*suites, stopped.suite])
        raise stopped.error from None
    if args.junit_xml:
        write_suites(args.junit_xml, name=report_name, suites=suites)
    ok = all(smoke.ok for smoke in runs)
    if several and not args.json:
        _print_total(runs)
    if args.json:
        print_json({"functions": [s.to_json() for s in runs], "ok": ok} if several else runs[0].to_json())
    return EXIT_OK if ok else EXIT_REFUSED


class _Stopped(Exception):
    """An ``OpsError`` that stopped a function's run, with the partial report of that run."""

    def __init__(self, error: OpsError, suite: Suite) -> None:
        super().__init__(str(error))
        self.error, self.suite = error, suite


def _alias_name(args: argparse.Namespace, config: StageConfig | None, target: Target) -> str:
    """``--alias``, else the function's trigger alias (the one its HTTP API or event source invokes)."""
    if args.alias:
        return str(args.alias)
    function = service_function(target, config)
    if function is None:
        raise OpsError(f"{target.function} is not a function of stages.toml, so it has no trigger alias: give --alias")
    return function.trigger_alias


def _events(args: argparse.Namespace, config: StageConfig | None, target: Target) -> list[TestEvent]:
    """The production-safe events for ``target``: ``--events-dir``, else its function's folder."""
    folder = args.events_dir
    if folder is None:
        function = service_function(target, config)
        folder = project_root() / function.events_dir if function is not None else events_dir()
    events = [event for event in load_events(folder) if event.production_safe]
    if not events:
        raise OpsError(f"{folder}: no production-safe events to run (set production_safe: true on one)")
    return events


def _smoke(
    ctx: AwsContext, args: argparse.Namespace, target: Target, alias_name: str, events: list[TestEvent]
) -> tuple[SmokeRun, Suite]:
    alias = get_alias(ctx, target.function, alias_name)
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    progress = Progress(
        len(events) * args.repeat, label=f"smoke {alias_name}", enabled=None if not args.json else False
    )
    done: list[SmokeResult] = []

    def step(result: SmokeResult) -> None:
        done.append(result)
        progress.step(sum(1 for r in done if not r.matched))

    try:
        smoke = run_smoke(
            ctx,
            function=target.function,
            alias=alias,
            events=events,
            repeat=args.repeat,
            on_result=step,
        )
    except OpsError as err:
        partial = SmokeRun(function=target.function, alias=alias, repeat=args.repeat, results=done)
        raise _Stopped(err, _suite(partial, started, error=str(err))) from None
    finally:
        progress.close()
    return smoke, _suite(smoke, started)


def _print(smoke: SmokeRun) -> None:
    print(f"smoke {smoke.function}:{smoke.alias.name} (configured {smoke.alias.describe()}), {smoke.repeat} run(s)")
    for result in smoke.results:
        if smoke.repeat == 1 or not result.matched:
            verdict = "MATCH" if result.matched else "MISMATCH"
            version = result.executed_version or "not reported"
            print(f"{verdict:8} {result.event:28} run {result.run}  version {version}")
            for problem in result.problems:
                print(f"         - {problem}")
    _print_split(smoke)
    print(f"\n{len(smoke.results) - len(smoke.failed)} matched, {len(smoke.failed)} did not", end="")
    print(
        f"; versions the alias does not route to ran: {', '.join(smoke.unexpected_versions)}"
        if smoke.unexpected_versions
        else ""
    )


def _print_total(runs: list[SmokeRun]) -> None:
    """One line for the whole stage: every function's invocations, and which functions failed."""
    invocations = sum(len(smoke.results) for smoke in runs)
    failures = sum(len(smoke.failed) for smoke in runs)
    failed = [smoke.function for smoke in runs if not smoke.ok]
    print(
        f"\ntotal, {len(runs)} functions: {invocations - failures} matched, {failures} did not; "
        + (f"FAILED: {', '.join(failed)}" if failed else "every function passed")
    )


def _print_split(smoke: SmokeRun) -> None:
    """The split table, or one line saying it was not observed (never a made-up version)."""
    if not smoke.split_observed:
        print(f"\nsplit by executed version: not observed ({_not_reported(smoke)})")
        return
    print("\nsplit by executed version (95% Wilson interval):")
    rows = [
        (
            s.version,
            s.count,
            f"{s.observed:.1%}",
            f"{s.low:.1%} - {s.high:.1%}",
            "not routed" if s.configured is None else f"{s.configured:.1%}",
            "yes" if s.consistent else "NO",
        )
        for s in smoke.split
    ]
    table(("version", "runs", "observed", "interval", "configured", "consistent"), rows)
    if smoke.version_not_reported:
        print(f"({_not_reported(smoke)}; the split counts only the others)")


def _not_reported(smoke: SmokeRun) -> str:
    return (
        f"the endpoint named no ExecutedVersion for {smoke.version_not_reported} of {len(smoke.results)} "
        "invocation(s); Lambda always names it"
    )


def _suite(smoke: SmokeRun, timestamp: str, *, error: str = "") -> Suite:
    classname = f"smoke.{smoke.function}.{smoke.alias.name}"
    cases = [
        Case(
            name=f"{r.event} (run {r.run})" if smoke.repeat > 1 else r.event,
            seconds=r.call_ms / 1000,
            failure="\n".join(r.problems),
            output=f"executed version {r.executed_version or 'not reported'}, status {r.status}",
        )
        for r in smoke.results
    ]
    split = "; ".join(
        f"{s.version}: {s.count} ({s.observed:.1%}, 95% {s.low:.1%}-{s.high:.1%}, configured "
        f"{'not routed' if s.configured is None else f'{s.configured:.1%}'})"
        for s in smoke.split
    )
    unexpected = smoke.unexpected_versions
    not_observed = (
        "nothing observed: the run stopped before any invocation answered"
        if not smoke.results
        else f"not observed: {_not_reported(smoke)}"
    )
    cases.append(
        Case(
            name="split by executed version",
            seconds=0.0,
            failure=f"versions the alias does not route to ran: {', '.join(unexpected)}\n{split}" if unexpected else "",
            failure_type="unrouted-version",
            skipped="" if smoke.split_observed else not_observed,
            output=split,
        )
    )
    if error:
        cases.append(Case(name="smoke run", seconds=0.0, error=error))
    return Suite(name=f"release smoke {smoke.function}:{smoke.alias.name}", classname=classname, cases=cases,
                 timestamp=timestamp)  # fmt: skip
