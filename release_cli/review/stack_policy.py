"""Build the prod stack policy: deny replacing or deleting stateful resources, allow every other update.

A stack policy applies to updates only, and once set it protects every resource it does not
allow; so the policy starts from "allow Update:*" and adds a Deny for Update:Replace and
Update:Delete on the stateful logical IDs (a Deny always wins over an Allow).
"""

from __future__ import annotations

import json
from typing import Any

from release_cli.review.stateful import StatefulTypes
from release_cli.review.templates import Template, resources_of


def stateful_logical_ids(*, template: Template, stateful: StatefulTypes) -> list[str]:
    """Logical IDs of the template's stateful resources, sorted."""
    return sorted(lid for lid, resource in resources_of(template).items() if resource.get("Type") in stateful)


def build_stack_policy(*, logical_ids: list[str]) -> dict[str, Any]:
    """The policy document; with no stateful resources it only allows (and so changes nothing)."""
    statements: list[dict[str, Any]] = [{"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"}]
    if logical_ids:
        statements.append(
            {
                "Effect": "Deny",
                "Action": ["Update:Replace", "Update:Delete"],
                "Principal": "*",
                "Resource": [f"LogicalResourceId/{lid}" for lid in logical_ids],
            }
        )
    return {"Statement": statements}


def policy_json(policy: dict[str, Any]) -> str:
    return json.dumps(policy, indent=2, sort_keys=True)
