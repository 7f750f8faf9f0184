"""``release rollback``: undo the newest recorded move of an alias that is not undone yet.

  release rollback --stage prod --alias prod --reason "errors on 7"
  release rollback --stage prod --alias prod --to 5

Rollback goes back, never forth. Without --to it reads the audit trail (an undo stack): it undoes
the newest move no rollback has undone yet, going to that move's fromVersion with no weighted route,
and its record names the move it undid. So after moves 1 -> 2 -> 3, rollback gives 2, a second
rollback gives 1, and a third is refused (exit 1) instead of going forth to 2 again. A rollback of
a rollback happens only with an explicit --to V, which is recorded as an ordinary move.
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
from release_cli.ops.errors import EXIT_OK
from release_cli.ops.lambda_reads import get_alias
from release_cli.ops.move_report import report_move
from release_cli.ops.production import decide
from release_cli.ops.rollback_plan import move_to_undo
from release_cli.ops.route_rules import Route, parse_version


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers,
        "rollback",
        help_text="undo an alias's newest recorded move not undone yet; never forth again (audited)",
        description=__doc__,
    )
    add_target(parser)
    add_alias_move(parser)
    parser.add_argument(
        "--to", help="the version to move to (default: undo the newest move not undone yet, from the audit trail)"
    )
    add_json(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
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
