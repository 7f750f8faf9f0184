"""Detect logical-ID renames of stateful resources.

CloudFormation has no rename: moving a construct changes its logical ID, and the change set shows
Remove (old ID) + Add (new ID). For a table that means a new, empty table (or a failed create when
the table name is fixed) and the old one deleted. Pairing them lets the report say "rename: old -> new".
"""

from __future__ import annotations

from typing import Any

from release_cli.review.model import Action, ResourceChange
from release_cli.review.stateful import StatefulTypes

_ABSENT = object()


def find_renames(*, changes: dict[str, ResourceChange], stateful: StatefulTypes) -> list[tuple[str, str]]:
    """Pairs ``(removed_id, added_id)`` of the same stateful type with the same identity; each ID used once."""
    added = [c for c in changes.values() if c.action == Action.ADD and c.resource_type in stateful]
    pairs: list[tuple[str, str]] = []
    taken: set[str] = set()
    for gone in (c for c in changes.values() if c.action == Action.REMOVE and c.resource_type in stateful):
        identity = stateful.identity[gone.resource_type]
        for candidate in added:
            if candidate.logical_id in taken or candidate.resource_type != gone.resource_type:
                continue
            if same_identity(old=_props(gone.old), new=_props(candidate.new), identity=identity):
                pairs.append((gone.logical_id, candidate.logical_id))
                taken.add(candidate.logical_id)
                break
    return pairs


def same_identity(*, old: dict[str, Any], new: dict[str, Any], identity: tuple[str, ...]) -> bool:
    """Equal identity properties (at least one set), or, when none is set, equal Properties altogether."""
    present = [key for key in identity if key in old or key in new]
    if not present:
        return old == new
    return all(old.get(key, _ABSENT) == new.get(key, _ABSENT) for key in present)


def _props(resource: dict[str, Any] | None) -> dict[str, Any]:
    return (resource or {}).get("Properties") or {}
