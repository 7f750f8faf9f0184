"""Review a real CloudFormation change set: read it with boto3 and feed it through the same gate.

The change set is AWS's own verdict on actions and replacement, so where it states a replacement
that wins. Where it is silent (moto never reports Replacement; a real change set omits it for some
rows), the offline classifier fills in from the stack's current template and the change set's
template. Rows only one side knows about are kept: the gate runs on the union.

The change set's own status comes first (fail closed): one still being created is waited for, one
that failed because it holds no changes is "no changes" (CloudFormation refuses an empty change set
that way), and one that failed for any other reason, or is being deleted, is an error (exit 2), never
a review of the zero rows it lists.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from release_cli.review.aws import aws_errors, get_template
from release_cli.review.cascade import propagate_replacements
from release_cli.review.diff import diff_resources
from release_cli.review.errors import ReviewInputError
from release_cli.review.model import Action, Allowance, PropertyChange, Replacement, Report, ResourceChange
from release_cli.review.review import gate_changes
from release_cli.review.schemas import default_source
from release_cli.review.templates import Template, resources_of

ACTIONS = {"Add": Action.ADD, "Import": Action.ADD, "Remove": Action.REMOVE}
REPLACEMENTS = {"True": Replacement.TRUE, "Conditional": Replacement.CONDITIONAL, "False": Replacement.FALSE}
RECREATION = {"Always": Replacement.TRUE, "Conditionally": Replacement.CONDITIONAL, "Never": Replacement.FALSE}
EMPTY_TEMPLATE: Template = {"Resources": {}}
BEING_CREATED = ("CREATE_PENDING", "CREATE_IN_PROGRESS")
NO_CHANGES_REASONS = ("didn't contain changes", "No updates are to be performed")
"""How CloudFormation words a change set it refused because the template changes nothing."""
WAIT_S = 300.0
POLL_S = 2.0


@dataclass(frozen=True)
class ChangeSetTarget:
    """Which change set to read."""

    stack_name: str
    change_set_name: str


def settled_status(*, client: Any, target: ChangeSetTarget, wait_s: float = WAIT_S, poll_s: float = POLL_S) -> str:
    """The change set's status once CloudFormation has finished creating it (waited for up to ``wait_s``).

    Returns ``CREATE_COMPLETE`` or ``NO_CHANGES``; any other outcome is a ``ReviewInputError`` naming the
    status and CloudFormation's reason, so a failed change set is never reviewed as if it were empty.
    """
    deadline = time.monotonic() + wait_s
    while True:
        with aws_errors(f"describing change set {target.change_set_name}"):
            answer = client.describe_change_set(ChangeSetName=target.change_set_name, StackName=target.stack_name)
        status, reason = str(answer.get("Status", "")), str(answer.get("StatusReason") or "")
        if status == "CREATE_COMPLETE":
            return status
        if status == "FAILED" and any(words in reason for words in NO_CHANGES_REASONS):
            return "NO_CHANGES"
        if status not in BEING_CREATED:
            raise ReviewInputError(
                f"change set {target.change_set_name} of {target.stack_name} is {status or 'of no status'}"
                + (f" ({reason})" if reason else "")
                + ": there is nothing to review; fix what it says and create the change set again"
            )
        if time.monotonic() >= deadline:
            raise ReviewInputError(
                f"change set {target.change_set_name} of {target.stack_name} is still {status} after {wait_s:.0f} s: "
                "nothing was reviewed; run the review again once CloudFormation has created it"
            )
        time.sleep(poll_s)


def describe_changes(*, client: Any, target: ChangeSetTarget) -> list[dict[str, Any]]:
    """Every ResourceChange of the change set (all pages), nested stacks' changes included with ``Parent/Child`` IDs."""
    return _describe(client=client, name=target.change_set_name, stack_name=target.stack_name, prefix="")


def _describe(*, client: Any, name: str, stack_name: str | None, prefix: str) -> list[dict[str, Any]]:
    request: dict[str, Any] = {"ChangeSetName": name, "IncludePropertyValues": True}
    if stack_name:
        request["StackName"] = stack_name
    with aws_errors(f"describing change set {name}"):
        pages = list(client.get_paginator("describe_change_set").paginate(**request))
    changes: list[dict[str, Any]] = []
    for page in pages:
        for entry in page.get("Changes", []):
            change = dict(entry.get("ResourceChange") or {})
            if not change:
                continue
            change["LogicalResourceId"] = prefix + change.get("LogicalResourceId", "?")
            changes.append(change)
            nested = change.get("ChangeSetId")
            if nested and change.get("ResourceType") == "AWS::CloudFormation::Stack" and nested not in (name,):
                changes.extend(
                    _describe(client=client, name=nested, stack_name=None, prefix=change["LogicalResourceId"] + "/")
                )
    return changes


