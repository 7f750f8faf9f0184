"""One release of several functions ("release train"): every function's alias moves as one unit.

1. **Plan, all before any move.** For each function of the stage: its alias, the version it goes to,
   the rules (``route_rules``: versions exist, production never on ``$LATEST``), no CodeDeploy
   deployment shifting it, and its audit table proved writable (``audit_log.check_table``). One
   refusal refuses the release with nothing changed.
2. **One release id** (``20261128T074512Z-3f9a1c``: sortable UTC time and 6 random hex digits) in
   every record of the release, printed first, so ``audit --release`` and ``rollback --release`` find
   them all.
3. ``--dry-run`` prints every call of every move and stops; a production stage asks once for the
   whole release (``--yes`` without a terminal).
4. **Moves one by one** through ``alias_move.move_alias`` (RevisionId, audit record, signals held
   from UpdateAlias to its record). SIGINT and SIGTERM raise from the first move to the last
   (``interrupts.SignalGuard``); one that arrives during a move waits for that move and its record,
   then stops the release. If a move fails (an AWS error, a RevisionId conflict, an audit write,
   Ctrl-C or SIGTERM), the moves already made are **put back**, newest first, each put-back audited
   with the same release id (action ``release-undo``) and naming the record it undoes, with signals
   held until they are done. A put-back only moves an alias still where its move left it (same
   RevisionId): one someone moved meanwhile is left alone and reported. The command then says
   exactly what moved, what was put back and what could not be (loudly, with what to run), and
   fails: ``TrainFailed``, exit 2, or 130/143 when a signal stopped it. A move whose UpdateAlias
   went through but whose record could not be written says so itself (``AuditWriteError``, with the
   put-item to run); it is not put back, since its own record is missing, and the report names it.
"""

from __future__ import annotations

import secrets
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from release_cli.ops import audit_log
from release_cli.ops.alias_move import MoveOptions, MoveResult, move_alias, shifting
from release_cli.ops.clients import AwsContext
from release_cli.ops.confirm import confirm
from release_cli.ops.errors import AuditWriteError, OpsError, RefusedError
from release_cli.ops.interrupts import Interrupted, SignalGuard
from release_cli.ops.lambda_reads import AliasState, Version, get_alias
from release_cli.ops.production import Production
from release_cli.ops.route_rules import Route, check_recordable, check_route
from release_cli.ops.target import Target


def new_release_id(now: datetime | None = None) -> str:
    """Sortable by time, unique by its random part: ``20261128T074512Z-3f9a1c``."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


@dataclass
class Leg:
    """One function's move within the release."""

    target: Target
    before: AliasState
    route: Route
    versions: list[Version]
    undoes: str = ""

    @property
    def key(self) -> str:
        return self.target.function_key or self.target.function

    @property
    def unchanged(self) -> bool:
        return self.route.version == self.before.version and self.route.weights == self.before.weights


@dataclass
class TrainResult:
    release_id: str
    action: str
    moved: list[MoveResult] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "releaseId": self.release_id,
            "action": self.action,
            "dryRun": self.dry_run,
            "moves": [{"function": key, **move.to_json()} for key, move in zip(self.keys, self.moved, strict=True)],
        }


class TrainFailed(OpsError):
    """A move of the release failed; the earlier moves were put back (or the message says which not)."""

    def __init__(self, message: str, exit_code: int = OpsError.exit_code) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def check_legs(ctx: AwsContext, legs: list[Leg]) -> None:
    """Step 1 for every leg, before the first move: rules, recordability, deployments, audit tables."""
    for leg in legs:
        check_route(leg.before.name, leg.route, leg.versions, production=leg.target.production)
        check_recordable(leg.before)
        live = shifting(ctx, leg.target, leg.before.name)
        if live:
            raise RefusedError(
                f"{leg.key}: alias {leg.before.name} is being shifted by CodeDeploy deployment "
                f"{live[0].deployment_id}; nothing was changed. A release moves no alias CodeDeploy is shifting: "
                f"wait for it to end, or stop it ({live[0].stop_hint()})"
            )
    for table in dict.fromkeys(leg.target.require_audit_table() for leg in legs):
        audit_log.check_table(ctx, table)


