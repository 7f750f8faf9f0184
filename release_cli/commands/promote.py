"""``release promote``: move an alias to a version and clear its weighted route.

  release promote --stage prod --alias prod                 # to the canary's version
  release promote --stage prod --alias prod --to 7
  release promote --stage prod --alias prod --from-alias staging --from-stage staging

  release promote --stage prod --all --alias prod --from-alias staging --from-stage staging --yes

``--all`` is a release train: every function of the stage, as one unit (see below).
``--from-alias`` promotes the version that alias runs; with ``--from-stage`` (another stage's
function) the version here is found by its code SHA-256, the newest one with the same code; when
that stage's function is not deployed it says so and names it. A production stage's alias is never
moved to $LATEST (--to '$LATEST' is refused, exit 1). Guarded and audited like every move (see
``release canary --help``); ``--json`` has the same shape.

A release train (``--all``) plans every function's move first (each function's version: by code
SHA-256 from ``--from-stage``, the version ``--from-alias`` runs, or its canary's), checks every
rule, deployment and audit table for all before the first move, asks once for a production stage,
then moves them one by one; every record carries one release id (printed first). If a move fails or
the command is interrupted, the moves already made are put back (audited, same release id) and the
command says what moved, what was put back and what could not be. ``release rollback --release ID``
undoes a release, ``release audit --release ID`` lists it. With ``--all``, ``--json`` prints
{releaseId, action, dryRun, moves: [{function, alias, action, from, to, changed, dryRun, calls,
audit, stoppedDeployments}]}.
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
from release_cli.ops.clients import AwsContext, aws_call, error_code
from release_cli.ops.errors import EXIT_OK, OpsError, RefusedError
from release_cli.ops.lambda_reads import AliasState, Version, get_alias, list_versions
from release_cli.ops.move_report import report_move
from release_cli.ops.production import decide
from release_cli.ops.release_records import report_train
from release_cli.ops.release_train import Leg, run_train
from release_cli.ops.route_rules import Route, parse_version
from release_cli.ops.target import Target, resolve_target, targets_for_stage
from service_model.alias_spec import LATEST
from service_model.stages import STAGE_NAMES, load_stage


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers, "promote", help_text="move an alias to a version and clear its route (audited)", description=__doc__
    )
    add_target(parser)
    add_alias_move(parser)
    parser.add_argument("--to", help="the version to promote (default: the version the canary routes to)")
    parser.add_argument("--from-alias", help="promote the version this alias runs")
    parser.add_argument(
        "--from-stage", choices=STAGE_NAMES, help="stage of --from-alias when it is another stage's function"
    )
    parser.add_argument(
        "--all", action="store_true", help="every function of --stage as one release (a release train; needs --stage)"
    )
    add_json(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.to and args.from_alias:
        raise OpsError("give --to V or --from-alias A, not both")
    if args.from_stage and not args.from_alias:
        raise OpsError("--from-stage names the stage of --from-alias; give --from-alias too")
    if args.all:
        return _release_train(args)
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
        raise OpsError("--all with --to: each function has its own versions; give --from-alias A (and --from-stage)")
    if args.stop_deployment:
        raise OpsError("--all does not stop deployments: a release moves no alias CodeDeploy is shifting")
    ctx = context_for(args)
    legs = []
    for target in targets_for_stage(ctx, args.stage, audit_table=args.audit_table):
        before = get_alias(ctx, target.function, args.alias)
        target = decide(ctx, target, alias=args.alias)
        versions = list_versions(ctx, target.function)
        version = _chosen_version(ctx, args, target, before, versions)
        legs.append(Leg(target=target, before=before, route=Route(version=version), versions=versions))
    result = run_train(ctx, legs, action="promote", options=move_options(args))
    report_train(result, as_json=args.json)
    return EXIT_OK


def _chosen_version(
    ctx: AwsContext, args: argparse.Namespace, target: Target, before: AliasState, versions: list[Version]
) -> str:
    if args.to:
        return parse_version(args.to, "--to")
    if args.from_alias:
        return _from_alias(ctx, args, target, versions)
    if not before.weights:
        raise OpsError(
            f"alias {args.alias} has no canary to promote (it points at {before.version} alone); "
            "give --to V or --from-alias A"
        )
    return next(iter(before.weights))


def _from_alias(ctx: AwsContext, args: argparse.Namespace, target: Target, versions: list[Version]) -> str:
    source_target = target
    if args.from_stage and args.from_stage != target.stage:
        source_target = resolve_target(ctx, stage=args.from_stage, function=_source_key(target, args.from_stage))
        _require_function(ctx, source_target)
    source = get_alias(ctx, source_target.function, args.from_alias)
    if source.weights:
        raise RefusedError(
            f"alias {args.from_alias} is split ({source.describe()}): promote from it once it runs one version"
        )
    if source.version == LATEST:
        raise RefusedError(f"alias {args.from_alias} points at $LATEST, which is not a version: publish one first")
    if source_target.function == target.function:
        return source.version
    source_versions = {v.number: v for v in list_versions(ctx, source_target.function)}
    sha = source_versions[source.version].code_sha256 if source.version in source_versions else ""
    same_code = [v for v in versions if sha and v.code_sha256 == sha]
    if not same_code:
        raise RefusedError(
            f"no version of {target.function} has the code of {source_target.function}:{source.version} "
            f"(SHA-256 {sha or 'unknown'}); deploy that code to this stage first, then promote"
        )
    return max(same_code, key=lambda v: v.sort_key).number


def _source_key(target: Target, stage: str) -> str | None:
    """The same function in ``stage``: by the target's key, else by the name's ``-<name>`` ending (a
    named target), else the stage's only function; None lets ``resolve_target`` say which keys exist."""
    if target.function_key:
        return target.function_key
    functions = load_stage(stage).functions
    name = target.function.split(":function:")[-1].split(":")[0]
    matching = [f.key for f in functions if name.endswith(f"-{f.basename}")]
    if len(matching) == 1:
        return matching[0]
    return functions[0].key if len(functions) == 1 else None


def _require_function(ctx: AwsContext, source: Target) -> None:
    """``--from-stage``'s function exists; otherwise say which function was looked for and what to do
    (a missing alias would be the next question, and the wrong one)."""
    from botocore.exceptions import ClientError

    with aws_call(f"finding stage {source.stage}'s function {source.function}"):
        try:
            ctx.client("lambda").get_function_configuration(FunctionName=source.function)
        except ClientError as err:
            if error_code(err) != "ResourceNotFoundException":
                raise
            raise OpsError(
                f"stage {source.stage}'s function {source.function} was not found ({source.source}): deploy stage "
                f"{source.stage} first (cdk deploy --context stage={source.stage}), or give the version here "
                "with --to V"
            ) from None
