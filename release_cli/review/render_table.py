"""Plain-text terminal rendering: fixed-width columns, no colour codes (logs and CI stay readable)."""

from __future__ import annotations

from release_cli.review.model import Report
from release_cli.review.rows import HEADERS, change_rows, verdict

MAX_CELL = 80
CLIPPED_COLUMNS = (4, 5)
"""Only the free-text columns are clipped; IDs and types are shown whole, and the full text is in the JSON."""


def render_table(reports: list[Report]) -> str:
    """All reports, one section each."""
    return "\n\n".join(_section(report) for report in reports) + "\n"


def _section(report: Report) -> str:
    lines = [f"== Review: {report.label}"]
    if report.assembly is not None:
        lines.append(f"read: {report.assembly.text()}")
    lines.extend(f"note: {notice}" for notice in report.notices)
    rows = [tuple(_clip(c) if i in CLIPPED_COLUMNS else c for i, c in enumerate(row)) for row in change_rows(report)]
    if rows:
        widths = [max(len(str(row[i])) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]
        lines.append(_line(HEADERS, widths))
        lines.append("  ".join("-" * width for width in widths))
        lines.extend(_line(row, widths) for row in rows)
    for finding in report.blocking:
        lines.append(f"DANGER {' -> '.join(finding.logical_ids)} ({finding.resource_type}): {finding.message}")
    for finding in report.findings:
        if finding.allowance is not None:
            lines.append(
                f"ALLOWED {' -> '.join(finding.logical_ids)} ({finding.kind}): {finding.message}; "
                f"allowance: {finding.allowance.reason}"
            )
    for allowance in report.unused_allowances:
        lines.append(f"unused allowance: {allowance.logical_id} ({allowance.reason})")
    lines.append(verdict(report))
    return "\n".join(lines)


def _line(cells: tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _clip(cell: str) -> str:
    return cell if len(cell) <= MAX_CELL else cell[: MAX_CELL - 1] + "…"
