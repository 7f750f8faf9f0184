"""Which versions ``prune`` may delete: all but the newest N, never one an alias or weighted route
points to, never the one the deployed stack's ``AWS::Lambda::Version`` holds.

AWS itself refuses to delete a version an alias references (moto does not): the plan never asks.
The stack's version is protected because CloudFormation would fail (or recreate it) on the next
update if the resource it tracks were gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from release_cli.ops.clients import AwsContext, aws_call
from release_cli.ops.lambda_reads import AliasState, Version


@dataclass
class PrunePlan:
    keep: int
    delete: list[Version] = field(default_factory=list)
    kept: dict[str, list[str]] = field(default_factory=dict)
    """version -> why it stays ("newest 10", "alias prod", "stack version-demo-prod"): every version
    not deleted is here, the newest N too, so the plan accounts for every version."""

    @property
    def bytes_freed(self) -> int:
        return sum(v.code_size for v in self.delete)

    def to_json(self) -> dict[str, Any]:
        return {
            "keep": self.keep,
            "delete": [
                {"version": v.number, "codeSize": v.code_size, "description": v.description} for v in self.delete
            ],
            "kept": [{"version": k, "reasons": r} for k, r in sorted(self.kept.items(), key=lambda i: int(i[0]))],
            "bytesFreed": self.bytes_freed,
        }


def plan_prune(
    versions: list[Version], aliases: list[AliasState], *, keep: int, stack_versions: dict[str, str]
) -> PrunePlan:
    plan = PrunePlan(keep=keep)
    newest = {v.number for v in sorted(versions, key=lambda v: v.sort_key)[-keep:]} if keep else set()
    for version in versions:
        reasons = [f"newest {keep}"] if version.number in newest else []
        reasons += [f"alias {a.name}" for a in aliases if version.number in a.routed_versions]
        if version.number in stack_versions:
            reasons.append(stack_versions[version.number])
        if reasons:
            plan.kept[version.number] = reasons
        else:
            plan.delete.append(version)
    return plan


def stack_held_versions(ctx: AwsContext, *, stack: str, function: str, new_version: str | None) -> dict[str, str]:
    """Versions the deployed stack tracks: its ``AWS::Lambda::Version`` resources (physical id = the
    version ARN) and its ``NewVersion`` output; version -> reason."""
    held: dict[str, str] = {}
    if new_version:
        held[new_version] = f"stack {stack} (NewVersion output)"
    with aws_call(f"reading the resources of stack {stack}"):
        paginator = ctx.client("cloudformation").get_paginator("list_stack_resources")
        for page in paginator.paginate(StackName=stack):
            for resource in page.get("StackResourceSummaries", []):
                physical = str(resource.get("PhysicalResourceId") or "")
                if resource.get("ResourceType") == "AWS::Lambda::Version" and f":function:{function}:" in physical:
                    held[physical.rsplit(":", 1)[-1]] = f"stack {stack} ({resource.get('LogicalResourceId')})"
    return held
