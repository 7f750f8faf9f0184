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

  release canary --stage prod --alias prod --version 2 --weight 0.1 --watch --promote-on-pass --rollback-on-fail

--watch sets the route (or, without --version/--weight, watches the one the alias has), then runs
``release analyze``'s judgement every --interval over the traffic since the watch began, until a
PASS or FAIL or the --deadline, printing each interval (a progress line on a terminal; with --json,
one JSON object per line, each with an event: route, interval, decision or interrupted). Then, and
only through the same guarded, audited moves: --promote-on-pass promotes the canary, --rollback-on-fail
undoes the canary's move (as release rollback does); their audit records carry the verdict and the
figures (judgement). Without them the route is left as it is. A refused move, or an alias moved
during the watch, leaves the route and writes no record (exit 1). Ctrl-C leaves the route as it
is and says so (exit 130). Exit codes with --watch: 0 PASS (promoted if asked), 1 FAIL (rolled
back if asked), 3 INCONCLUSIVE at the deadline, 2 bad input or AWS error.
"""

from __future__ import annotations

import argparse
import json
import re
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
from release_cli.ops.canary_watch import WatchOptions, watch
from release_cli.ops.errors import EXIT_OK, OpsError
from release_cli.ops.lambda_reads import AliasState, get_alias
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
    parser.add_argument("--watch", action="store_true", help="analyze the canary every --interval until a verdict")
    parser.add_argument("--interval", help="with --watch: time between analyses, 10s to 1h (default: 1m)")
    parser.add_argument(
        "--deadline", help="with --watch: give up INCONCLUSIVE after this long, up to 24h (default: 30m)"
    )
    parser.add_argument("--promote-on-pass", action="store_true", help="with --watch: promote the canary on PASS")
    parser.add_argument("--rollback-on-fail", action="store_true", help="with --watch: roll the canary back on FAIL")
    add_json(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    watching = _watch_options(args)
    if watching is not None and args.version is None and args.weight is None and not args.clear:
        ctx = context_for(args)
        target = decide(ctx, target_for(ctx, args), alias=args.alias)
        route = get_alias(ctx, target.function, args.alias)
        return watch(ctx, target, route, watching, move_options(args), as_json=args.json)
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
    if watching is None:
        report_move(result, as_json=args.json)
        return EXIT_OK
    if args.json:
        print(json.dumps({"event": "route", "move": result.to_json()}, sort_keys=True), flush=True)
    else:
        report_move(result, as_json=False)
    route = AliasState(name=args.alias, version=result.route.version, weights=result.route.weights)
    return watch(ctx, target, route, watching, move_options(args), as_json=args.json)


DURATION = re.compile(r"^([0-9]{1,5})(s|m|h)$")


def parse_seconds(text: str, flag: str, *, low: int, high: int) -> int:
    """``30s``, ``5m``, ``1h`` as seconds between ``low`` and ``high``; ``OpsError`` naming the flag otherwise."""
    match = DURATION.match(text.strip())
    seconds = int(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2)] if match else -1
    if not low <= seconds <= high:
        raise OpsError(f"{flag} {text}: give a time like 30s, 5m or 1h, from {low}s to {high // 3600}h")
    return seconds


def _watch_options(args: argparse.Namespace) -> WatchOptions | None:
    """The watch's options, or None without --watch (then its flags are refused, naming themselves)."""
    if not args.watch:
        flags = {"--interval": args.interval, "--deadline": args.deadline,
                 "--promote-on-pass": args.promote_on_pass, "--rollback-on-fail": args.rollback_on_fail}  # fmt: skip
        for flag, given in flags.items():
            if given:
                raise OpsError(f"{flag} belongs to --watch (analyze until a verdict, then act)")
        return None
    if args.clear or args.dry_run:
        raise OpsError("--watch watches a canary: not with --clear or --dry-run")
    interval = parse_seconds(args.interval or "1m", "--interval", low=10, high=3600)
    deadline = parse_seconds(args.deadline or "30m", "--deadline", low=60, high=24 * 3600)
    if deadline < interval:
        raise OpsError(f"--deadline {args.deadline} is shorter than --interval {args.interval or '1m'}")
    return WatchOptions(interval, deadline, args.promote_on_pass, args.rollback_on_fail)


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
