"""``release rollback``: undo the newest recorded move of an alias that is not undone yet.

  release rollback --stage prod --alias prod --reason "errors on 7"
  release rollback --stage prod --alias prod --to 5

Rollback goes back, never forth. Without --to it reads the audit trail (an undo stack): it undoes
the newest move no rollback has undone yet, going to that move's fromVersion with no weighted route,
and its record names the move it undid. So after moves 1 -> 2 -> 3, rollback gives 2, a second
rollback gives 1, and a third is refused (exit 1) instead of going forth to 2 again. A rollback of
a rollback happens only with an explicit --to V, which is recorded as an ordinary move.

``--release ID`` undoes a whole release train (``release promote --all``): every alias it moved goes
back to where the release found it, version and weights, as one new release (its own id; each
record names the one it undoes), checked for all first and put back together if a move fails. It
refuses, changing nothing, when any of those aliases moved since the release (version, weights or
RevisionId differ from what the release left). With ``--release``, ``--json`` prints
the release document that ``release promote --help`` describes for ``--all``.
It refuses when the alias is not where the newest record left it, version and weights (a deploy or
someone else moved it since): then name the version with --to. A production stage's alias never
goes back to $LATEST. Guarded and audited like every move (see ``release canary --help``);
``--json`` has the same shape.
Exit codes: 0 done (or dry run), 1 refused (nothing left to undo, moved outside release, rules),
2 bad input (no recorded move at all) or AWS error.
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
from release_cli.ops.audit_log import read_trail
from release_cli.ops.errors import EXIT_OK, OpsError, RefusedError
from release_cli.ops.lambda_reads import get_alias, list_versions
from release_cli.ops.move_report import report_move
from release_cli.ops.production import decide
from release_cli.ops.release_records import UNDO_ACTION, release_records, report_train
from release_cli.ops.release_train import Leg, run_train
from release_cli.ops.rollback_plan import move_to_undo
from release_cli.ops.route_rules import Route, parse_version
from release_cli.ops.target import targets_for_stage
from service_model.stages import load_stage


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers,
        "rollback",
        help_text="undo an alias's newest recorded move not undone yet; never forth again (audited)",
        description=__doc__,
    )
    add_target(parser)
    add_alias_move(parser, alias_required=False)
    parser.add_argument(
        "--to", help="the version to move to (default: undo the newest move not undone yet, from the audit trail)"
    )
    parser.add_argument("--release", help="undo every move of this release train (needs --stage)")
    add_json(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.release:
        return _undo_release(args)
    if not args.alias:
        raise OpsError("give --alias A (the alias to roll back), or --release ID (a whole release train)")
    ctx = context_for(args)
    target = target_for(ctx, args)
    before = get_alias(ctx, target.function, args.alias)
    target = decide(ctx, target, alias=args.alias)
    undoes = ""
    if args.to:
        version = parse_version(args.to, "--to")
    else:
        table = target.require_audit_table()
        trail = read_trail(ctx, table, function=target.function, alias=args.alias)
        undone = move_to_undo(trail, before, table=table)
        version, undoes = undone.from_version, undone.sk
    result = move_alias(
        ctx,
        target,
        before=before,
        route=Route(version=version),
        action="rollback",
        options=move_options(args),
        undoes=undoes,
    )
    report_move(result, as_json=args.json)
    return EXIT_OK


def _undo_release(args: argparse.Namespace) -> int:
    if not args.stage or args.function or args.to:
        raise OpsError("--release undoes a release of a stage: give --stage S, and no --function or --to")
    ctx = context_for(args)
    config = load_stage(args.stage)
    targets = targets_for_stage(ctx, args.stage, audit_table=args.audit_table)
    records = release_records(ctx, config, targets, args.release, alias=args.alias)
    legs = []
    for target, record in records:
        if record.action == UNDO_ACTION:
            continue  # a put-back of a failed release: its move was already undone
        now = get_alias(ctx, target.function, record.alias)
        left = (record.to_version, dict(record.to_weights), record.revision_after)
        if (now.version, dict(now.weights), now.revision_id) != left:
            raise RefusedError(
                f"{target.function_key}: alias {record.alias} moved since release {args.release} left it "
                f"({record.to_version}, revision {record.revision_after}; now {now.describe()}, revision "
                f"{now.revision_id}); nothing was changed. Roll that alias back on its own with --function and --to"
            )
        target = decide(ctx, target, alias=record.alias)
        versions = list_versions(ctx, target.function)
        back = Route(version=record.from_version, weights=dict(record.from_weights))
        legs.append(Leg(target=target, before=now, route=back, versions=versions, undoes=record.sk))
    result = run_train(ctx, legs, action="rollback", options=move_options(args))
    report_train(result, as_json=args.json)
    return EXIT_OK
