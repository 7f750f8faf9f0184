"""Follow replacements through references: a replaced resource gets a new physical ID and new attributes.

A resource whose property references (Ref, GetAtt, Sub) a replaced resource sees that property
change at deploy time even when its own template text is the same. CloudFormation's console shows
such a row as Modify with "Dynamic" evaluation; when the property is create-only, the referencing
resource is conditionally replaced too, and so on down the chain.
"""

from __future__ import annotations

from typing import Any

from release_cli.review.diff import replaces_if_changed
from release_cli.review.intrinsics import referenced_ids
from release_cli.review.model import Action, PropertyChange, Replacement, ResourceChange, strongest
from release_cli.review.schemas import SchemaSource

REPLACING = (Replacement.TRUE, Replacement.CONDITIONAL)


def propagate_replacements(
    *,
    changes: dict[str, ResourceChange],
    old: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
    schemas: SchemaSource,
) -> None:
    """Add the deploy-time consequences of every replacement to ``changes`` (in place), to a fixed point."""
    replaced = {
        lid for lid, change in changes.items() if change.action == Action.MODIFY and change.replacement in REPLACING
    }
    references = _references(old=old, new=new)
    frontier = set(replaced)
    while frontier:
        newly_replaced: set[str] = set()
        for logical_id, by_key in references.items():
            for key, targets in by_key.items():
                hits = targets & frontier
                if not hits:
                    continue
                change = changes.get(logical_id)
                if change is None:
                    resource = new[logical_id]
                    change = ResourceChange(
                        logical_id, resource["Type"], Action.MODIFY, old=old[logical_id], new=resource
                    )
                    change.notes.append("no template change: a value it references changes at deploy time")
                    changes[logical_id] = change
                if change.replacement == Replacement.TRUE or any(cause.path == key for cause in change.causes):
                    continue
                outcome = replaces_if_changed(key=key, rules=schemas.rules_for(change.resource_type))
                reason = f"references {', '.join(sorted(hits))}, which is replaced (evaluated at deploy time)"
                change.causes.append(PropertyChange(key, outcome, reason))
                change.replacement = strongest(Replacement.FALSE, *(cause.replacement for cause in change.causes))
                if change.replacement in REPLACING and logical_id not in replaced:
                    replaced.add(logical_id)
                    newly_replaced.add(logical_id)
        frontier = newly_replaced
    for logical_id in sorted(changes):
        changes[logical_id] = changes.pop(logical_id)


def _references(*, old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> dict[str, dict[str, set[str]]]:
    """For each resource kept from old to new: top-level property -> logical IDs it references."""
    references: dict[str, dict[str, set[str]]] = {}
    for logical_id, resource in new.items():
        if logical_id not in old or old[logical_id].get("Type") != resource.get("Type"):
            continue
        by_key = {key: set(referenced_ids(value)) for key, value in (resource.get("Properties") or {}).items()}
        by_key = {key: targets for key, targets in by_key.items() if targets}
        if by_key:
            references[logical_id] = by_key
    return references
