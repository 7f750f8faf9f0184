"""Decide which changes are dangerous: stateful resources replaced, removed, renamed or losing Retain.

Danger is about data. A stateful resource (``stateful.StatefulTypes``) that is replaced (True or
Conditional) starts empty; one that is removed is deleted -- or orphaned, if its DeletionPolicy
retains it, which still takes it out of the stack's control; a rename is a removal plus an empty
addition; and a Retain policy taken away removes the protection the next replacement or removal
would have had (``DeletionPolicy`` does not cover replacement; ``UpdateReplacePolicy`` does).
"""

from __future__ import annotations

import json
from typing import Any

from release_cli.review.model import Action, Finding, Replacement, ResourceChange
from release_cli.review.stateful import RETAIN_POLICIES, StatefulTypes

REPLACING = (Replacement.TRUE, Replacement.CONDITIONAL)
POLICIES = ("DeletionPolicy", "UpdateReplacePolicy")


def find_danger(
    *, changes: dict[str, ResourceChange], renames: list[tuple[str, str]], stateful: StatefulTypes
) -> list[Finding]:
    """Every dangerous change, in logical-ID order; renames are one finding naming both IDs."""
    renamed_from = dict(renames)
    renamed_to = {new: old for old, new in renames}
    findings: list[Finding] = []
    for change in changes.values():
        old_type = (change.old or {}).get("Type", change.resource_type)
        if change.resource_type not in stateful and old_type not in stateful:
            continue
        if change.action == Action.REMOVE and change.logical_id in renamed_from:
            findings.append(_rename(old=change, new=changes[renamed_from[change.logical_id]]))
        elif change.action == Action.REMOVE:
            findings.append(_removal(change, consequence=stateful.removal.get(old_type)))
        elif change.action == Action.MODIFY:
            if change.replacement in REPLACING:
                findings.append(_replacement(change, name_property=stateful.name_property.get(change.resource_type)))
            elif change.replacement == Replacement.UNKNOWN:
                findings.append(_unknown(change))
            lost = _retain_lost(change.old, change.new)
            if lost:
                findings.append(_retain_removed(change, lost))
        elif change.logical_id in renamed_to:
            old_id = renamed_to[change.logical_id]
            lost = _retain_lost(changes[old_id].old, change.new)
            if lost:
                findings.append(_retain_removed(change, lost, renamed_from=old_id))
    return findings


def _replacement(change: ResourceChange, *, name_property: str | None) -> Finding:
    kept = (change.new or {}).get("UpdateReplacePolicy") in RETAIN_POLICIES
    fate = "the old one is orphaned (UpdateReplacePolicy Retain)" if kept else "the old one and its data are deleted"
    message = f"replaced (Replacement: {change.replacement}) because of {change.cause_text}: "
    fixed = _fixed_name(change, name_property)
    if fixed is None:
        message += f"a new, empty resource is created and {fate}"
    else:
        when = "so" if change.replacement == Replacement.TRUE else "if it is replaced,"
        message += (
            f"its name is fixed ({fixed}) and CloudFormation cannot replace a custom-named resource, {when} the "
            f"update fails outright and rolls back; with a new name, a new, empty resource is created and {fate}"
        )
        change.notes.append(f"fixed name ({fixed}): the update fails instead of replacing")
    return Finding("replacement", (change.logical_id,), change.resource_type, message)


def _fixed_name(change: ResourceChange, name_property: str | None) -> str | None:
    """``Property "value"`` when the name property is set and the same on both sides: the new resource would clash."""
    if name_property is None:
        return None
    old_name = ((change.old or {}).get("Properties") or {}).get(name_property)
    new_name = ((change.new or {}).get("Properties") or {}).get(name_property)
    if new_name is None or old_name != new_name:
        return None
    return f"{name_property} {json.dumps(new_name, sort_keys=True)}"


def _unknown(change: ResourceChange) -> Finding:
    message = "modified, and neither the change set nor the templates tell whether it is replaced: treated as danger"
    return Finding("unknown-replacement", (change.logical_id,), change.resource_type, message)


def _removal(change: ResourceChange, *, consequence: str | None = None) -> Finding:
    policy = (change.old or {}).get("DeletionPolicy")
    if policy in RETAIN_POLICIES:
        message = (
            f"removed from the template with DeletionPolicy {policy}: it is orphaned, not deleted -- the data "
            "survives outside the stack, which no longer manages, protects or outputs it"
        )
        return Finding("orphaned", (change.logical_id,), change.resource_type, message)
    if policy == "Snapshot":
        message = "removed from the template: deleted after a final snapshot (restoring means a new resource)"
    elif consequence:
        message = f"removed from the template: {consequence}"
    else:
        message = "removed from the template: deleted with its data"
    return Finding("removal", (change.logical_id,), change.resource_type, message)


def _rename(*, old: ResourceChange, new: ResourceChange) -> Finding:
    policy = (old.old or {}).get("DeletionPolicy")
    fate = "orphaned (DeletionPolicy Retain)" if policy in RETAIN_POLICIES else "deleted with its data"
    message = (
        "logical ID renamed; CloudFormation sees Remove + Add: "
        f"{new.logical_id} is created empty (or fails if its name is fixed) and {old.logical_id} is {fate}"
    )
    return Finding("rename", (old.logical_id, new.logical_id), old.resource_type, message)


def _retain_lost(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    return [
        f"{key} {(old or {}).get(key)} -> {(new or {}).get(key, 'Delete (default)')}"
        for key in POLICIES
        if (old or {}).get(key) in RETAIN_POLICIES and (new or {}).get(key) not in RETAIN_POLICIES
    ]


def _retain_removed(change: ResourceChange, lost: list[str], renamed_from: str | None = None) -> Finding:
    ids = (renamed_from, change.logical_id) if renamed_from else (change.logical_id,)
    message = f"Retain policy taken away ({'; '.join(lost)}): a later replacement or removal deletes the data"
    return Finding("retain-removed", ids, change.resource_type, message)