def run_train(
    ctx: AwsContext,
    legs: list[Leg],
    *,
    action: str,
    options: MoveOptions,
    release_id: str | None = None,
    ask: Callable[..., None] = confirm,
    move: Callable[..., MoveResult] = move_alias,
) -> TrainResult:
    """Steps 2-4 of the module docstring; raises ``TrainFailed`` (or re-raises an interrupt) after putting back."""
    check_legs(ctx, legs)
    result = TrainResult(release_id=release_id or new_release_id(), action=action, dry_run=options.dry_run)
    print(f"release {result.release_id}: {action} of {len(legs)} function(s)", file=sys.stderr)
    if options.dry_run:
        for leg in legs:
            result.keys.append(leg.key)
            result.moved.append(_move(ctx, leg, action, options, result.release_id, move))
        return result
    production = next((leg.target.production for leg in legs if leg.target.production.is_production), None)
    summary = "; ".join(f"{leg.key}: {leg.before.name} {leg.before.describe()} -> {leg.route.version}" for leg in legs)
    ask(
        f"release {result.release_id} ({action}): {summary}",
        production=production or Production(False, "no production stage"),
        yes=options.yes,
    )
    try:
        with SignalGuard():  # SIGTERM too raises between moves (Python's default would end the process)
            for leg in legs:  # asked once for the whole release: each move goes ahead with yes
                moved = _move(ctx, leg, action, replace(options, yes=True), result.release_id, move)
                result.keys.append(leg.key)
                result.moved.append(moved)
                if moved.signals:  # held during the move, which finished: stop the release here
                    raise Interrupted(moved.signals[0])
    except (Exception, KeyboardInterrupt) as err:  # an AWS error, a refusal, Ctrl-C, SIGTERM: put back what moved
        failed = _failed_leg(legs, result, err)
        report = _put_back(ctx, legs, result, options, move)
        if isinstance(err, AuditWriteError):
            report += (
                f"\n  {legs[len(result.moved)].key}: ALIAS {legs[len(result.moved)].before.name} MOVED WITHOUT ITS "
                "AUDIT RECORD and was not put back (record it by hand as said above, then roll it back)"
            )
        if isinstance(err, KeyboardInterrupt):
            signum = err.signum if isinstance(err, Interrupted) else signal.SIGINT
            name = signal.Signals(signum).name
            raise TrainFailed(f"{failed} was interrupted ({name})\n{report}", 128 + signum) from None
        raise TrainFailed(f"{failed} failed: {err}\n{report}") from None
    return result


def _move(
    ctx: AwsContext, leg: Leg, action: str, options: MoveOptions, release_id: str, move: Callable[..., MoveResult]
) -> MoveResult:
    return move(
        ctx,
        leg.target,
        before=leg.before,
        route=leg.route,
        action=action,
        options=options,
        versions=leg.versions,
        undoes=leg.undoes,
        release_id=release_id,
    )


def _failed_leg(legs: list[Leg], result: TrainResult, err: BaseException) -> str:
    if isinstance(err, Interrupted) and result.moved and result.moved[-1].signals:
        failed = legs[len(result.moved) - 1]  # the signal came during this move, which finished
    else:
        failed = legs[len(result.moved)] if len(result.moved) < len(legs) else legs[-1]
    return f"release {result.release_id}: the move of {failed.key} (alias {failed.before.name})"


def _put_back(
    ctx: AwsContext, legs: list[Leg], result: TrainResult, options: MoveOptions, move: Callable[..., MoveResult]
) -> str:
    """Move every changed leg back to where it was, newest first, signals held; the report of it."""
    lines = [f"release {result.release_id} did not complete; putting back the moves already made:"]
    failures = 0
    by_key = {leg.key: leg for leg in legs}
    with SignalGuard() as guard:
        guard.hold()
        for key, moved in reversed(list(zip(result.keys, result.moved, strict=True))):
            if not moved.changed:
                lines.append(f"  {key}: alias {moved.alias} was not changed; nothing to put back")
                continue
            leg = by_key[key]
            try:
                now = get_alias(ctx, leg.target.function, moved.alias)
                left = (
                    moved.route.version,
                    dict(moved.route.weights),
                    moved.record.revision_after if moved.record else "",
                )
                if (now.version, dict(now.weights), now.revision_id) != left:
                    raise RefusedError(
                        f"it changed since this release moved it (to {moved.route.version}, revision {left[2]}; now "
                        f"{now.describe()}, revision {now.revision_id}): someone or something else moved it, so it is "
                        "left as it is"
                    )
                back = Route(version=moved.before.version, weights=dict(moved.before.weights))
                move(
                    ctx,
                    leg.target,
                    before=now,
                    route=back,
                    action="release-undo",
                    options=replace(options, yes=True, reason=f"put back: release {result.release_id} failed"),
                    undoes=moved.record.sk if moved.record else "",
                    release_id=result.release_id,
                )
                lines.append(f"  {key}: alias {moved.alias} put back to {moved.before.describe()} (audited)")
            except Exception as err:  # said loudly below; the other put-backs still run
                failures += 1
                lines.append(
                    f"  {key}: ALIAS {moved.alias} COULD NOT BE PUT BACK to {moved.before.describe()}: {err}\n"
                    f"    it is not back on {moved.before.describe()}; put it back by hand: release rollback --stage "
                    f"{leg.target.stage} --function {key} --alias {moved.alias} --to {moved.before.version}"
                )
    if not result.moved:
        lines.append("  no earlier move of this release to put back")
    for signum in dict.fromkeys(guard.held):
        lines.append(f"  {signal.Signals(signum).name} arrived while putting back: the put-backs were finished first")
    if failures:
        lines.append(f"  {failures} ALIAS(ES) COULD NOT BE PUT BACK: the release is half applied")
    return "\n".join(lines)
