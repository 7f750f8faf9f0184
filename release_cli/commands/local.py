"""``release local``: run test events against the handler on this machine (moto, no account, no Docker).

The local orders table starts with the seed's sample orders (sample_data/orders.json, the same data
``release seed-data`` writes to a stage), so GetOrderStatus finds ORD-2024-001; --no-sample-data
starts from empty tables.

Without --template the stage's template comes from the project's cdk.out as review takes it: the
manifest must list the stage (after cdk synth -c stage=prod, the dev template on disk is an earlier
synth's) and be newer than every infrastructure source; an edit to the handler or the events needs
no synth, both are read from source (release_cli.local_template).

``--function KEY`` runs another function of stages.toml (``order-worker``: its handler, its
environment from the template, its own events folder, judged the same way; the worker's stream
records answer with ``batchItemFailures``); without it, the stage's first function (the Order API).
``--json``: a list of results, each {name, verdict, problems, durationMs, response}.
Exit codes: 0 every event matched its expectation, 1 at least one did not, 2 bad input
(unknown event name, missing or unusable template, a stale or partial cloud assembly, invalid event file).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from release_cli.commands._local_options import add_local_function_options
from release_cli.commands._options import command_parser
from release_cli.error_report import report_error
from release_cli.local_invoke import EventResult, LocalFunction, LocalInvokeError, load_template, run_events
from release_cli.local_template import local_template_file
from release_cli.ops.output import readable_response
from service_model.functions import FunctionConfig
from service_model.project import project_root
from service_model.stages import StageConfigError, load_stage
from service_model.test_events import TestEvent, TestEventError, events_dir, load_event_file, load_events

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE = 0, 1, 2


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers,
        "local",
        help_text="run test events against the handler locally (moto DynamoDB from the synthesized template)",
        description=__doc__,
    )
    parser.add_argument("events", nargs="*", metavar="EVENT", help="event names to run (default: every event)")
    parser.add_argument(
        "-e",
        "--event-file",
        dest="event_files",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="run this event file (repeatable; a test-event file, or a bare payload as sam local invoke -e takes)",
    )
    add_local_function_options(parser, template_gives="tables")
    parser.add_argument(
        "--function", metavar="KEY", help="the function to run, by its stages.toml key (default: the first)"
    )
    parser.add_argument(
        "--events-dir",
        type=Path,
        help=f"folder of event files: the function's own in stages.toml; the first function's "
        f"(default: {events_dir()})",
    )
    parser.add_argument("--quiet", action="store_true", help="print one line per event, not the responses")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document: every event's response, verdict and problems"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    stage = args.stage
    try:
        function = _function(args)
        if args.events_dir is None:
            args.events_dir = project_root() / function.events_dir
        events = _chosen_events(args)
        template_file = local_template_file(stage=stage, template=args.template)
        template = load_template(template_file)
        alias = args.alias or function.trigger_alias
        print(f"stage {stage}, function {function.key}, alias {alias}, template {template_file}", file=sys.stderr)
        local = LocalFunction(
            name=function.name, code_dir=project_root() / "lambda_src" / function.code, handler=function.handler
        )
        results = run_events(
            events,
            template,
            alias=alias,
            function_version=args.function_version,
            sample_data=args.sample_data,
            function=None if function.key == load_stage(stage).primary.key else local,
        )
    except (TestEventError, LocalInvokeError) as err:
        return report_error(args, str(err), EXIT_USAGE)
    if args.json:
        print(json.dumps([_as_json(event, result) for event, result in zip(events, results, strict=True)], indent=2))
        return EXIT_MISMATCH if any(not result.matched for result in results) else EXIT_OK
    for event, result in zip(events, results, strict=True):
        _print_result(result, quiet=args.quiet, judged=event.has_expectation)
    failed = [result.name for result in results if not result.matched]
    unjudged = sum(1 for event in events if not event.has_expectation)
    summary = f"{len(results) - len(failed) - unjudged} matched, {len(failed)} did not"
    summary += f", {unjudged} ran with no expectation" if unjudged else ""
    print(summary + (f": {', '.join(failed)}" if failed else ""))
    return EXIT_MISMATCH if failed else EXIT_OK


def _function(args: argparse.Namespace) -> FunctionConfig:
    """``--function KEY`` of the stage, else its first function; an unknown key lists the keys."""
    config = load_stage(args.stage)
    if not args.function:
        return config.primary
    try:
        return config.function(args.function)
    except StageConfigError as err:
        raise LocalInvokeError(str(err)) from None


def _chosen_events(args: argparse.Namespace) -> list[TestEvent]:
    """Named events from the events folder plus ``-e`` files; every event when neither is given."""
    from_files = [load_event_file(path) for path in args.event_files]
    if from_files and not args.events:
        return from_files
    return _select(load_events(args.events_dir), args.events) + from_files


def _select(events: list[Any], names: list[str]) -> list[Any]:
    if not names:
        return events
    by_name = {event.name: event for event in events}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise TestEventError(f"unknown event(s) {', '.join(unknown)}; known: {', '.join(by_name)}")
    return [by_name[name] for name in names]


def _print_result(result: EventResult, *, quiet: bool, judged: bool) -> None:
    status = _answer(result.response)
    verdict = ("MATCH" if result.matched else "MISMATCH") if judged else "RAN"
    print(f"{verdict:8} {result.name:28} {status}  {result.duration_ms:.1f} ms")
    for problem in result.problems:
        print(f"         - {problem}")
    if not quiet:
        print(_indent(json.dumps(readable_response(result.response), indent=2)))


def _as_json(event: TestEvent, result: EventResult) -> dict[str, Any]:
    verdict = ("match" if result.matched else "mismatch") if event.has_expectation else "ran"
    return {
        "name": result.name,
        "verdict": verdict,
        "problems": result.problems,
        "durationMs": round(result.duration_ms, 3),
        "response": readable_response(result.response),
    }


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


def _answer(response: Any) -> Any:
    """The short answer to show: an HTTP status, or a stream consumer's failed records."""
    if isinstance(response, dict) and "batchItemFailures" in response:
        return f"{len(response['batchItemFailures'])} failed record(s)"
    return response.get("statusCode") if isinstance(response, dict) else None
