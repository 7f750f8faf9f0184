"""Acknowledging checkov findings on the one CloudFormation resource that causes them, each with its reason.

checkov reads a resource's own ``Metadata.checkov.skip`` (``[{"id": "CKV_AWS_117", "comment": "..."}]``)
and reports those checks of that resource as skipped, with the comment. So an acknowledgment sits on the
resource in the template, never in a global ``--skip-check``, where it would also hide the next,
unexpected finding of the same check on another resource.
"""

from __future__ import annotations

import re
from typing import Any

from aws_cdk import CfnResource
from constructs import IConstruct

METADATA_KEY = "checkov"
CHECK_ID = re.compile(r"CKV2?_AWS_\d+")
MIN_REASON_WORDS = 8


def cfn_resource_of(construct: IConstruct) -> CfnResource:
    """``construct`` itself when it is a CloudFormation resource, else its default child (a ``Function``'s
    ``CfnFunction``); a construct that has neither is an error that names it."""
    if isinstance(construct, CfnResource):
        return construct
    child = construct.node.default_child
    if isinstance(child, CfnResource):
        return child
    raise ValueError(
        f"{construct.node.path}: no CloudFormation resource to acknowledge checkov findings on "
        "(neither the construct nor its default child is a CfnResource); acknowledge on the resource itself"
    )


def checkov_skips(resource: CfnResource) -> list[dict[str, str]]:
    """The resource's checkov skips so far (``id``, ``comment``), in the order they were added."""
    metadata: Any = resource.get_metadata(METADATA_KEY)
    if not isinstance(metadata, dict):
        return []
    return [dict(skip) for skip in metadata.get("skip", [])]


def acknowledge_checkov(construct: IConstruct, checks: dict[str, str]) -> None:
    """Acknowledge each checkov check id on ``construct``'s CloudFormation resource with its reason.

    Adds to the resource's existing checkov metadata (an earlier skip is never dropped); the same
    check with the same reason again changes nothing, with another reason it is an error.
    """
    resource = cfn_resource_of(construct)
    for check, reason in checks.items():
        if not CHECK_ID.fullmatch(check):
            raise ValueError(
                f"{construct.node.path}: {check!r} is not a checkov AWS check id (CKV_AWS_<n> or CKV2_AWS_<n>)"
            )
        if len(reason.split()) < MIN_REASON_WORDS:
            raise ValueError(
                f"{construct.node.path}: acknowledgment of {check}: the reason must say why, in at least "
                f"{MIN_REASON_WORDS} words (got {reason!r})"
            )
    metadata: Any = resource.get_metadata(METADATA_KEY)
    metadata = dict(metadata) if isinstance(metadata, dict) else {}
    skips = checkov_skips(resource)
    for check, reason in checks.items():
        earlier = next((skip for skip in skips if skip.get("id") == check), None)
        if earlier is None:
            skips.append({"id": check, "comment": reason})
        elif earlier.get("comment") != reason:
            raise ValueError(
                f"{construct.node.path}: {check} is already acknowledged with another reason "
                f"({earlier.get('comment')!r}); one reason per check and resource"
            )
    metadata["skip"] = skips
    resource.add_metadata(METADATA_KEY, metadata)
