"""What a release train will do, worked out for every function of the stage before anything moves.

``promote_legs``: for each function of the stage (stages.toml order), its alias (``alias``, the same
name on every function, or each function's ``trigger_alias``), that alias as it is now (with the
RevisionId the move will guard), whether the target is production, its versions, and the version to
move to: the one ``from_alias`` runs (in ``from_stage``: found by code SHA-256; with ``from_stage``
alone, that stage's trigger alias of the same function), else the version its canary routes to.

``undo_legs``: for each alias a release moved (its records, ``release_records``), the move back to
where the release found it. Moves a failed release already put back are skipped; a release with
nothing left standing is refused. An alias that is no longer where the release left it (version,
weights or RevisionId) refuses the undo with nothing changed, naming the release or rollback that
undid it when the trail has one, unless ``force`` is given: then it goes back anyway, from where it is.

Any problem in any leg raises before the first move, prefixed with the function's key.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from release_cli.ops.audit_log import AuditRecord, read_trail
from release_cli.ops.clients import AwsContext
from release_cli.ops.errors import OpsError, RefusedError
from release_cli.ops.lambda_reads import AliasState, get_alias, list_versions
from release_cli.ops.production import decide
from release_cli.ops.release_records import UNDO_ACTION, release_records
from release_cli.ops.release_train import Leg
from release_cli.ops.route_rules import Route
from release_cli.ops.target import Target, targets_for_stage
from release_cli.ops.version_source import from_alias_version
from service_model.stages import load_stage


@contextmanager
def _for_function(key: str) -> Iterator[None]:
    """An error while planning one function's leg names that function (same error class, same exit code)."""
    try:
        yield
    except OpsError as err:
        raise type(err)(f"{key}: {err}") from None


def promote_legs(
    ctx: AwsContext,
    stage: str,
    *,
    alias: str | None,
    from_alias: str | None,
    from_stage: str | None,
    audit_table: str | None,
) -> list[Leg]:
    """One leg per function of ``stage``; see the module docstring."""
    config = load_stage(stage)
    source_config = load_stage(from_stage) if from_stage else None
    legs = []
    for target in targets_for_stage(ctx, stage, audit_table=audit_table, config=config):
        key = str(target.function_key)
        with _for_function(key):
            name = alias or config.function(key).trigger_alias
            before = get_alias(ctx, target.function, name)
            target = decide(ctx, target, alias=name)
            versions = list_versions(ctx, target.function)
            if from_alias or source_config is not None:
                source_alias = from_alias or (source_config.function(key).trigger_alias if source_config else "")
                version = from_alias_version(ctx, target, versions, from_alias=source_alias, from_stage=from_stage)
            elif before.weights:
                version = next(iter(before.weights))
            else:
                raise OpsError(
                    f"alias {name} has no canary to promote (it points at {before.version} alone); "
                    "give --from-stage S or --from-alias A"
                )
            legs.append(Leg(target=target, before=before, route=Route(version=version), versions=versions))
    return legs


def undo_legs(
    ctx: AwsContext,
    stage: str,
    release_id: str,
    *,
    alias: str | None,
    audit_table: str | None,
    force: bool,
) -> list[Leg]:
    """One leg per alias release ``release_id`` moved and left moved; see the module docstring."""
    config = load_stage(stage)
    targets = targets_for_stage(ctx, stage, audit_table=audit_table, config=config)
    records = release_records(ctx, config, targets, release_id, alias=alias)
    put_back = {record.undoes for _, record in records if record.action == UNDO_ACTION}
    standing = [(t, r) for t, r in records if r.action != UNDO_ACTION and r.sk not in put_back]
    if not standing:
        raise RefusedError(
            f"release {release_id} left nothing moved: it failed and its moves were put back "
            f"(release audit --stage {stage} --release {release_id} lists them); nothing to undo"
        )
    legs = []
    for target, record in standing:
        key = str(target.function_key)
        with _for_function(key):
            now = get_alias(ctx, target.function, record.alias)
            if not _as_left(now, record):
                moved = _moved_since(ctx, target, record, now, release_id)
                if not force:
                    raise RefusedError(
                        f"{moved}; nothing was changed. Undo the release anyway with --force (that alias goes back "
                        f"to {_describe(record.from_version, record.from_weights)} from where it is now), or roll "
                        "that alias back on its own with --function and --to"
                    )
                print(f"--force: {key}: {moved}; it goes back all the same", file=sys.stderr)
            target = decide(ctx, target, alias=record.alias)
            versions = list_versions(ctx, target.function)
            back = Route(version=record.from_version, weights=dict(record.from_weights))
            legs.append(Leg(target=target, before=now, route=back, versions=versions, undoes=record.sk))
    return legs


def _as_left(now: AliasState, record: AuditRecord) -> bool:
    left = (record.to_version, dict(record.to_weights), record.revision_after)
    return (now.version, dict(now.weights), now.revision_id) == left


def _moved_since(ctx: AwsContext, target: Target, record: AuditRecord, now: AliasState, release_id: str) -> str:
    """Why the alias is not where the release left it, naming the move that undid it if the trail has one."""
    said = (
        f"alias {record.alias} moved since release {release_id} left it on "
        f"{_describe(record.to_version, record.to_weights)} (revision {record.revision_after}; now {now.describe()}, "
        f"revision {now.revision_id})"
    )
    trail = read_trail(ctx, target.require_audit_table(), function=target.function, alias=record.alias)
    undone = next((r for r in trail if r.undoes == record.sk), None)
    if undone is None:
        return said
    by = f"release {undone.release_id}" if undone.release_id else f"a {undone.action} at {undone.at}"
    return f"{said}: it was already undone by {by}"


def _describe(version: str, weights: dict[str, float]) -> str:
    return AliasState(name="", version=version, weights=weights).describe()
