"""Which recorded move a rollback undoes: rollback goes back, never forth.

The audit trail is an undo stack. A rollback without ``--to`` undoes the newest move that no
rollback has undone yet, and its record names that move (``undoes``: the move's SK). The next
rollback skips rollback records and the moves they undid, so after moves 1 -> 2 -> 3 a rollback
gives 2, a second one gives 1, and a third, with nothing left to undo, is refused (exit 1) rather
than toggling back to 2. A rollback of a rollback happens only with an explicit ``--to``, which is
recorded as an ordinary move (so a later rollback can undo it).

Before anything, the alias must be where the newest record left it, version and weights: otherwise
a deploy or someone outside release moved it since, and going "back" from the trail would be a guess.
"""

from __future__ import annotations

from release_cli.ops.audit_log import AuditRecord
from release_cli.ops.errors import OpsError, RefusedError
from release_cli.ops.lambda_reads import AliasState


def move_to_undo(trail: list[AuditRecord], before: AliasState, *, table: str) -> AuditRecord:
    """The record a rollback of ``before`` undoes (``trail`` newest first); its ``from_version`` is the way back.

    ``OpsError`` (exit 2) when nothing was ever recorded; ``RefusedError`` (exit 1) when the alias moved
    outside release since the newest record, or when every recorded move is already undone.
    """
    alias = before.name
    if not trail:
        raise OpsError(f"no recorded move of alias {alias} in {table}: give the version with --to V")
    newest = trail[0]
    if (newest.to_version, newest.to_weights) != (before.version, before.weights):
        left = AliasState(name=alias, version=newest.to_version, weights=newest.to_weights).describe()
        raise RefusedError(
            f"alias {alias} is at {before.describe()}, but its last recorded move ({newest.at}, {newest.action}) "
            f"left it at {left}: it was moved outside release since (a deploy?). "
            "Nothing was changed; give the version with --to V"
        )
    undone = {record.undoes for record in trail if record.undoes}
    for record in trail:
        if not record.undoes and record.sk not in undone:
            return record
    oldest = trail[-1]
    raise RefusedError(
        f"alias {alias}: every recorded move is already rolled back (the oldest took it from "
        f"{oldest.from_version} to {oldest.to_version}); a rollback never goes forth again. "
        "Nothing was changed; to move it anyway, name the version with --to V"
    )
