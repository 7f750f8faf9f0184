"""The rows and verdict every renderer shows, computed once so the three formats cannot disagree."""

from __future__ import annotations

from release_cli.review.model import Finding, Report, ResourceChange

HEADERS = ("Action", "Logical ID", "Type", "Replacement", "Caused by", "Notes")


def change_rows(report: Report) -> list[tuple[str, str, str, str, str, str]]:
    """One row per change, as the console lists a change set, plus a Notes column for churn and danger."""
    rows = []
    for change in report.changes:
        flags = _flags([f for f in report.findings if change.logical_id in f.logical_ids])
        rows.append(
            (
                change.action.value,
                change.logical_id,
                change.resource_type,
                change.replacement.value,
                change.cause_text,
                notes_for(change, flags=flags),
            )
        )
    return rows


def notes_for(change: ResourceChange, *, flags: list[str]) -> str:
    """Every finding on the row (a renamed table that also loses Retain shows both), churn, then notes."""
    parts = list(flags)
    if change.churn:
        parts.append(f"expected churn ({change.churn})")
    parts.extend(change.notes)
    return "; ".join(parts)


def _flags(findings: list[Finding]) -> list[str]:
    """``DANGER: kind, kind`` (and ``ALLOWED: ...``); the rename pair once: ``DANGER: rename (A -> B)``."""
    parts = []
    for status, allowed in (("DANGER", False), ("ALLOWED", True)):
        kinds = [f.kind for f in findings if f.allowed == allowed]
        if kinds:
            parts.append(f"{status}: {', '.join(kinds)}")
    pairs = sorted({" -> ".join(f.logical_ids) for f in findings if len(f.logical_ids) > 1})
    if parts and pairs:
        parts[-1] += f" ({', '.join(pairs)})"
    return parts


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


ALLOW_REASON = "<why losing this data is intended>"
"""The placeholder the hint prints; an allowance that still says it is refused (nobody wrote down why)."""


def blocking_ids(report: Report) -> list[str]:
    """One logical ID per blocking finding (the first of a rename's pair: either one matches), each once."""
    return list(dict.fromkeys(f.logical_ids[0] for f in report.blocking))


def allow_entry(report: Report) -> list[str]:
    """The ``[[allow]]`` entries that would let every blocking change through, one per logical ID, with a blank
    line between them (empty when nothing blocks). Pasted into the allowance file with each reason filled in,
    they are enough: the next review of the same change is SAFE.

    A DANGER result says how to accept it on purpose: which file, which fields; the reader fills the reason.
    """
    stage = f'stage = "{report.stage}"' if report.stage else '# stage = "<stage>"'
    lines: list[str] = []
    for logical_id in blocking_ids(report):
        if lines:
            lines.append("")
        lines += [
            "[[allow]]",
            f'logical_id = "{logical_id}"',
            f"{stage}  # optional: omit to allow on every stage",
            f'reason = "{ALLOW_REASON}"',
        ]
    return lines


def allow_hint(report: Report) -> str:
    """The sentence before the entries."""
    return (
        f"to allow a change on purpose, add these entries to {report.allowances_file} (one per logical ID) "
        "and replace each reason with why losing that data is intended:"
    )
