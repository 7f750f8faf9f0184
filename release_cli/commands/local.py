"""``release local``: run test events against the handler on this machine (moto, no account, no Docker).

The local orders table starts with the seed's sample orders (sample_data/orders.json, the same data
``release seed-data`` writes to a stage), so GetOrderStatus finds ORD-2024-001; --no-sample-data
starts from empty tables.

Without --template the stage's template comes from the project's cdk.out as review takes it: the
manifest must list the stage (after cdk synth -c stage=prod, the dev template on disk is an earlier
synth's) and be newer than every infrastructure source; an edit to the handler or the events needs
no synth, both are read from source (release_cli.local_template).

  release local --stage dev                          # every function's events, per function
  release local --stage dev --function order-worker  # the worker's stream records through its handler
  release local GetOrderStatus ModifySkipped          # each name runs on the function whose folder has it

--function KEY (the stages.toml key, or the function's name or ARN) runs that function: its handler
from its code folder, its environment from the template's resource with its FunctionName, its own
events folder (stages.toml ``events``), its trigger alias in the context's ARN (--alias overrides),
each response judged by the matcher the pre-traffic hook uses (the worker's stream records answer
{batchItemFailures}). Without --function a stage of one function runs that one; a stage of several
runs every function, one after the other on tables of its own, grouped per function with a total,
and exits 1 if any event of any of them did not match: "does everything still pass" is what a bare
``release local`` asks. Named EVENTs run on the function whose folder holds each name; -e FILE and
--events-dir need --function there, since a file does not say whose handler it is for.

``--json``: a list of results, each {name, verdict, problems, durationMs, response}. (Without
--function on a stage of several functions the document is {functions: [{key, function, alias, ok,
results: [the results above]}], ok} instead.)
Exit codes: 0 every event matched its expectation, 1 at least one did not, 2 bad input
(unknown event name, missing or unusable template, a stale or partial cloud assembly, invalid event file).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from release_cli.commands._local_options import (
    add_local_function_options,
    chosen_function,
    invoked_alias,
    local_function,
    stage_config,
)
from release_cli.commands._options import command_parser
from release_cli.error_report import report_error
from release_cli.local_invoke import (
    EventResult,
    LocalInvokeError,
    function_spec,
    load_template,
    run_events,
    table_definitions,
)
from release_cli.local_template import local_template_file
from release_cli.ops.output import readable_response
from service_model.functions import FunctionConfig
from service_model.project import project_root
from service_model.stages import StageConfig
from service_model.test_events import TestEvent, TestEventError, load_event_file, load_events

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
    add_local_function_options(
        parser,
        template_gives="tables",
        function_help="without it, every function of the stage (grouped per function; exit 1 if any fails)",
    )
    parser.add_argument(
        "--events-dir",
        type=Path,
        help="folder of event files (default: the function's, from stages.toml; needs --function on a stage "
        "of several functions)",
    )
    parser.add_argument("--quiet", action="store_true", help="print one line per event, not the responses")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document: every event's response, verdict and problems"
    )
    parser.set_defaults(func=run)


@dataclass(frozen=True)
class _Plan:
    """One function's part of the run: the function, the alias in its ARN and its events."""

    function: FunctionConfig
    alias: str
    events: list[TestEvent]


def run(args: argparse.Namespace) -> int:
    stage = args.stage
    try:
        config = stage_config(args)
        several = not args.function and len(config.functions) > 1
        plans = _plans(args, config, several=several)
        template_file = local_template_file(stage=stage, template=args.template)
        template = load_template(template_file)
        tables = table_definitions(template)
        for plan in plans:  # every function found in the template before any event runs
            function_spec(template, tables, local_function(plan.function))
        ran: list[tuple[_Plan, list[EventResult]]] = []
        for plan in plans:
            print(
                f"stage {stage}, function {plan.function.key} ({plan.function.name}), alias {plan.alias}, "
                f"template {template_file}",
                file=sys.stderr,
            )
            if several and not args.json:
                print(f"== {plan.function.key} ({plan.function.name}), alias {plan.alias}")
            results = run_events(
                plan.events,
                template,
                alias=plan.alias,
                function_version=args.function_version,
                sample_data=args.sample_data,
                function=local_function(plan.function),
            )
            ran.append((plan, results))
            if not args.json:
                _print_results(args, plan.events, results, prefix=f"{plan.function.key}: " if several else "")
    except (TestEventError, LocalInvokeError) as err:
        return report_error(args, str(err), EXIT_USAGE)
    failed = any(not result.matched for _, results in ran for result in results)
    if args.json:
        documents = [[_as_json(e, r) for e, r in zip(plan.events, results, strict=True)] for plan, results in ran]
        if several:
            print(json.dumps({"functions": [_function_json(plan, results, document)
                                            for (plan, results), document in zip(ran, documents, strict=True)],
                              "ok": not failed}, indent=2))  # fmt: skip
        else:
            print(json.dumps(documents[0], indent=2))
    elif several:
        every = [(event, result) for plan, results in ran for event, result in zip(plan.events, results, strict=True)]
        print(f"\ntotal, {len(ran)} functions: " + _summary([e for e, _ in every], [r for _, r in every]))
    return EXIT_MISMATCH if failed else EXIT_OK


