"""Diff two templates' resources and classify each change as the console would: action and replacement.

Replacement comes from the resource schemas (``schemas``); a literal change to a create-only
property replaces (True), to a conditionally create-only one may replace (Conditional). When the
old or new value is an intrinsic, the deploy-time value may be equal, so True becomes Conditional.
"""

from __future__ import annotations

from typing import Any

from release_cli.review.intrinsics import contains_intrinsic
from release_cli.review.model import Action, PropertyChange, Replacement, ResourceChange, strongest
from release_cli.review.overrides import documented_overrides
from release_cli.review.schemas import ReplacementRules, SchemaPath, SchemaSource
from release_cli.review.values import differs_at, values_at

RESOURCE_ATTRIBUTES = (
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Metadata",
    "DependsOn",
    "Condition",
    "UpdatePolicy",
    "CreationPolicy",
)
"""Resource keys besides Type and Properties; a change to them never replaces the resource."""


def diff_resources(
    *, old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]], schemas: SchemaSource
) -> dict[str, ResourceChange]:
    """Every added, removed or modified logical ID, keyed and sorted by logical ID."""
    changes: dict[str, ResourceChange] = {}
    for logical_id in sorted(old.keys() | new.keys()):
        before, after = old.get(logical_id), new.get(logical_id)
        if before is None and after is not None:
            change = ResourceChange(logical_id, after["Type"], Action.ADD, new=after)
        elif after is None and before is not None:
            change = ResourceChange(logical_id, before["Type"], Action.REMOVE, old=before)
        elif before is not None and after is not None and before != after:
            change = modified(logical_id=logical_id, old=before, new=after, schemas=schemas)
        else:
            continue
        changes[logical_id] = change
    return changes


def modified(*, logical_id: str, old: dict[str, Any], new: dict[str, Any], schemas: SchemaSource) -> ResourceChange:
    """A Modify row: which properties changed, and the strongest replacement any of them causes."""
    change = ResourceChange(logical_id, new["Type"], Action.MODIFY, old=old, new=new)
    change.attribute_changes = [key for key in RESOURCE_ATTRIBUTES if old.get(key) != new.get(key)]
    if old["Type"] != new["Type"]:
        reason = f"type changes from {old['Type']} to {new['Type']}; CloudFormation cannot update a type in place"
        change.causes.append(PropertyChange("Type", Replacement.TRUE, reason))
    else:
        rules = schemas.rules_for(new["Type"])
        old_props, new_props = old.get("Properties") or {}, new.get("Properties") or {}
        for key in sorted(old_props.keys() | new_props.keys()):
            if old_props.get(key, _ABSENT) != new_props.get(key, _ABSENT):
                change.causes.append(
                    classify_property(
                        resource_type=new["Type"], key=key, old_props=old_props, new_props=new_props, rules=rules
                    )
                )
    change.replacement = strongest(Replacement.FALSE, *(cause.replacement for cause in change.causes))
    return change


_ABSENT = object()


def classify_property(
    *, resource_type: str, key: str, old_props: dict[str, Any], new_props: dict[str, Any], rules: ReplacementRules
) -> PropertyChange:
    """The verdict for a change to ``key``: the schema's, strengthened by a documented override if there is one."""
    cause = property_change(key=key, old_props=old_props, new_props=new_props, rules=rules)
    deploy_time = _deploy_time(old_props, new_props, (key,))
    return _documented(resource_type=resource_type, cause=cause, deploy_time=deploy_time)


def property_change(
    *, key: str, old_props: dict[str, Any], new_props: dict[str, Any], rules: ReplacementRules
) -> PropertyChange:
    """Classify a change to the top-level property ``key`` against the type's create-only paths (schema only)."""
    triggered = _first_triggered(key=key, paths=rules.create_only, old_props=old_props, new_props=new_props)
    if triggered is not None:
        dotted = ".".join(triggered)
        if _deploy_time(old_props, new_props, triggered):
            return PropertyChange(
                key, Replacement.CONDITIONAL, f"{dotted} is create-only; its value is resolved at deploy time"
            )
        return PropertyChange(key, Replacement.TRUE, f"{dotted} is create-only")
    triggered = _first_triggered(key=key, paths=rules.conditional, old_props=old_props, new_props=new_props)
    if triggered is not None:
        return PropertyChange(key, Replacement.CONDITIONAL, f"{'.'.join(triggered)} is conditionally create-only")
    if not rules.known:
        return PropertyChange(key, Replacement.UNKNOWN, "no resource schema for this type")
    return PropertyChange(key, Replacement.FALSE, "updates in place")


def _documented(*, resource_type: str, cause: PropertyChange, deploy_time: bool) -> PropertyChange:
    """Apply a documented override when it is stronger than what the schema said.

    Like a create-only property, a documented replacement is only Conditional when the old or new
    value is resolved at deploy time: it may resolve to the same value.
    """
    override = documented_overrides().get((resource_type, cause.path))
    if override is None:
        return cause
    replacement, reason = override
    if deploy_time and replacement == Replacement.TRUE:
        replacement, reason = Replacement.CONDITIONAL, f"{reason}; its value is resolved at deploy time"
    if strongest(replacement, cause.replacement) == cause.replacement:
        return cause
    return PropertyChange(cause.path, replacement, reason)


def replaces_if_changed(*, key: str, rules: ReplacementRules) -> Replacement:
    """What a deploy-time change of ``key``'s value would do: Conditional for (conditionally) create-only keys."""
    if any(path[0] == key for path in rules.create_only + rules.conditional):
        return Replacement.CONDITIONAL
    return Replacement.FALSE if rules.known else Replacement.UNKNOWN


def _first_triggered(
    *, key: str, paths: tuple[SchemaPath, ...], old_props: dict[str, Any], new_props: dict[str, Any]
) -> SchemaPath | None:
    for path in paths:
        if path[0] == key and differs_at(old_props, new_props, path):
            return path
    return None


def _deploy_time(old_props: dict[str, Any], new_props: dict[str, Any], path: SchemaPath) -> bool:
    return contains_intrinsic(values_at(old_props, path)) or contains_intrinsic(values_at(new_props, path))
