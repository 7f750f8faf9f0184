"""``release analyze``: judge an alias's canary against its primary from their own CloudWatch metrics.

  release analyze --stage prod --alias prod --window 15m
  release analyze --stage prod --function order-worker --alias prod --json

Reads, over the window, Invocations, Errors, Throttles (Sum) and Duration (p50, p90, p99) per
ExecutedVersion of the alias (its primary and the version its weighted route sends traffic to), with
GetMetricData, every page followed. Errors: one-sided Fisher exact test (exact at any count); PASS
needs enough canary invocations to have caught twice the primary's error rate (a sample size, see
stages.toml's [defaults.canary]); before that the verdict is INCONCLUSIVE and says how many more
invocations (and minutes at this traffic) it needs. A throttle on the canary, or a percentile over
the primary's by more than the tolerance, is a FAIL. Thresholds: the stage's function's ``canary``
settings in stages.toml (the defaults when --function names a function outside the service).
It reads only; it moves nothing. ``--json``: {function, alias, window: {start, end, minutes},
primary: {version, weight, invocations, errors, throttles, errorRate, durations}, canary: {version,
weight, invocations, errors, throttles, errorRate, durations}, verdict, checks: [{metric, verdict,
detail}], pValue, requiredInvocations, moreInvocations, moreMinutes, detectableErrorRate, thresholds,
thresholdsFrom, getMetricDataCalls}.
Exit codes: 0 PASS, 1 FAIL, 3 INCONCLUSIVE, 2 bad input (no weighted route, a bad --window) or AWS error.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from release_cli.commands._options import command_parser
from release_cli.commands._release_options import add_json, add_target, context_for, target_for
from release_cli.ops.canary_analysis import analyze_alias, canary_of
from release_cli.ops.canary_metrics import Window
from release_cli.ops.canary_report import report
from release_cli.ops.errors import OpsError
from release_cli.ops.lambda_reads import get_alias

WINDOW = re.compile(r"^([0-9]{1,5})(m|h)$")
MAX_WINDOW_MINUTES = 24 * 60


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers, "analyze", help_text="judge an alias's canary against its primary (PASS/FAIL/INCONCLUSIVE)",
        description=__doc__,
    )  # fmt: skip
    add_target(parser)
    parser.add_argument("--alias", required=True, help="the alias whose weighted route runs the canary")
    parser.add_argument("--window", default="15m", help="how far back to look: minutes (15m) or hours (1h), up to 24h")
    add_json(parser)
    parser.set_defaults(func=run)


def parse_window(text: str) -> int:
    """``--window`` in whole minutes; ``OpsError`` naming the flag otherwise."""
    match = WINDOW.match(text.strip())
    minutes = int(match.group(1)) * (60 if match.group(2) == "h" else 1) if match else 0
    if not 1 <= minutes <= MAX_WINDOW_MINUTES:
        raise OpsError(f"--window {text}: give minutes or hours like 15m or 1h, from 1m to 24h")
    return minutes


def run(args: argparse.Namespace) -> int:
    minutes = parse_window(args.window)
    ctx = context_for(args)
    target = target_for(ctx, args)
    alias = get_alias(ctx, target.function, args.alias)
    canary_of(alias)  # bad input before any metric is read
    return report(analyze_alias(ctx, target, alias, Window.ending_now(minutes)), as_json=args.json)
