"""``release rollback``: undo the newest recorded move of an alias that is not undone yet.

  release rollback --stage prod --alias prod --reason "errors on 7"
  release rollback --stage prod --alias prod --to 5
  release rollback --stage prod --release 20261128T074512Z-3f9a1c    # a whole release train

Rollback goes back, never forth. Without --to it reads the audit trail (an undo stack): it undoes
the newest move no rollback has undone yet, going to that move's fromVersion with no weighted route,
and its record names the move it undid. So after moves 1 -> 2 -> 3, rollback gives 2, a second
rollback gives 1, and a third is refused (exit 1) instead of going forth to 2 again. A rollback of
a rollback happens only with an explicit --to V, which is recorded as an ordinary move.

``--release ID`` undoes a whole release train (``release promote --all``): every alias it moved and
left moved goes back to where the release found it, version and weights, as one new release (its
own id; each record names the one it undoes), checked for all first and put back together if a move
fails (exit 2, or 130/143 interrupted). It refuses (exit 1), changing nothing, when any of those
aliases moved since the release (version, weights or RevisionId differ from what the release left;
the message names the release or rollback that undid it, if one did) unless ``--force`` is given,
and when the release left nothing moved (it failed and was put back). ``--alias A`` also looks for
records of an alias stages.toml does not declare. With ``--release``, ``--json`` prints the release
document that ``release promote --help`` describes for ``--all``.

For one alias, it refuses when the alias is not where the newest record left it, version and weights (a deploy or
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
from release_cli.ops.errors import EXIT_OK, OpsError
from release_cli.ops.lambda_reads import get_alias
from release_cli.ops.move_report import report_move
from release_cli.ops.production import decide
from release_cli.ops.release_records import report_train
from release_cli.ops.release_train import run_train
from release_cli.ops.rollback_plan import move_to_undo
from release_cli.ops.route_rules import Route, parse_version
from release_cli.ops.train_plan import undo_legs


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
    parser.add_argument("--release", metavar="ID", help="undo every move of this release train (needs --stage)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="with --release: undo it even where an alias moved since (it goes back to where the release found it)",
    )
    add_json(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.release:
        return _undo_release(args)
    if args.force:
        raise OpsError("--force belongs to --release ID (undo a release whose aliases moved since)")
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
    if args.stop_deployment:
        raise OpsError("--release does not stop deployments: a release moves no alias CodeDeploy is shifting")
    ctx = context_for(args)
    legs = undo_legs(ctx, args.stage, args.release, alias=args.alias, audit_table=args.audit_table, force=args.force)
    result = run_train(ctx, legs, action="rollback", options=move_options(args))
    report_train(result, as_json=args.json)
    return EXIT_OK
