"""``release rollback``: put an alias back on the version it ran before the last recorded move.

  release rollback --stage prod --alias prod --reason "errors on 7"
  release rollback --stage prod --alias prod --to 5

Without ``--to`` it reads the audit trail: the newest record's ``fromVersion``, with no weighted
route. It refuses when the alias is not where that record left it (a deploy or someone else moved
it since): then name the version with ``--to``. Guarded and audited like every move (see
``release canary --help``); ``--json`` has the same shape.
Exit codes: 0 done (or dry run), 1 refused, 2 bad input or AWS error.
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
    guarded,
    move_options,
    target_for,
)
from release_cli.ops.alias_move import move_alias
from release_cli.ops.audit_log import read_trail
from release_cli.ops.errors import EXIT_OK, OpsError, RefusedError
from release_cli.ops.lambda_reads import get_alias
from release_cli.ops.move_report import report_move
from release_cli.ops.route_rules import Route, parse_version


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers,
        "rollback",
        help_text="move an alias back to the version before its last recorded move (audited)",
        description=__doc__,
    )
    add_target(parser)
    add_alias_move(parser)
    parser.add_argument("--to", help="the version to go back to (default: from the audit trail)")
    add_json(parser)
    parser.set_defaults(func=guarded(run))


def run(args: argparse.Namespace) -> int:
    ctx = context_for(args)
    target = target_for(ctx, args)
    before = get_alias(ctx, target.function, args.alias)
    if args.to:
        version = parse_version(args.to, "--to")
    else:
        table = target.require_audit_table()
        trail = read_trail(ctx, table, function=target.function, alias=args.alias, limit=1)
        if not trail:
            raise OpsError(f"no recorded move of alias {args.alias} in {table}: give the version with --to V")
        last = trail[0]
        if (last.to_version, last.to_weights) != (before.version, before.weights):
            raise RefusedError(
                f"alias {args.alias} is at {before.describe()}, but its last recorded move ({last.at}, {last.action}) "
                f"left it at {last.to_version}: it was moved outside release since (a deploy?). "
                "Nothing was changed; give the version with --to V"
            )
        version = last.from_version
    result = move_alias(
        ctx, target, before=before, route=Route(version=version), action="rollback", options=move_options(args)
    )
    report_move(result, as_json=args.json)
    return EXIT_OK
