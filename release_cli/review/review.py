"""One review: two templates in, a ``Report`` out (changes, churn, danger, allowances)."""

from __future__ import annotations

from release_cli.review.allowances import apply_allowances
from release_cli.review.cascade import propagate_replacements
from release_cli.review.churn import mark_churn
from release_cli.review.diff import diff_resources
from release_cli.review.gate import find_danger
from release_cli.review.model import Allowance, Report, ResourceChange
from release_cli.review.renames import find_renames
from release_cli.review.schemas import SchemaSource, default_source
from release_cli.review.stateful import StatefulTypes, load_stateful_types
from release_cli.review.templates import Template, resources_of


def review_templates(
    *,
    old: Template,
    new: Template,
    label: str,
    stage: str | None = None,
    allowances: list[Allowance] | None = None,
    notices: list[str] | None = None,
    schemas: SchemaSource | None = None,
    stateful: StatefulTypes | None = None,
) -> Report:
    """Compare ``old`` (what is deployed or released) with ``new`` (what would be deployed)."""
    schemas = schemas or default_source()
    old_resources, new_resources = resources_of(old), resources_of(new)
    changes = diff_resources(old=old_resources, new=new_resources, schemas=schemas)
    propagate_replacements(changes=changes, old=old_resources, new=new_resources, schemas=schemas)
    return gate_changes(
        changes=changes,
        label=label,
        stage=stage,
        allowances=allowances,
        notices=notices,
        stateful=stateful,
        template_ids=frozenset(old_resources) | frozenset(new_resources),
    )


def gate_changes(
    *,
    changes: dict[str, ResourceChange],
    label: str,
    stage: str | None,
    allowances: list[Allowance] | None,
    notices: list[str] | None,
    stateful: StatefulTypes | None = None,
    template_ids: frozenset[str] = frozenset(),
) -> Report:
    """Churn, renames, danger and allowances over an already classified set of changes."""
    stateful = stateful or load_stateful_types()
    mark_churn(changes=changes)
    renames = find_renames(changes=changes, stateful=stateful)
    findings = find_danger(changes=changes, renames=renames, stateful=stateful)
    unused = apply_allowances(findings=findings, allowances=allowances or [], stage=stage)
    return Report(
        label=label,
        changes=list(changes.values()),
        findings=findings,
        notices=list(notices or []),
        unused_allowances=unused,
        template_ids=template_ids | frozenset(changes),
        stage=stage,
    )