def change_from_api(entry: dict[str, Any]) -> ResourceChange:
    """Map one DescribeChangeSet ResourceChange to the report model (Replacement missing -> Unknown)."""
    action = ACTIONS.get(entry.get("Action", ""), Action.MODIFY)
    change = ResourceChange(entry["LogicalResourceId"], entry.get("ResourceType", "?"), action, source="change-set")
    if action == Action.MODIFY:
        change.replacement = REPLACEMENTS.get(entry.get("Replacement", ""), Replacement.UNKNOWN)
    for detail in entry.get("Details", []):
        target = detail.get("Target", {})
        if target.get("Attribute") == "Properties" and target.get("Name"):
            outcome = RECREATION.get(target.get("RequiresRecreation", ""), Replacement.UNKNOWN)
            reason = f"{detail.get('Evaluation', '?')} evaluation, {detail.get('ChangeSource', '?')}"
            if detail.get("CausingEntity"):
                reason += f" {detail['CausingEntity']}"
            change.causes.append(PropertyChange(target["Name"], outcome, reason))
        elif target.get("Attribute") and target["Attribute"] not in change.attribute_changes:
            change.attribute_changes.append(target["Attribute"])
    if entry.get("PolicyAction"):
        change.notes.append(f"change set policy action: {entry['PolicyAction']}")
    if entry.get("Action") not in ("Add", "Modify", "Remove"):
        change.notes.append(f"change set action: {entry.get('Action')}")
    return change


def merge(*, api: list[ResourceChange], offline: dict[str, ResourceChange]) -> dict[str, ResourceChange]:
    """The union of both views; the change set's stated replacement wins, the offline one fills gaps."""
    merged = dict(offline)
    for change in api:
        known = offline.get(change.logical_id)
        if known is None:
            merged[change.logical_id] = change
            continue
        known.source = "change-set"
        if change.replacement not in (Replacement.UNKNOWN, Replacement.NONE):
            known.replacement = change.replacement
            known.causes = change.causes or known.causes
        elif known.action == Action.MODIFY:
            known.notes.append("replacement from the offline classifier: the change set did not state it")
        known.notes.extend(change.notes)
    for logical_id, change in offline.items():
        if change.source == "template":
            change.notes.append("not listed by the change set")
        merged[logical_id] = change
    return dict(sorted(merged.items()))


def review_change_set(
    *,
    client: Any,
    target: ChangeSetTarget,
    label: str,
    stage: str | None,
    allowances: list[Allowance],
    fallback_new: Template | None = None,
) -> Report:
    """Read the change set (once CloudFormation has settled it), classify it with both sources, and gate it."""
    if settled_status(client=client, target=target) == "NO_CHANGES":
        return gate_changes(
            changes={},
            label=label,
            stage=stage,
            allowances=allowances,
            notices=[
                f"change set {target.change_set_name} on stack {target.stack_name}: CloudFormation found no "
                "changes (status FAILED: the template changes nothing)"
            ],
            template_ids=frozenset(),
        )
    api_changes = [change_from_api(entry) for entry in describe_changes(client=client, target=target)]
    notices = [f"change set {target.change_set_name} on stack {target.stack_name}: {len(api_changes)} change(s)"]
    old = _current_template(client=client, stack_name=target.stack_name, notices=notices)
    new = get_template(client=client, stack_name=target.stack_name, change_set_name=target.change_set_name)
    if new == old and api_changes and fallback_new is not None:
        notices.append(
            "the change set's template equals the deployed one although the change set lists changes "
            "(moto ignores ChangeSetName in GetTemplate): classified against the synthesized template instead"
        )
        new = fallback_new
    trusted = new != old or not api_changes
    if not trusted:
        notices.append(
            "the change set's template could not be told apart from the deployed one: replacement of existing "
            "resources is unknown (pass the synthesized template with --cdk-out to classify it)"
        )
    schemas = default_source()
    old_resources, new_resources = resources_of(old), resources_of(new)
    offline = diff_resources(old=old_resources, new=new_resources, schemas=schemas)
    propagate_replacements(changes=offline, old=old_resources, new=new_resources, schemas=schemas)
    merged = merge(api=api_changes, offline=offline)
    for change in merged.values():
        change.old = change.old or old_resources.get(change.logical_id)
        change.new = change.new or new_resources.get(change.logical_id)
        if change.action == Action.ADD and change.logical_id in old_resources and change.old == change.new:
            if trusted:
                change.notes.append("the change set says Add, but the templates show it unchanged")
            else:
                change.action, change.replacement = Action.MODIFY, Replacement.UNKNOWN
                change.notes.append("the change set says Add for a deployed resource: treated as Modify")
    return gate_changes(
        changes=merged,
        label=label,
        stage=stage,
        allowances=allowances,
        notices=notices,
        template_ids=frozenset(old_resources) | frozenset(new_resources),
    )


def _current_template(*, client: Any, stack_name: str, notices: list[str]) -> Template:
    with aws_errors(f"describing stack {stack_name}"):
        stacks = client.describe_stacks(StackName=stack_name)["Stacks"]
    if stacks and stacks[0].get("StackStatus") == "REVIEW_IN_PROGRESS":
        notices.append(f"stack {stack_name} is not created yet: every resource is an Add")
        return EMPTY_TEMPLATE
    return get_template(client=client, stack_name=stack_name)
