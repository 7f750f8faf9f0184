"""One guarded, audited alias change: the steps every move (canary, promote, rollback) goes through.

1. the rules (``route_rules``) against the live versions, production never on ``$LATEST``: a refused move makes no
   call that changes anything;
2. no CodeDeploy deployment shifting the alias (``--stop-deployment`` stops it with rollback first); not
   asked when the stack's ``RolloutAliases`` output says the alias has no rollout;
3. the record can be written as designed (``audit_log.check_table``: the table's keys are PK and SK,
   both strings, and a PutItem that writes nothing proves the permission) and STS names the caller;
4. ``--dry-run`` prints the exact calls and stops; production asks for confirmation (``confirm``);
5. ``UpdateAlias`` with the ``RevisionId`` read in step 1: a concurrent change fails, nothing moves;
6. one audit record; if that write fails after the move, ``AuditWriteError`` says so loudly, with an
   ``aws dynamodb put-item`` that records it by hand (shell-quoted: any ``--reason`` pastes as is);
7. SIGINT and SIGTERM wait while steps 5 and 6 run (``interrupts.SignalGuard``): a sent UpdateAlias
   is a change that happened, so its record is written before the signal is honoured, and the
   command says the signal came. Before step 5 a signal stops the command with nothing changed.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from release_cli.ops import audit_log, deployments
from release_cli.ops.audit_log import AuditRecord
from release_cli.ops.caller import caller_arn
from release_cli.ops.clients import AwsContext, aws_call, error_code
from release_cli.ops.confirm import confirm
from release_cli.ops.errors import AuditWriteError, RefusedError
from release_cli.ops.interrupts import SignalGuard
from release_cli.ops.lambda_reads import AliasState, Version, alias_from_api, get_alias, list_versions
from release_cli.ops.route_rules import Route, check_recordable, check_route
from release_cli.ops.target import Target
from release_cli.version import project_version


@dataclass(frozen=True)
class MoveOptions:
    """The options every change shares."""

    reason: str = ""
    dry_run: bool = False
    yes: bool = False
    stop_deployment: bool = False


@dataclass
class MoveResult:
    """What happened (or, on a dry run, would happen)."""

    alias: str
    action: str
    before: AliasState
    route: Route
    changed: bool
    dry_run: bool
    calls: list[dict[str, Any]] = field(default_factory=list)
    record: AuditRecord | None = None
    stopped_deployments: list[str] = field(default_factory=list)
    signals: list[int] = field(default_factory=list)
    """SIGINT/SIGTERM held during steps 5 and 6 (a release train stops after this move; not in --json)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "alias": self.alias,
            "action": self.action,
            "from": {"version": self.before.version, "weights": self.before.weights},
            "to": {"version": self.route.version, "weights": self.route.weights},
            "changed": self.changed,
            "dryRun": self.dry_run,
            "calls": self.calls,
            "audit": self.record.to_json() if self.record else None,
            "stoppedDeployments": self.stopped_deployments,
        }


