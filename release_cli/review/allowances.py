"""Explicit allowances: a dangerous change passes the gate only when a file names it, with a reason.

File format (TOML), one ``[[allow]]`` table per allowance::

    [[allow]]
    logical_id = "OrdersTable1234ABCD"
    stage = "dev"            # optional: omit to allow on every stage
    reason = "dev data is disposable; key schema changed for the v2 model"
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from release_cli.review.errors import ReviewInputError
from release_cli.review.model import Allowance, Finding


def load_allowances(*, path: Path, required: bool) -> list[Allowance]:
    """Parse the allowance file; a missing default file means none, a missing named file is an error."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        if required:
            raise ReviewInputError(f"{path}: allowance file not found") from None
        return []
    except tomllib.TOMLDecodeError as err:
        raise ReviewInputError(f"{path}: invalid TOML: {err}") from None
    entries = data.get("allow", [])
    if not isinstance(entries, list):
        raise ReviewInputError(f"{path}: 'allow' must be an array of tables ([[allow]])")
    return [_allowance(entry=entry, number=number, path=path) for number, entry in enumerate(entries, start=1)]


def _allowance(*, entry: object, number: int, path: Path) -> Allowance:
    if not isinstance(entry, dict):
        raise ReviewInputError(f"{path}: allowance {number} is not a table")
    logical_id, reason, stage = entry.get("logical_id"), entry.get("reason"), entry.get("stage")
    if not isinstance(logical_id, str) or not logical_id:
        raise ReviewInputError(f"{path}: allowance {number} needs logical_id")
    if not isinstance(reason, str) or not reason.strip():
        raise ReviewInputError(f"{path}: allowance {number} ({logical_id}) needs a non-empty reason")
    if stage is not None and not isinstance(stage, str):
        raise ReviewInputError(f"{path}: allowance {number} ({logical_id}) has a stage that is not a string")
    return Allowance(logical_id=logical_id, reason=reason.strip(), stage=stage)


def apply_allowances(*, findings: list[Finding], allowances: list[Allowance], stage: str | None) -> list[Allowance]:
    """Attach the matching allowance to each finding; return the allowances for this stage that matched nothing."""
    applicable = [a for a in allowances if a.stage is None or a.stage == stage]
    used: set[Allowance] = set()
    for finding in findings:
        match = next((a for a in applicable if a.logical_id in finding.logical_ids), None)
        if match is not None:
            finding.allowance = match
            used.add(match)
    return [a for a in applicable if a not in used]
