"""JSON rendering: the full report model, for tools (CI annotations, dashboards).

Keys are camelCase, as in every other command's ``--json`` (``release_cli.error_report``); the shape is
stated in ``release review --help`` (``release_cli.commands.review``), and a test keeps the two in step.
"""

from __future__ import annotations

import json
from typing import Any

from release_cli.review.model import Allowance, AssemblyRecord, Finding, Report, ResourceChange
from release_cli.review.rows import allow_entry, blocking_ids, verdict


def render_json(reports: list[Report]) -> str:
    """``{"safe": bool, "reports": [...]}``, stable key order."""
    document = {"safe": all(r.safe for r in reports), "reports": [report_dict(r) for r in reports]}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "label": report.label,
        "safe": report.safe,
        "verdict": verdict(report),
        "notices": report.notices,
        "assembly": _assembly(report.assembly),
        "changes": [_change(c) for c in report.changes],
        "findings": [_finding(f) for f in report.findings],
        "allowancesUsed": [_allowance(a) for a in report.allowances_used],
        "unusedAllowances": [_allowance(a) for a in report.unused_allowances],
        "howToAllow": _how_to_allow(report),
    }


def _how_to_allow(report: Report) -> dict[str, Any] | None:
    """Where and how to allow the blocking changes on purpose (None when nothing blocks)."""
    if not report.blocking:
        return None
    return {
        "file": report.allowances_file,
        "requiredFields": ["logical_id", "reason"],
        "optionalFields": ["stage"],
        "logicalIds": sorted(blocking_ids(report)),
        "stage": report.stage,
        "entries": "\n".join(allow_entry(report)) + "\n",
    }


def _change(change: ResourceChange) -> dict[str, Any]:
    return {
        "action": change.action.value,
        "logicalId": change.logical_id,
        "type": change.resource_type,
        "replacement": change.replacement.value,
        "causes": [{"property": c.path, "replacement": c.replacement.value, "reason": c.reason} for c in change.causes],
        "attributeChanges": change.attribute_changes,
        "churn": change.churn,
        "notes": change.notes,
        "source": change.source,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "kind": finding.kind,
        "logicalIds": list(finding.logical_ids),
        "type": finding.resource_type,
        "message": finding.message,
        "allowed": finding.allowed,
        "allowance": _allowance(finding.allowance) if finding.allowance else None,
    }


def _assembly(assembly: AssemblyRecord | None) -> dict[str, Any] | None:
    if assembly is None:
        return None
    return {"manifest": assembly.manifest, "writtenAt": assembly.written_at, "stacks": list(assembly.stacks)}


def _allowance(allowance: Allowance) -> dict[str, Any]:
    return {"logicalId": allowance.logical_id, "stage": allowance.stage, "reason": allowance.reason}
