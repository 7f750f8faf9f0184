"""Recognise expected churn: changes every release makes that are shown but are not danger.

* asset-hash-only: the resource differs only in 64-hex CDK asset hashes (a code edit);
* metadata-only: only the Metadata attribute changed (CloudFormation updates nothing), or only the
  ``Analytics`` property of CDK's ``CDKMetadata`` resource (``AWS::CDK::Metadata``: the CDK version
  and construct usage it reports, which change with any CDK upgrade and hold nothing);
* lambda-version: a new ``AWS::Lambda::Version`` published and the previous one removed (deleted,
  or orphaned when retained) -- the shape of CDK's ``current_version`` on every code change.
"""

from __future__ import annotations

from release_cli.review.model import Action, ResourceChange
from release_cli.review.stateful import RETAIN_POLICIES
from release_cli.review.values import equal_but_hashes

LAMBDA_VERSION = "AWS::Lambda::Version"
CDK_METADATA = "AWS::CDK::Metadata"


def mark_churn(*, changes: dict[str, ResourceChange]) -> None:
    """Set ``churn`` (and a note) on every change that is expected churn, in place."""
    for change in changes.values():
        if change.action != Action.MODIFY or change.old is None or change.new is None:
            continue
        if change.old != change.new and equal_but_hashes(change.old, change.new):
            change.churn = "asset-hash-only"
        elif not change.causes and change.attribute_changes == ["Metadata"]:
            change.churn = "metadata-only"
        elif _cdk_analytics_only(change):
            change.churn = "metadata-only"
            change.notes.append("CDK version/usage analytics only")
        elif change.resource_type == LAMBDA_VERSION:
            change.churn = "lambda-version"
            change.notes.append("the version is published again under the same logical ID")
    _mark_version_pairs(changes=changes)


def _cdk_analytics_only(change: ResourceChange) -> bool:
    return (
        change.resource_type == CDK_METADATA
        and [cause.path for cause in change.causes] == ["Analytics"]
        and set(change.attribute_changes) <= {"Metadata"}
    )


def _mark_version_pairs(*, changes: dict[str, ResourceChange]) -> None:
    added = [c for c in changes.values() if c.action == Action.ADD and c.resource_type == LAMBDA_VERSION]
    removed = [c for c in changes.values() if c.action == Action.REMOVE and c.resource_type == LAMBDA_VERSION]
    for old_version in removed:
        function = _function_of(old_version)
        successor = next((c for c in added if _function_of(c) == function), None)
        if successor is None:
            continue
        successor.churn = "lambda-version"
        successor.notes.append(f"new version of the function; replaces {old_version.logical_id}")
        old_version.churn = "lambda-version"
        policy = (old_version.old or {}).get("DeletionPolicy")
        fate = "retained: CloudFormation orphans it" if policy in RETAIN_POLICIES else "deleted by CloudFormation"
        old_version.notes.append(f"previous version, superseded by {successor.logical_id}; {fate}")


def _function_of(change: ResourceChange) -> object:
    resource = change.new if change.new is not None else change.old
    return ((resource or {}).get("Properties") or {}).get("FunctionName")