def _plans(args: argparse.Namespace, config: StageConfig, *, several: bool) -> list[_Plan]:
    """What runs: the one function's chosen events, or (a stage of several, no --function) every
    function's folder, or the named events each on the function whose folder holds it."""
    if not several:
        function = chosen_function(config, args.function) if args.function else config.primary
        folder = args.events_dir or project_root() / function.events_dir
        return [_Plan(function, invoked_alias(args, function), _chosen_events(args, folder))]
    if args.event_files or args.events_dir:
        given = "-e FILE" if args.event_files else "--events-dir"
        raise LocalInvokeError(
            f"stage {config.name} has {len(config.functions)} functions "
            f"({', '.join(f.key for f in config.functions)}): {given} needs --function KEY to say whose handler runs it"
        )
    folders = {f.key: load_events(project_root() / f.events_dir) for f in config.functions}
    if args.events:
        _check_names(args.events, folders)
    plans = []
    for function in config.functions:
        chosen = folders[function.key]
        if args.events:
            by_name = {event.name: event for event in chosen}
            chosen = [by_name[name] for name in args.events if name in by_name]
        if chosen:
            plans.append(_Plan(function, invoked_alias(args, function), chosen))
    return plans


def _check_names(names: list[str], folders: dict[str, list[TestEvent]]) -> None:
    """Every name is in exactly one function's folder; else the error lists what each folder has."""
    holders = {name: [key for key, events in folders.items() if name in {e.name for e in events}] for name in names}
    unknown = [name for name, keys in holders.items() if not keys]
    if unknown:
        known = "; ".join(f"{key}: {', '.join(e.name for e in events)}" for key, events in folders.items())
        raise TestEventError(f"unknown event(s) {', '.join(unknown)}; known: {known}")
    shared = {name: keys for name, keys in holders.items() if len(keys) > 1}
    if shared:
        name, keys = next(iter(shared.items()))
        raise TestEventError(f"event {name} is in the folders of {', '.join(keys)}: give --function KEY")


def _print_results(args: argparse.Namespace, events: list[TestEvent], results: list[EventResult], prefix: str) -> None:
    for event, result in zip(events, results, strict=True):
        _print_result(result, quiet=args.quiet, judged=event.has_expectation)
    print(prefix + _summary(events, results))


def _summary(events: list[TestEvent], results: list[EventResult]) -> str:
    failed = [result.name for result in results if not result.matched]
    unjudged = sum(1 for event in events if not event.has_expectation)
    summary = f"{len(results) - len(failed) - unjudged} matched, {len(failed)} did not"
    summary += f", {unjudged} ran with no expectation" if unjudged else ""
    return summary + (f": {', '.join(failed)}" if failed else "")


def _function_json(plan: _Plan, results: list[EventResult], document: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "key": plan.function.key,
        "function": plan.function.name,
        "alias": plan.alias,
        "ok": all(result.matched for result in results),
        "results": document,
    }


def _chosen_events(args: argparse.Namespace, folder: Path) -> list[TestEvent]:
    """Named events from the events folder plus ``-e`` files; every event when neither is given."""
    from_files = [load_event_file(path) for path in args.event_files]
    if from_files and not args.events:
        return from_files
    return _select(load_events(folder), args.events) + from_files


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
    """The short answer to show: an HTTP status, how many records a stream consumer reported failed, or
    the error the function raised."""
    if isinstance(response, dict) and "errorType" in response and "statusCode" not in response:
        return f"raised {response['errorType']}"
    if isinstance(response, dict) and isinstance(response.get("batchItemFailures"), list):
        return f"{len(response['batchItemFailures'])} failed record(s)"
    return response.get("statusCode") if isinstance(response, dict) else None
