"""``release audit``: the release audit trail of an alias (or of prunes), newest first.

  release audit --stage prod --alias prod
  release audit --stage prod --prunes --json
  release audit --stage prod --release 20261128T074512Z-3f9a1c      # every move of a release train

``--json``: a list of records, each {who, at, function, alias, stage, action, fromVersion,
fromWeights, toVersion, toWeights, reason, toolVersion, revisionBefore, revisionAfter,
deletedVersions, bytesFreed, undoes (a rollback: the recordId of the move it undid), releaseId
(a release train's id), judgement (a move release canary --watch made: its verdict, pValue,
requiredInvocations, window, primary and canary figures, failed checks), recordId}. With --release
the list holds every function's records of that release, in stages.toml order; with --stage alone
on a stage of several functions, every function's records of the alias (or prunes), merged newest
first.
Exit codes: 0 listed (also when empty), 2 bad input or AWS error.
"""

from __future__ import annotations

import argparse
from typing import Any

from release_cli.commands._options import command_parser
from release_cli.commands._release_options import add_json, add_target, context_for, target_for
from release_cli.ops.audit_log import AuditRecord, read_trail
from release_cli.ops.clients import AwsContext
from release_cli.ops.errors import EXIT_OK, OpsError
from release_cli.ops.lambda_reads import AliasState
from release_cli.ops.output import print_json, table
from release_cli.ops.release_records import print_release, release_records
from release_cli.ops.target import Target, targets_for_stage
from service_model.stages import load_stage


def register(subparsers: Any) -> None:
    parser = command_parser(subparsers, "audit", help_text="the release audit trail, newest first", description=__doc__)
    add_target(parser)
    parser.add_argument("--alias", help="the alias whose moves to list")
    parser.add_argument("--prunes", action="store_true", help="list the prunes (deleted versions) instead")
    parser.add_argument("--release", help="every record of this release train, across the stage's functions")
    parser.add_argument("--limit", type=int, default=50, help="at most this many records")
    add_json(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.release:
        return _release(args)
    if bool(args.alias) == bool(args.prunes):
        raise OpsError("give --alias A (its moves) or --prunes (deleted versions)")
    if args.limit < 1:
        raise OpsError("--limit must be at least 1")
    ctx = context_for(args)
    config = load_stage(args.stage) if args.stage else None
    if config is not None and not args.function and len(config.functions) > 1:
        targets = targets_for_stage(ctx, config.name, audit_table=args.audit_table)
        records = _newest_first(ctx, args, targets)
        subject, show = f"stage {args.stage}'s functions", _stage_table
    else:
        target = target_for(ctx, args)
        records = _trail(ctx, args, target)
        subject, show = target.function, (_prunes_table if args.prunes else _moves_table)
    if args.json:
        print_json([record.to_json() for record in records])
    elif not records:
        print(f"no records for {'alias ' + args.alias if args.alias else 'prunes'} of {subject}")
    else:
        show(records)
    return EXIT_OK


def _trail(ctx: AwsContext, args: argparse.Namespace, target: Target) -> list[AuditRecord]:
    return read_trail(
        ctx, target.require_audit_table(), function=target.function, alias=args.alias or "", limit=args.limit
    )


def _newest_first(ctx: AwsContext, args: argparse.Namespace, targets: list[Target]) -> list[AuditRecord]:
    """Every function's trail of the alias (or prunes), merged newest first, at most --limit records."""
    records = [record for target in targets for record in _trail(ctx, args, target)]
    return sorted(records, key=lambda r: (r.at, r.record_id), reverse=True)[: args.limit]


def _prunes_table(records: list[AuditRecord]) -> None:
    pruned = [(r.at, r.who, ", ".join(r.deleted_versions), r.bytes_freed, r.reason) for r in records]
    table(("at", "who", "deleted", "bytes freed", "reason"), pruned)


def _moves_table(records: list[AuditRecord]) -> None:
    moves = [
        (
            r.at,
            r.action,
            AliasState(name="", version=r.from_version, weights=r.from_weights).describe(),
            AliasState(name="", version=r.to_version, weights=r.to_weights).describe(),
            r.who,
            r.reason,
        )
        for r in records
    ]
    table(("at", "action", "from", "to", "who", "reason"), moves)


def _stage_table(records: list[AuditRecord]) -> None:
    table(
        ("at", "function", "action", "from", "to", "release", "reason"),
        [
            (r.at, r.function, r.action or "prune", r.from_version or ", ".join(r.deleted_versions), r.to_version,
             r.release_id, r.reason)
            for r in records
        ],
    )  # fmt: skip


def _release(args: argparse.Namespace) -> int:
    if not args.stage or args.function or args.prunes:
        raise OpsError("--release lists a release of a stage: give --stage S, and no --function or --prunes")
    ctx = context_for(args)
    targets = targets_for_stage(ctx, args.stage, audit_table=args.audit_table)
    records = release_records(ctx, load_stage(args.stage), targets, args.release, alias=args.alias)
    if args.json:
        print_json([record.to_json() for _, record in records])
    else:
        print_release(records)
    return EXIT_OK
