"""The rows and verdict every renderer shows, computed once so the three formats cannot disagree."""

from __future__ import annotations

from release_cli.review.model import Report, ResourceChange

HEADERS = ("Action", "Logical ID", "Type", "Replacement", "Caused by", "Notes")


def change_rows(report: Report) -> list[tuple[str, str, str, str, str, str]]:
    """One row per change, as the console lists a change set, plus a Notes column for churn and danger."""
    flagged = {lid: f for f in report.findings for lid in f.logical_ids}
    rows = []
    for change in report.changes:
        rows.append(
            (
                change.action.value,
                change.logical_id,
                change.resource_type,
                change.replacement.value,
                change.cause_text,
                notes_for(change, flagged_kind=_flag(flagged.get(change.logical_id))),
            )
        )
    return rows


def notes_for(change: ResourceChange, *, flagged_kind: str | None) -> str:
    parts = []
    if flagged_kind:
        parts.append(flagged_kind)
    if change.churn:
        parts.append(f"expected churn ({change.churn})")
    parts.extend(change.notes)
    return "; ".join(parts)


def _flag(finding: object) -> str | None:
    if finding is None:
        return None
    allowed = getattr(finding, "allowed", False)
    return f"{'ALLOWED' if allowed else 'DANGER'}: {getattr(finding, 'kind', '')}"


def verdict(report: Report) -> str:
    """A one-line summary naming the outcome and the counts."""
    counts = {
        action: sum(1 for c in report.changes if c.action.value == action) for action in ("Add", "Modify", "Remove")
    }
    summary = ", ".join(f"{n} {action.lower()}" for action, n in counts.items())
    if report.blocking:
        return f"DANGER: {len(report.blocking)} change(s) would lose or orphan data ({summary})"
    if report.findings:
        return f"SAFE with {len(report.findings)} allowed dangerous change(s) ({summary})"
    return f"SAFE: no data-losing change ({summary})" if report.changes else "SAFE: no changes"
