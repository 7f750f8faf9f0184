"""``release canary``: send a share of an alias's traffic to a second version, or clear the route.

  release canary --stage prod --alias prod --version 2 --weight 0.1 --reason "try 2 on 10%"
  release canary --stage prod --alias prod --clear

Lambda's rules are checked first (one extra version, published, not the primary, never $LATEST,
0 < weight < 1, same execution role); the change is guarded by the alias's RevisionId, refused
while CodeDeploy shifts the alias, and written to the audit table. ``--json``: alias, action, from
{version, weights}, to {version, weights}, changed, dryRun, calls, audit, stoppedDeployments.
Exit codes: 0 done (or dry run), 1 refused (rules, deployment, concurrent change, not confirmed),
2 bad input or AWS error (also when the audit write failed after the move).
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
from release_cli.ops.errors import EXIT_OK, OpsError
from release_cli.ops.lambda_reads import get_alias
from release_cli.ops.move_report import report_move
from release_cli.ops.route_rules import Route, parse_version


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers, "canary", help_text="set or clear an alias's weighted route (audited)", description=__doc__
    )
    add_target(parser)
    add_alias_move(parser)
    parser.add_argument("--version", help="the version that gets --weight of the traffic")
    parser.add_argument("--weight", type=float, help="share of traffic for --version, between 0 and 1 (0.1 = 10%%)")
    parser.add_argument("--clear", action="store_true", help="remove the weighted route (all traffic to the primary)")
    add_json(parser)
    parser.set_defaults(func=guarded(run))


def run(args: argparse.Namespace) -> int:
    if args.clear == (args.version is not None or args.weight is not None):
        raise OpsError("give either --version V --weight W, or --clear")
    if not args.clear and (args.version is None or args.weight is None):
        raise OpsError("a canary needs both --version V and --weight W (e.g. --version 2 --weight 0.1)")
    ctx = context_for(args)
    target = target_for(ctx, args)
    before = get_alias(ctx, target.function, args.alias)
    weights = {} if args.clear else {parse_version(args.version): args.weight}
    result = move_alias(
        ctx,
        target,
        before=before,
        route=Route(version=before.version, weights=weights),
        action="canary-clear" if args.clear else "canary",
        options=move_options(args),
    )
    report_move(result, as_json=args.json)
    return EXIT_OK
