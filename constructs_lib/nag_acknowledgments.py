"""Acknowledging cdk-nag findings on the narrowest construct that causes them, each with its reason.

An acknowledgment covers the construct and everything under it, so it sits on the resource that
makes the finding expected (a role, a function), never on the whole stack, where it would also hide
the next, unexpected finding of the same rule.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

XRAY_WILDCARD = {
    "AwsSolutions-IAM5[Resource::*]": (
        "Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no "
        "resource-level permissions; the tests check that '*' grants nothing else."
    ),
}


def acknowledge(scope: IConstruct, rules: dict[str, str]) -> None:
    """Acknowledge each rule id on ``scope`` (and its children) with its reason."""
    for rule, reason in rules.items():
        if len(reason.split()) < 8:
            raise ValueError(f"acknowledgment of {rule}: the reason must say why (got {reason!r})")
        Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))
