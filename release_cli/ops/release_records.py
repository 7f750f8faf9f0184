"""The records of one release train, found across the stage's functions, and how they are printed.

A train writes one record per alias, each carrying the release id (``audit_log.AuditRecord.release_id``).
The trail is partitioned by function and alias, so a release is read back by querying each function's
declared aliases (stages.toml) and the alias given, newest first, keeping the records of that id:
Queries, never a Scan.
"""

from __future__ import annotations

from release_cli.ops.alias_move import print_calls
from release_cli.ops.audit_log import AuditRecord, read_trail
from release_cli.ops.clients import AwsContext
from release_cli.ops.errors import OpsError
from release_cli.ops.lambda_reads import AliasState
from release_cli.ops.output import print_json
from release_cli.ops.release_train import TrainResult
from release_cli.ops.target import Target
from service_model.stages import StageConfig

UNDO_ACTION = "release-undo"
"""The action of a move put back because its release failed (it carries the same release id)."""


def release_records(
    ctx: AwsContext, config: StageConfig, targets: list[Target], release_id: str, *, alias: str | None = None
) -> list[tuple[Target, AuditRecord]]:
    """Every record of ``release_id`` in the stage, in function order; an ``OpsError`` when there is none."""
    found: list[tuple[Target, AuditRecord]] = []
    for target in targets:
        function = config.function(str(target.function_key))
        names = list(dict.fromkeys([*(a.name for a in function.aliases), *([alias] if alias else [])]))
        for name in names:
            trail = read_trail(ctx, target.require_audit_table(), function=target.function, alias=name)
            found.extend((target, record) for record in trail if record.release_id == release_id)
    if not found:
        raise OpsError(
            f"no record of release {release_id} in stage {config.name}'s audit trail (looked at the aliases of "
            f"{', '.join(str(t.function_key) for t in targets)}); release audit --stage {config.name} --alias A "
            "lists the release ids"
        )
    return found


def report_train(result: TrainResult, *, as_json: bool) -> None:
    """``--json``: ``TrainResult.to_json()``. Text: the release id, a line per function, the plan on a dry run."""
    if as_json:
        print_json(result.to_json())
        return
    print(f"release {result.release_id} ({result.action}){': dry run' if result.dry_run else ''}")
    for key, move in zip(result.keys, result.moved, strict=True):
        after = AliasState(name=move.alias, version=move.route.version, weights=move.route.weights)
        state = "already there" if not move.changed and not move.calls else ("planned" if move.dry_run else "moved")
        print(f"  {key}: alias {move.alias}: {move.before.describe()} -> {after.describe()} ({state})")
    if result.dry_run:
        print_calls([call for move in result.moved for call in move.calls])


def print_release(records: list[tuple[Target, AuditRecord]]) -> None:
    for target, record in records:
        before, after = _route(record.from_version, record.from_weights), _route(record.to_version, record.to_weights)
        print(
            f"{record.at}  {target.function_key}  alias {record.alias}  {record.action}  {before} -> {after}  "
            f"by {record.who}" + (f"  ({record.reason})" if record.reason else "")
        )


def _route(version: str, weights: dict[str, float]) -> str:
    """A recorded route as ``AliasState.describe`` shows an alias's (``1 @ 90% + 2 @ 10%``)."""
    return AliasState(name="", version=version, weights=weights).describe()
