"""``release invoke``: invoke an alias or version with a test event or a payload, and show what ran.

  release invoke GetOrderStatus --stage prod --function order-api --alias prod
  release invoke ModifySkipped --stage prod --function order-worker --alias prod
  release invoke --payload '{"action": "status"}' --stage dev --function order-api --qualifier 3

EVENT is a test event of the function's own events folder (stages.toml ``events``: the Order API's
test_events/, the worker's test_events/order_worker/), judged by the matcher the pre-traffic hook uses
(the worker's stream records answer {batchItemFailures}). --function takes the stages.toml KEY or a
function name/ARN (a name of one of the service's functions finds its folder too). On a stage of
several functions a named EVENT that only one function's folder holds picks that function; a
--payload needs --function.

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
from typing import Any

from release_cli.commands._options import command_parser
from release_cli.commands._release_options import add_json, add_target, context_for, target_for
from release_cli.ops.confirm import AN_INVOKE, confirm
from release_cli.ops.errors import EXIT_OK, EXIT_REFUSED, OpsError
from release_cli.ops.function_config import require_stage_for_key, service_function
from release_cli.ops.invoker import invoke
from release_cli.ops.output import print_json, readable_response
from release_cli.ops.production import decide
from service_model.functions import FunctionConfig
from service_model.project import project_root
from service_model.stages import StageConfig, load_stage
from service_model.test_events import TestEvent, events_dir, load_events


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers, "invoke", help_text="invoke an alias or version and show the version that ran", description=__doc__
    )
    parser.add_argument(
        "event", nargs="?", metavar="EVENT", help="test event name (<the function's events folder>/<EVENT>.json)"
    )
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
    _check_payload(args)
    require_stage_for_key(args.stage, args.function)
    config = load_stage(args.stage) if args.stage else None
    if config is not None and args.event and not args.function and len(config.functions) > 1:
        args.function = _holder(config, args.event)
    qualifier = args.alias or args.qualifier
    ctx = context_for(args)
    target = target_for(ctx, args)
    event = _event(args, service_function(target, config)) if args.event else None
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


def _check_payload(args: argparse.Namespace) -> None:
    if not args.payload:
        return
    try:
        parsed = json.loads(args.payload)
    except ValueError as err:
        raise OpsError(f"--payload is not valid JSON: {err}") from None
    if not isinstance(parsed, dict):
        raise OpsError("--payload must be a JSON object")


def _holder(config: StageConfig, name: str) -> str | None:
    """The key of the one function whose events folder holds ``name`` (None: none or several do, and
    resolving the target then asks for --function)."""
    holders = [f.key for f in config.functions if (project_root() / f.events_dir / f"{name}.json").is_file()]
    return holders[0] if len(holders) == 1 else None


def _event(args: argparse.Namespace, function: FunctionConfig | None) -> TestEvent:
    """``EVENT`` from the function's events folder (a function the service does not declare: test_events/)."""
    folder = project_root() / function.events_dir if function is not None else events_dir()
    by_name = {event.name: event for event in load_events(folder)}
    if args.event not in by_name:
        whose = f"function {function.key}'s" if function is not None else "the"
        raise OpsError(f"unknown event {args.event!r} in {whose} folder {folder}; known: {', '.join(by_name)}")
    return by_name[args.event]
