"""``release prune``: delete old published versions, keeping the newest N and everything in use.

  release prune --stage prod --keep 10            # dry run: what would go, and the storage freed
  release prune --stage prod --keep 10 --apply --reason "quota"

Never deletes a version an alias or weighted route points to, nor the version the deployed
stack's ``AWS::Lambda::Version`` holds (its resources and ``NewVersion`` output); a function with
no deployed stack needs ``--no-stack`` to say so. Aliases are read again just before deleting; a
version AWS refuses to delete (an alias moved to it meanwhile) is skipped and reported. One audit
record lists what was deleted (``release audit --prunes``).
``--json``: {function, keep, applied, delete: [{version, codeSize, description}], kept: [{version,
reasons}], bytesFreed, deleted, skipped, calls}. Exit codes: 0 planned or pruned, 1 refused (not
confirmed), 2 bad input or AWS error (also when the audit write failed after deleting).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from release_cli.commands._options import command_parser
from release_cli.commands._release_options import add_change, add_json, add_target, context_for, guarded, target_for
from release_cli.ops import audit_log
from release_cli.ops.alias_move import print_calls
from release_cli.ops.audit_log import AuditRecord
from release_cli.ops.caller import caller_arn
from release_cli.ops.clients import AwsContext, aws_call, error_code
from release_cli.ops.confirm import confirm
from release_cli.ops.errors import EXIT_OK, AuditWriteError, OpsError
from release_cli.ops.lambda_reads import list_aliases, list_versions
from release_cli.ops.output import human_bytes, print_json, table
from release_cli.ops.prune_plan import PrunePlan, plan_prune, stack_held_versions
from release_cli.ops.target import Target
from release_cli.version import project_version


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers,
        "prune",
        help_text="delete old versions no alias or stack uses (dry run unless --apply)",
        description=__doc__,
    )
    add_target(parser)
    parser.add_argument("--keep", type=int, required=True, help="keep the newest N versions (at least 1)")
    parser.add_argument("--apply", action="store_true", help="delete them (default: only show the plan)")
    parser.add_argument("--no-stack", action="store_true", help="the function has no deployed stack to protect")
    add_change(parser)
    add_json(parser)
    parser.set_defaults(func=guarded(run))


def run(args: argparse.Namespace) -> int:
    if args.keep < 1:
        raise OpsError("--keep must be at least 1 (the newest version is what a deploy points at)")
    ctx = context_for(args)
    target = target_for(ctx, args)
    plan = _plan(ctx, target, args)
    calls = [
        {"call": "lambda.DeleteFunction", "request": {"FunctionName": target.function, "Qualifier": v.number}}
        for v in plan.delete
    ]
    if args.dry_run and plan.delete:
        planned = _record(
            target, args, who=caller_arn(ctx), deleted=[v.number for v in plan.delete], freed=plan.bytes_freed
        )
        calls.append(
            {"call": "dynamodb.PutItem", "request": audit_log.put_item_request(target.require_audit_table(), planned)}
        )
    if not args.apply or args.dry_run or not plan.delete:
        _report(target, plan, args, calls=calls, deleted=[], skipped=[])
        return EXIT_OK
    table_name = target.require_audit_table()
    audit_log.check_table(ctx, table_name)
    who = caller_arn(ctx)
    confirm(
        f"prune: delete {len(plan.delete)} version(s) of {target.function} ({human_bytes(plan.bytes_freed)})",
        stage=target.stage,
        alias=None,
        yes=args.yes,
    )
    in_use = {v for alias in list_aliases(ctx, target.function) for v in alias.routed_versions}
    deleted, skipped = _delete(ctx, target.function, [v.number for v in plan.delete], in_use)
    freed = sum(v.code_size for v in plan.delete if v.number in deleted)
    record = _record(target, args, who=who, deleted=deleted, freed=freed)
    if deleted:
        try:
            audit_log.write_record(ctx, table_name, record)
        except Exception as err:  # any failure here is reported loudly, never swallowed
            item = json.dumps(audit_log.to_item(record))
            raise AuditWriteError(
                f"VERSIONS {', '.join(deleted)} WERE DELETED BUT THE AUDIT RECORD WAS NOT WRITTEN: {err}\n"
                f"Record it by hand: aws dynamodb put-item --table-name {table_name} --item '{item}'"
            ) from None
    _report(target, plan, args, calls=calls, deleted=deleted, skipped=skipped)
    return EXIT_OK


def _record(target: Target, args: argparse.Namespace, *, who: str, deleted: list[str], freed: int) -> AuditRecord:
    return AuditRecord(
        who=who,
        at=audit_log.now_iso(),
        function=target.function,
        action="prune",
        stage=target.stage or "",
        reason=args.reason,
        tool_version=project_version(),
        deleted_versions=tuple(deleted),
        bytes_freed=freed,
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


def _delete(ctx: AwsContext, function: str, numbers: list[str], in_use: set[str]) -> tuple[list[str], list[str]]:
    from botocore.exceptions import ClientError

    client = ctx.client("lambda")
    deleted: list[str] = []
    skipped: list[str] = []
    for number in numbers:
        if number in in_use:
            skipped.append(f"{number}: an alias points to it now")
            continue
        with aws_call(f"deleting version {number} of {function} (deleted so far: {', '.join(deleted) or 'none'})"):
            try:
                client.delete_function(FunctionName=function, Qualifier=number)
            except ClientError as err:
                if error_code(err) != "ResourceConflictException":
                    raise
                skipped.append(f"{number}: {err.response.get('Error', {}).get('Message', 'in use')}")
                continue
        deleted.append(number)
    return deleted, skipped


def _report(
    target: Target,
    plan: PrunePlan,
    args: argparse.Namespace,
    *,
    calls: list[dict[str, Any]],
    deleted: list[str],
    skipped: list[str],
) -> None:
    applied = bool(args.apply and not args.dry_run and plan.delete)
    if args.json:
        print_json(
            {
                "function": target.function,
                **plan.to_json(),
                "applied": applied,
                "deleted": deleted,
                "skipped": skipped,
                "calls": [] if applied else calls,
            }
        )
        return
    if not plan.delete:
        print(f"nothing to prune in {target.function}: every version is among the newest {plan.keep} or in use")
        return
    verb = "deleted" if applied else "would delete"
    freed = sum(v.code_size for v in plan.delete if v.number in deleted) if applied else plan.bytes_freed
    print(
        f"{target.function}: {verb} {len(deleted) if applied else len(plan.delete)} version(s), "
        f"{human_bytes(freed)} of code storage freed"
    )
    table(
        ("version", "size", "description"), [(v.number, human_bytes(v.code_size), v.description) for v in plan.delete]
    )
    in_use = [(k, "; ".join(r)) for k, r in sorted(plan.kept.items(), key=lambda i: int(i[0])) if r != ["newest"]]
    if in_use:
        print("\nkept (in use):")
        table(("version", "why"), in_use)
    for note in skipped:
        print(f"skipped {note}")
    if not applied:
        if args.dry_run:
            print_calls(calls)
        print("\ndry run: nothing was deleted; add --apply (without --dry-run) to delete these")