def move_alias(
    ctx: AwsContext,
    target: Target,
    *,
    before: AliasState,
    route: Route,
    action: str,
    options: MoveOptions,
    versions: list[Version] | None = None,
    ask: Callable[..., None] = confirm,
    undoes: str = "",
    release_id: str = "",
    judgement: dict[str, Any] | None = None,
) -> MoveResult:
    """Move ``before.name`` to ``route`` under every guarantee above; raises ``OpsError`` subclasses."""
    alias, function = before.name, target.function
    listed = versions if versions is not None else list_versions(ctx, function)
    check_route(alias, route, listed, production=target.production)
    check_recordable(before)
    result = MoveResult(alias=alias, action=action, before=before, route=route, changed=False, dry_run=options.dry_run)
    if route.version == before.version and route.weights == before.weights:
        return result
    live = shifting(ctx, target, alias)
    if live and not options.stop_deployment:
        ids = ", ".join(f"{d.deployment_id} ({d.status})" for d in live)
        raise RefusedError(
            f"alias {alias} is being shifted by CodeDeploy deployment {ids}; nothing was changed. "
            f"Wait for it to end, or stop it: {live[0].stop_hint()}"
        )
    table = target.require_audit_table()
    audit_log.check_table(ctx, table)
    record = AuditRecord(
        who=caller_arn(ctx),
        at=audit_log.now_iso(),
        function=function,
        action=action,
        alias=alias,
        stage=target.stage or "",
        from_version=before.version,
        from_weights=dict(before.weights),
        to_version=route.version,
        to_weights=dict(route.weights),
        reason=options.reason,
        tool_version=project_version(),
        revision_before=before.revision_id,
        undoes=undoes,
        release_id=release_id,
        judgement=dict(judgement or {}),
    )
    update = {"FunctionName": function, "Name": alias, **route.request(), "RevisionId": before.revision_id}
    result.calls = [
        *(
            {
                "call": "codedeploy.StopDeployment",
                "request": {"deploymentId": d.deployment_id, "autoRollbackEnabled": True},
            }
            for d in live
        ),
        {"call": "lambda.UpdateAlias", "request": update},
        {"call": "dynamodb.PutItem", "request": audit_log.put_item_request(table, record)},
    ]
    result.record = record
    if options.dry_run:
        return result
    ask(
        f"{action}: alias {alias} of {function}: {before.describe()} -> {_describe(route)}",
        production=target.production,
        yes=options.yes,
    )
    for deployment in live:
        status = deployments.stop_and_wait(ctx, deployment)
        result.stopped_deployments.append(f"{deployment.deployment_id}: {status}")
    if live:
        before = get_alias(ctx, function, alias)  # CodeDeploy's rollback moved it: guard the new revision
        update["RevisionId"] = before.revision_id
        record = _with(
            record, from_version=before.version, from_weights=dict(before.weights), revision_before=before.revision_id
        )
    with SignalGuard() as guard:
        guard.hold()  # 7. from here a signal waits: the move and its record happen together or not at all
        after = _update_alias(ctx, update)
        result.changed = True
        record = _with(record, revision_after=after.revision_id)
        result.record = record
        try:
            audit_log.write_record(ctx, table, record)
        except Exception as err:  # any failure here is reported loudly, never swallowed
            raise AuditWriteError(_unaudited_message(table, record, err)) from None
    result.signals = list(dict.fromkeys(guard.held))
    for signum in result.signals:
        print(
            f"{signal.Signals(signum).name} arrived during the move: the alias had been sent its change, so the "
            "move and its audit record were finished first",
            file=sys.stderr,
        )
    return result


def shifting(ctx: AwsContext, target: Target, alias: str) -> list[deployments.Deployment]:
    """Step 2's live deployments of ``alias``; CodeDeploy is not asked when the stack says no rollout shifts
    it (``Target.may_be_shifted``), so a stage deployed where CodeDeploy does not exist can still be moved."""
    if not target.may_be_shifted(alias):
        return []
    return deployments.live_deployments(ctx, function=target.function, alias=alias, stack=target.stack_name)


def _update_alias(ctx: AwsContext, update: dict[str, Any]) -> AliasState:
    from botocore.exceptions import ClientError

    alias = update["Name"]
    with aws_call(f"updating alias {alias}"):
        try:
            return alias_from_api(ctx.client("lambda").update_alias(**update))
        except ClientError as err:
            if error_code(err) == "PreconditionFailedException":
                raise RefusedError(
                    f"alias {alias} changed since it was read (RevisionId {update['RevisionId']}): someone or "
                    "something else moved it; nothing was changed. Run release status and decide again"
                ) from None
            raise


def _with(record: AuditRecord, **changes: Any) -> AuditRecord:
    from dataclasses import replace

    return replace(record, **changes)


def _describe(route: Route) -> str:
    return AliasState(name="", version=route.version, weights=route.weights).describe()


def _unaudited_message(table: str, record: AuditRecord, err: Exception) -> str:
    command = audit_log.put_item_command(audit_log.put_item_request(table, record))
    return (
        f"ALIAS {record.alias} MOVED ({record.from_version} -> {record.to_version}) BUT ITS AUDIT RECORD WAS NOT "
        f"WRITTEN: {err}\nThe alias change stands. Record it by hand so the trail (and rollback) knows "
        f"(the command is quoted for a POSIX shell; paste it as is):\n  {command}"
    )


DRY_RUN_HEADING = "dry run: these calls would be made, in this order (nothing was changed):"


def print_calls(calls: list[dict[str, Any]], *, heading: str = DRY_RUN_HEADING) -> None:
    """A plan (a move's dry run, a prune without --apply), one call per block, exactly as it would be sent."""
    print(heading, file=sys.stdout)
    for call in calls:
        print(f"  {call['call']}", file=sys.stdout)
        print("    " + json.dumps(call["request"], sort_keys=True), file=sys.stdout)
