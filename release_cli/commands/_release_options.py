"""Options and plumbing the release operations share (status, invoke, smoke, canary, promote, ...).

* ``add_target``: ``--stage`` (the stack's outputs name the function and audit table),
  ``--function`` and ``--audit-table`` (name them explicitly);
* ``add_change``: ``--dry-run``, ``--reason``, ``--yes``; ``add_alias_move`` adds ``--stop-deployment``;
* ``add_json``; ``context_for`` (boto3 session from ``--region``/``--profile``), ``target_for``.

Errors need no wrapper here: ``release_cli.cli.main`` reports every ``OpsError`` (and a bad test
event) with its exit code, in JSON mode too (``release_cli.error_report``).
"""

from __future__ import annotations

import argparse

from release_cli.commands._options import add_stage, aws_region
from release_cli.ops.alias_move import MoveOptions
from release_cli.ops.clients import AwsContext
from release_cli.ops.target import Target, resolve_target


def add_target(parser: argparse.ArgumentParser) -> None:
    add_stage(
        parser,
        help_text="stage whose deployed stack names the function and audit table (falls back to the stage's names)",
    )
    parser.add_argument(
        "--function",
        metavar="KEY",
        help="the function: KEY (stages.toml) or a function name/ARN (a KEY needs --stage; with --stage it may be "
        "omitted when the stage has one function)",
    )
    parser.add_argument("--audit-table", help="audit table name (instead of the stage's)")


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document (the shape is in --help)")


def add_change(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="print the exact calls it would make; change nothing")
    parser.add_argument("--reason", default="", help="why (stored in the audit record)")
    parser.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation (needed for prod without a terminal)"
    )


def add_alias_move(parser: argparse.ArgumentParser, *, alias_required: bool = True) -> None:
    parser.add_argument("--alias", required=alias_required, help="the alias to move")
    add_change(parser)
    parser.add_argument(
        "--stop-deployment",
        action="store_true",
        help="if CodeDeploy is shifting the alias, stop that deployment (with rollback) first, then move",
    )


def move_options(args: argparse.Namespace) -> MoveOptions:
    return MoveOptions(
        reason=args.reason, dry_run=args.dry_run, yes=args.yes, stop_deployment=getattr(args, "stop_deployment", False)
    )


def context_for(args: argparse.Namespace) -> AwsContext:
    return AwsContext(region=aws_region(args), profile=getattr(args, "profile", None))


def target_for(ctx: AwsContext, args: argparse.Namespace) -> Target:
    return resolve_target(
        ctx, stage=args.stage, function=getattr(args, "function", None), audit_table=getattr(args, "audit_table", None)
    )
