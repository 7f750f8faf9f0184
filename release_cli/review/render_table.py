"""Plain-text terminal rendering: no colour codes (logs and CI stay readable), at most ``WIDTH`` columns.

Nothing is cut: when the rows are wider than the terminal budget, the free-text columns (notes, then
the causes) and after them the type and logical ID are narrowed and their cells wrap onto more
lines; every other line wraps with an indent. Long CDK logical IDs and types therefore cost lines,
never words.
"""

from __future__ import annotations

import textwrap
from itertools import zip_longest

from release_cli.review.model import Report
from release_cli.review.rows import HEADERS, allow_entry, allow_hint, change_rows, verdict

WIDTH = 120
GAP = "  "
SHRINK_TIERS = (((5, 4), 24), ((2, 1), 16), ((5, 4, 2, 1), len("Logical ID")))
"""(columns, narrowest width) in the order they give up width: Notes and Caused by first, IDs and types last."""


def render_table(reports: list[Report]) -> str:
    """All reports, one section each."""
    return "\n\n".join(_section(report) for report in reports) + "\n"


def _section(report: Report) -> str:
    lines = _wrapped(f"== Review: {report.label}")
    if report.assembly is not None:
        lines += _wrapped(f"read: {report.assembly.text()}")
    for notice in report.notices:
        lines += _wrapped(f"note: {notice}")
    rows = change_rows(report)
    if rows:
        widths = column_widths([HEADERS, *rows])
        lines.extend(_row_lines(HEADERS, widths))
        lines.append(GAP.join("-" * width for width in widths))
        for row in rows:
            lines.extend(_row_lines(row, widths))
    for finding in report.blocking:
        lines += _wrapped(f"DANGER {' -> '.join(finding.logical_ids)} ({finding.resource_type}): {finding.message}")
    if report.blocking:
        lines += _wrapped(allow_hint(report))
        lines.extend(f"    {line}".rstrip() for line in allow_entry(report))
    for finding in report.findings:
        if finding.allowance is not None:
            lines += _wrapped(
                f"ALLOWED {' -> '.join(finding.logical_ids)} ({finding.kind}): {finding.message}; "
                f"allowance: {finding.allowance.reason}"
            )
    for allowance in report.unused_allowances:
        lines += _wrapped(f"unused allowance: {allowance.logical_id} ({allowance.reason})")
    lines += _wrapped(verdict(report))
    return "\n".join(lines)


def column_widths(rows: list[tuple[str, ...]]) -> list[int]:
    """Each column's natural width, narrowed tier by tier (widest column first) until the row fits ``WIDTH``."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    budget = WIDTH - len(GAP) * (len(widths) - 1)
    for columns, narrowest in SHRINK_TIERS:
        while sum(widths) > budget:
            candidates = [i for i in columns if widths[i] > narrowest]
            if not candidates:
                break
            widest = max(candidates, key=lambda i: widths[i])
            widths[widest] -= 1
    return widths


def _row_lines(cells: tuple[str, ...], widths: list[int]) -> list[str]:
    wrapped = [_wrap(cell, width) for cell, width in zip(cells, widths, strict=True)]
    return [
        GAP.join(part.ljust(width) for part, width in zip(parts, widths, strict=True)).rstrip()
        for parts in zip_longest(*wrapped, fillvalue="")
    ]


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_on_hyphens=False) or [""]


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, width=WIDTH, subsequent_indent="    ", break_on_hyphens=False) or [""]
