"""``release invoke``: invoke an alias or version with a test event or a payload, and show what ran.

  release invoke GetOrderStatus --stage prod --alias prod
  release invoke --payload '{"action": "status"}' --stage dev --qualifier 3

Prints the response and the version that actually ran (Invoke's ExecutedVersion). A named event's
response is judged against its expectation. An event that is not production-safe, or a raw
payload, asks before running against a production stage (``production = true`` in stages.toml;
the stage decides, not the alias's name): an invoke runs the real code, which may write real data
(``--yes`` without a terminal).
An endpoint that cannot run code (moto without Docker answers a function error, no
ExecutedVersion and a payload that is not JSON, which Lambda never does) is one error, exit 2.
``--json``: {function, qualifier, event, statusCode, executedVersion (null: the endpoint did not
name it), functionError, response, callMs, matched, problems}; on an error, {error: {message,
exitCode}}. Exit codes: 0 invoked (and matched, for a named event), 1 the function raised or the
response did not match, 2 bad input, an AWS error or an endpoint that ran nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from release_cli.commands._options import command_parser
from release_cli.commands._release_options import add_json, add_target, context_for, target_for
from release_cli.ops.confirm import AN_INVOKE, confirm
from release_cli.ops.errors import EXIT_OK, EXIT_REFUSED, OpsError
from release_cli.ops.invoker import invoke
from release_cli.ops.output import print_json, readable_response
from release_cli.ops.production import decide
from service_model.project import project_root
from service_model.stages import load_stage
from service_model.test_events import TestEvent, events_dir, load_events


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers, "invoke", help_text="invoke an alias or version and show the version that ran", description=__doc__
    )
    parser.add_argument("event", nargs="?", metavar="EVENT", help="test event name (test_events/<EVENT>.json)")
    parser.add_argument("--payload", help="a JSON payload instead of a named event")
    add_target(parser)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--alias", help="invoke through this alias")
    where.add_argument("--qualifier", help="invoke this version (or $LATEST)")
    parser.add_argument("--yes", action="store_true", help="do not ask before a risky event against a production stage")
    add_json(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if bool(args.event) == bool(args.payload):
        raise OpsError("give an EVENT name or --payload JSON (one of them)")
    event = _event(args)
    qualifier = args.alias or args.qualifier
    ctx = context_for(args)
    target = target_for(ctx, args)
    if event is None or not event.production_safe:
        what = f"event {event.name}" if event else "a raw payload"
        confirm(
            f"invoke {target.function}:{qualifier} with {what} (not marked production-safe)",
            production=decide(ctx, target, alias=args.alias).production,
            yes=args.yes,
            what=AN_INVOKE,
            untouched="nothing was invoked",
        )
    payload = event.payload if event else json.loads(args.payload)
    called = invoke(ctx, function=target.function, qualifier=qualifier, payload=payload)
    problems = list(event.mismatches(called.response)) if event else []
    if called.function_error:
        problems.insert(0, f"the function raised ({called.function_error})")
    if args.json:
        print_json(
            {
                "function": target.function,
                "qualifier": qualifier,
                "event": event.name if event else None,
                **called.to_json(),
                "matched": not problems,
                "problems": problems,
            }
        )
    else:
        print(json.dumps(readable_response(called.response), indent=2))
        print(f"executed version: {called.executed_version or 'not reported'} ({called.call_ms:.0f} ms)")
        for problem in problems:
            print(f"- {problem}")
    return EXIT_REFUSED if problems else EXIT_OK


def _event(args: argparse.Namespace) -> TestEvent | None:
    if args.payload:
        try:
            parsed = json.loads(args.payload)
        except ValueError as err:
            raise OpsError(f"--payload is not valid JSON: {err}") from None
        if not isinstance(parsed, dict):
            raise OpsError("--payload must be a JSON object")
        return None
    by_name = {event.name: event for event in load_events(_events_folder(args))}
    if args.event not in by_name:
        raise OpsError(f"unknown event {args.event!r}; known: {', '.join(by_name)}")
    return by_name[args.event]


def _events_folder(args: argparse.Namespace) -> Path:
    """The events of the function ``--function KEY`` names in ``--stage``; otherwise the Order API's."""
    if args.stage and args.function:
        function = next((f for f in load_stage(args.stage).functions if f.key == args.function), None)
        if function is not None:
            return project_root() / function.events_dir
    return events_dir()
