"""Markdown rendering, for posting the review on a pull request."""

from __future__ import annotations

from release_cli.review.model import Report
from release_cli.review.rows import HEADERS, allow_entry, allow_hint, change_rows, verdict


def render_markdown(reports: list[Report]) -> str:
    """All reports, one ``###`` section each."""
    return "\n\n".join(_section(report) for report in reports) + "\n"


def _section(report: Report) -> str:
    icon = "✅" if report.safe else "❌"
    lines = [f"### {icon} Change review: {report.label}", "", f"**{_escape(verdict(report))}**", ""]
    if report.assembly is not None:
        lines.extend([f"Read: {_escape(report.assembly.text())}", ""])
    lines.extend(f"> {_escape(notice)}" for notice in report.notices)
    if report.notices:
        lines.append("")
    rows = change_rows(report)
    if rows:
        lines.append("| " + " | ".join(HEADERS) + " |")
        lines.append("|" + "---|" * len(HEADERS))
        lines.extend("| " + " | ".join(_escape(cell) for cell in row) + " |" for row in rows)
        lines.append("")
    if report.blocking:
        lines.append("**Danger**")
        lines.append("")
        lines.extend(
            f"- `{' -> '.join(f.logical_ids)}` ({f.resource_type}): {_escape(f.message)}" for f in report.blocking
        )
        lines.append("")
        lines.extend([allow_hint(report).capitalize(), "", "```toml", *allow_entry(report), "```", ""])
    used = [f for f in report.findings if f.allowance is not None]
    if used:
        lines.append("**Allowances used**")
        lines.append("")
        lines.extend(
            f"- `{' -> '.join(f.logical_ids)}` ({f.kind}): {_escape(f.allowance.reason)}" for f in used if f.allowance
        )
        lines.append("")
    return "\n".join(lines).rstrip()


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
