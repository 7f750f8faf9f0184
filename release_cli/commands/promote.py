"""``release promote``: move an alias to a version and clear its weighted route.

  release promote --stage prod --alias prod                 # to the canary's version
  release promote --stage prod --alias prod --to 7
  release promote --stage prod --alias prod --from-alias staging --from-stage staging

  release promote --stage prod --all --from-stage staging --yes   # a release train

``--from-alias`` promotes the version that alias runs; with ``--from-stage`` (another stage's
function) the version here is found by its code SHA-256, the newest one with the same code; when
that stage's function is not deployed it says so and names it. A production stage's alias is never
moved to $LATEST (--to '$LATEST' is refused, exit 1). Guarded and audited like every move (see
``release canary --help``); ``--json`` has the same shape.

``--all`` is a release train: every function of the stage moves as one unit. ``--alias`` names the
alias on every function (default: each function's trigger alias, from stages.toml). Each function's
version: the one with the code ``--from-stage`` runs (that stage's same function, on its trigger
alias or on ``--from-alias``), the version ``--from-alias`` runs here, or its canary's. It plans
every move first, checks every rule, deployment and audit table for all before the first move,
asks once for a production stage (``--yes`` without a terminal), then moves them one by one; every
record carries one release id (sortable time and random part, printed first). If a move fails or
the command is interrupted (Ctrl-C, SIGTERM), the moves already made are put back (each audited
with the same release id, naming the record it undoes) and the command says what moved, what was
put back and what could not be, and fails. ``release rollback --release ID`` undoes a release,
``release audit --release ID`` lists it. ``--dry-run`` prints every call of every move.
With ``--all``, ``--json`` prints {releaseId, action, dryRun, moves: [{function, alias, action,
from, to, changed, dryRun, calls, audit, stoppedDeployments}]}.
Exit codes: 0 done (or dry run), 1 refused, 2 bad input, AWS error or a release that failed (put
back), 130/143 interrupted (put back).
"""

from __future__ import annotations

import argparse
from typing import Any

from release_cli.commands._options import command_parser
from release_cli.commands._release_options import (
    add_alias_move,
    add_json,
    add_target,
    context_for,
    move_options,
    target_for,
)
from release_cli.ops.alias_move import move_alias
from release_cli.ops.clients import AwsContext
from release_cli.ops.errors import EXIT_OK, OpsError
from release_cli.ops.lambda_reads import AliasState, Version, get_alias, list_versions
from release_cli.ops.move_report import report_move
from release_cli.ops.production import decide
from release_cli.ops.release_records import report_train
from release_cli.ops.release_train import run_train
from release_cli.ops.route_rules import Route, parse_version
from release_cli.ops.target import Target
from release_cli.ops.train_plan import promote_legs
from release_cli.ops.version_source import from_alias_version
from service_model.stages import STAGE_NAMES


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers, "promote", help_text="move an alias to a version and clear its route (audited)", description=__doc__
    )
    add_target(parser)
    add_alias_move(parser, alias_required=False)
    parser.add_argument("--to", help="the version to promote (default: the version the canary routes to)")
    parser.add_argument("--from-alias", help="promote the version this alias runs")
    parser.add_argument(
        "--from-stage",
        choices=STAGE_NAMES,
        help="stage of --from-alias when it is another stage's function (with --all alone: each function's "
        "trigger alias there); the version here is the one with the same code SHA-256",
    )
    parser.add_argument(
        "--all", action="store_true", help="every function of --stage as one release (a release train; needs --stage)"
    )
    add_json(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.to and args.from_alias:
        raise OpsError("give --to V or --from-alias A, not both")
    if args.all:
        return _release_train(args)
    if not args.alias:
        raise OpsError("give --alias A (the alias to move); only --all defaults it to each function's trigger alias")
    if args.from_stage and not args.from_alias:
        raise OpsError("--from-stage names the stage of --from-alias; give --from-alias too")
    ctx = context_for(args)
    target = target_for(ctx, args)
    before = get_alias(ctx, target.function, args.alias)
    target = decide(ctx, target, alias=args.alias)
    versions = list_versions(ctx, target.function)
    version = _chosen_version(ctx, args, target, before, versions)
    result = move_alias(
        ctx,
        target,
        before=before,
        route=Route(version=version),
        action="promote",
        options=move_options(args),
        versions=versions,
    )
    report_move(result, as_json=args.json)
    return EXIT_OK


def _release_train(args: argparse.Namespace) -> int:
    if not args.stage or args.function:
        raise OpsError("--all moves every function of a stage: give --stage S and no --function")
    if args.to:
        raise OpsError("--all with --to: each function has its own versions; give --from-stage S or --from-alias A")
    if args.stop_deployment:
        raise OpsError("--all does not stop deployments: a release moves no alias CodeDeploy is shifting")
    ctx = context_for(args)
    legs = promote_legs(
        ctx,
        args.stage,
        alias=args.alias,
        from_alias=args.from_alias,
        from_stage=args.from_stage,
        audit_table=args.audit_table,
    )
    result = run_train(ctx, legs, action="promote", options=move_options(args))
    report_train(result, as_json=args.json)
    return EXIT_OK


def _chosen_version(
    ctx: AwsContext, args: argparse.Namespace, target: Target, before: AliasState, versions: list[Version]
) -> str:
    if args.to:
        return parse_version(args.to, "--to")
    if args.from_alias:
        return from_alias_version(ctx, target, versions, from_alias=args.from_alias, from_stage=args.from_stage)
    if not before.weights:
        raise OpsError(
            f"alias {args.alias} has no canary to promote (it points at {before.version} alone); "
            "give --to V or --from-alias A"
        )
    return next(iter(before.weights))
