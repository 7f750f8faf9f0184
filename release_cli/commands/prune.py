"""``release prune``: delete old published versions, keeping the newest N and everything in use.

  release prune --stage prod --keep 10            # the plan: what would go, the storage freed, the calls
  release prune --stage prod --keep 10 --apply --reason "quota"

One switch: without ``--apply`` it only plans, and the plan prints the exact calls ``--apply`` would
make (each batch's DeleteFunctions, then the audit record's PutItem). Never deletes a version an
alias or weighted route points to, nor the version the deployed stack's ``AWS::Lambda::Version``
holds (its resources and ``NewVersion`` output); a function with no deployed stack needs
``--no-stack`` to say so. The "kept" list names every version that stays and why ("newest N",
"alias prod", "stack ..."). Before deleting, the audit table is proved writable (keys PK/SK, both
strings; PutItem allowed). Deletes go in batches of 10; before each batch the aliases are read
again, and a version an alias took meanwhile (or one AWS refuses to delete) is skipped and
reported. One audit record lists what was deleted (``release audit --prunes``), rewritten after
every batch, so it is complete even when the prune stops: on SIGINT, SIGTERM or an AWS error the
prune records what it really deleted, prints what was deleted and what was not, and exits non-zero
(see ``release_cli/ops/prune_run.py`` for the guarantees).

``--json``: {function, keep, applied, delete: [{version, codeSize, description}], kept: [{version,
reasons}], bytesFreed (planned, or freed once applied), deleted, skipped, calls (the plan's; empty
once applied), audit (the record written, or null)}. Exit codes: 0 planned or pruned, 1 refused (not
confirmed), 2 bad input, a refused audit table or an AWS error (also when the audit write failed
after deleting), 130/143 stopped by SIGINT/SIGTERM (what was deleted is recorded).
"""

from __future__ import annotations

import argparse
from typing import Any

from release_cli.commands._options import command_parser
from release_cli.commands._release_options import add_json, add_target, context_for, target_for
from release_cli.ops import audit_log, prune_run
from release_cli.ops.alias_move import print_calls
from release_cli.ops.audit_log import AuditRecord
from release_cli.ops.caller import caller_arn
from release_cli.ops.clients import AwsContext
from release_cli.ops.confirm import confirm
from release_cli.ops.errors import EXIT_OK, OpsError
from release_cli.ops.lambda_reads import list_aliases, list_versions
from release_cli.ops.output import human_bytes, print_json, table
from release_cli.ops.prune_plan import PrunePlan, plan_prune, stack_held_versions
from release_cli.ops.prune_run import PruneProgress
from release_cli.ops.target import Target
from release_cli.version import project_version

PLAN_HEADING = "\nplan: with --apply these calls would be made, in this order (nothing was changed):"


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers,
        "prune",
        help_text="delete old versions no alias or stack uses (a plan unless --apply)",
        description=__doc__,
    )
    add_target(parser)
    parser.add_argument("--keep", type=int, required=True, help="keep the newest N versions (at least 1)")
    parser.add_argument(
        "--apply", action="store_true", help="delete them (without it: print the plan and the exact calls)"
    )
    parser.add_argument("--no-stack", action="store_true", help="the function has no deployed stack to protect")
    parser.add_argument("--reason", default="", help="why (stored in the audit record)")
    parser.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation (needed for prod without a terminal)"
    )
    add_json(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.keep < 1:
        raise OpsError("--keep must be at least 1 (the newest version is what a deploy points at)")
    ctx = context_for(args)
    target = target_for(ctx, args)
    plan = _plan(ctx, target, args)
    if not plan.delete:
        _report(target, plan, args, calls=[], progress=None)
        return EXIT_OK
    table_name = target.require_audit_table()
    numbers = [v.number for v in plan.delete]
    record = _record(target, args, who=caller_arn(ctx))
    if not args.apply:
        _report(target, plan, args, calls=prune_run.planned_calls(target.function, table_name, record, numbers),
                progress=None)  # fmt: skip
        return EXIT_OK
    audit_log.check_table(ctx, table_name)
    confirm(
        f"prune: delete {len(plan.delete)} version(s) of {target.function} ({human_bytes(plan.bytes_freed)})",
        stage=target.stage,
        alias=None,
        yes=args.yes,
    )
    progress = prune_run.run_prune(
        ctx,
        function=target.function,
        table=table_name,
        numbers=numbers,
        record=record,
        sizes={v.number: v.code_size for v in plan.delete},
    )
    _report(target, plan, args, calls=[], progress=progress)
    return EXIT_OK


def _record(target: Target, args: argparse.Namespace, *, who: str) -> AuditRecord:
    """The prune's record before any deletion (``prune_run`` fills in the deleted versions)."""
    return AuditRecord(
        who=who,
        at=audit_log.now_iso(),
        function=target.function,
        action="prune",
        stage=target.stage or "",
        reason=args.reason,
        tool_version=project_version(),
    )


def _plan(ctx: AwsContext, target: Target, args: argparse.Namespace) -> PrunePlan:
    versions = list_versions(ctx, target.function)
    aliases = list_aliases(ctx, target.function)
    if target.stack_found and target.stack_name:
        held = stack_held_versions(
            ctx, stack=target.stack_name, function=target.function, new_version=target.stack_version
        )
    elif args.no_stack:
        held = {}
    else:
        raise OpsError(
            f"no deployed stack found for {target.function}, so the version a stack holds cannot be protected: "
            "give --stage S for a deployed stage, or --no-stack if the function has no stack"
        )
    return plan_prune(versions, aliases, keep=args.keep, stack_versions=held)


def _report(
    target: Target,
    plan: PrunePlan,
    args: argparse.Namespace,
    *,
    calls: list[dict[str, Any]],
    progress: PruneProgress | None,
) -> None:
    applied = progress is not None
    deleted = progress.deleted if progress else []
    skipped = progress.skipped if progress else []
    freed = progress.bytes_freed if progress else plan.bytes_freed
    record = progress.current_record() if progress and progress.deleted else None
    if args.json:
        print_json(
            {
                "function": target.function,
                **plan.to_json(),
                "bytesFreed": freed,
                "applied": applied,
                "deleted": deleted,
                "skipped": skipped,
                "calls": calls,
                "audit": record.to_json() if record else None,
            }
        )
        return
    if not plan.delete:
        print(f"nothing to prune in {target.function}: every version is among the newest {plan.keep} or in use")
    else:
        verb = "deleted" if applied else "would delete"
        print(
            f"{target.function}: {verb} {len(deleted) if applied else len(plan.delete)} version(s), "
            f"{human_bytes(freed)} of code storage freed"
        )
        rows = [v for v in plan.delete if not applied or v.number in deleted]
        table(("version", "size", "description"), [(v.number, human_bytes(v.code_size), v.description) for v in rows])
    kept = sorted(plan.kept.items(), key=lambda item: int(item[0]))
    if kept:
        print("\nkept:")
        table(("version", "why"), [(number, "; ".join(reasons)) for number, reasons in kept])
    for note in skipped:
        print(f"skipped {note}")
    if record:
        print(f"\naudit record {record.sk} in {target.audit_table}: {', '.join(record.deleted_versions)}")
    if plan.delete and not applied:
        print_calls(calls, heading=PLAN_HEADING)  # time and record id aside, as --apply would send them
        print("\nnothing was deleted; add --apply to delete these")
