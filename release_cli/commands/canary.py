"""``release canary``: send a share of an alias's traffic to a second version, or clear the route.

  release canary --stage prod --alias prod --version 2 --weight 0.1 --reason "try 2 on 10%"
  release canary --stage prod --alias prod --clear

--weight is a share between 0 and 1 (exclusive) with at most 4 decimal places (steps of 0.01 %,
e.g. 0.1 or 0.0025): every such weight is stored exactly in the audit record, and a finer one
(1e-300, 1e-131) would underflow DynamoDB after the alias had moved. A bad --version or --weight
value is bad input (exit 2), refused before any call. Lambda's rules are checked next (one extra
version, published, not the primary, never $LATEST, same execution role; a production stage's alias
never on $LATEST); the change is guarded by the alias's RevisionId, refused while CodeDeploy
shifts the alias, and written to the audit table. ``--json``: alias, action, from
{version, weights}, to {version, weights}, changed, dryRun, calls, audit, stoppedDeployments.
Exit codes: 0 done (or dry run), 1 refused (rules, deployment, concurrent change, not confirmed),
2 bad input (flag values) or AWS error (also when the audit write failed after the move).
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
from release_cli.ops.errors import EXIT_OK, OpsError
from release_cli.ops.lambda_reads import get_alias
from release_cli.ops.move_report import report_move
from release_cli.ops.production import decide
from release_cli.ops.route_rules import Route, parse_version
from service_model.alias_spec import weight_problem


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers, "canary", help_text="set or clear an alias's weighted route (audited)", description=__doc__
    )
    add_target(parser)
    add_alias_move(parser)
    parser.add_argument("--version", help="the version that gets --weight of the traffic")
    parser.add_argument(
        "--weight",
        help="share of traffic for --version: 0 < W < 1, at most 4 decimal places (0.1 = 10%%, 0.0025 = 0.25%%)",
    )
    parser.add_argument("--clear", action="store_true", help="remove the weighted route (all traffic to the primary)")
    add_json(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.clear == (args.version is not None or args.weight is not None):
        raise OpsError("give either --version V --weight W, or --clear")
    if not args.clear and (args.version is None or args.weight is None):
        raise OpsError("a canary needs both --version V and --weight W (e.g. --version 2 --weight 0.1)")
    weights = {} if args.clear else {parse_version(args.version, "--version"): parse_weight(args.weight)}
    ctx = context_for(args)
    target = target_for(ctx, args)
    before = get_alias(ctx, target.function, args.alias)
    target = decide(ctx, target, alias=args.alias)
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


def parse_weight(text: str) -> float:
    """``--weight`` as a number Lambda takes and the audit record stores exactly; ``OpsError`` (exit 2) naming
    the flag otherwise (the same rule as ``weighted.weight`` in stages.toml: ``alias_spec.weight_problem``)."""
    try:
        weight = float(text)
    except ValueError:
        weight = None
    problem = weight_problem(weight) if weight is not None else f"must be a number, got {text!r}"
    if problem:
        raise OpsError(f"--weight {text}: {problem}")
    assert weight is not None
    return weight
