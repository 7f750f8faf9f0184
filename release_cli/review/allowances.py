"""Explicit allowances: a dangerous change passes the gate only when a file names it, with a reason.

File format (TOML), one ``[[allow]]`` table per allowance::

    [[allow]]
    logical_id = "OrdersTable1234ABCD"
    stage = "dev"            # optional: omit to allow on every stage
    reason = "dev data is disposable; key schema changed for the v2 model"

An allowance unlocks a gate that guards data, so a mistake in one must never pass silently: an
unknown key (``stag = "dev"`` would otherwise allow on every stage), a stage that does not exist
(``stage = "prd"`` would otherwise allow nothing and look fine), an empty reason, and a logical ID
that appears in none of the templates reviewed (a typo, or a resource long gone) are each an input
error naming the file and the entry.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from release_cli.locations import relative_path_hint
from release_cli.review.errors import ReviewInputError
from release_cli.review.model import Allowance, Finding, Report
from release_cli.review.rows import ALLOW_REASON
from service_model.input_files import InputFileError, read_text
from service_model.stages import STAGE_NAMES

KEYS = ("logical_id", "stage", "reason")
"""Every key an ``[[allow]]`` entry may have."""


def load_allowances(*, path: Path, required: bool) -> list[Allowance]:
    """Parse the allowance file; a missing default file means none, a missing named file is an error.

    Every other file problem (a directory, unreadable, not UTF-8, invalid TOML) is an input error naming
    the path, whether the file was named or is the default: a broken allowance file never reads as empty.
    """
    if not required and not os.path.lexists(path):
        return []
    try:
        text = read_text(path, what="allowance file")
    except InputFileError as err:
        raise ReviewInputError(f"{err}{relative_path_hint(path)}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ReviewInputError(f"{path}: invalid TOML: {err}") from None
    unknown = sorted(set(data) - {"allow"})
    if unknown:
        raise ReviewInputError(
            f"{path}: unknown top-level key {', '.join(map(repr, unknown))}; the file holds only [[allow]] entries"
        )
    entries = data.get("allow", [])
    if not isinstance(entries, list):
        raise ReviewInputError(f"{path}: 'allow' must be an array of tables ([[allow]])")
    return [_allowance(entry=entry, number=number, path=path) for number, entry in enumerate(entries, start=1)]


def _allowance(*, entry: object, number: int, path: Path) -> Allowance:
    where = f"{path}: allowance {number}"
    if not isinstance(entry, dict):
        raise ReviewInputError(f"{where} is not a table")
    logical_id, reason, stage = entry.get("logical_id"), entry.get("reason"), entry.get("stage")
    if not isinstance(logical_id, str) or not logical_id:
        raise ReviewInputError(f"{where} needs logical_id (the logical ID of the resource to allow)")
    where += f" ({logical_id})"
    unknown = sorted(set(entry) - set(KEYS))
    if unknown:
        raise ReviewInputError(
            f"{where}: unknown key {', '.join(map(repr, unknown))}; an allowance has logical_id, stage (optional) "
            "and reason"
        )
    if not isinstance(reason, str) or not reason.strip():
        raise ReviewInputError(f"{where} needs a non-empty reason (why losing this data is intended)")
    if reason.strip() == ALLOW_REASON:
        raise ReviewInputError(
            f"{where} still has the placeholder reason {ALLOW_REASON!r}; write why losing this data is intended"
        )
    if stage is not None and not isinstance(stage, str):
        raise ReviewInputError(f"{where} has a stage that is not a string")
    if stage is not None and stage not in STAGE_NAMES:
        raise ReviewInputError(
            f"{where}: unknown stage {stage!r}; valid stages: {', '.join(STAGE_NAMES)} (omit stage to allow on every "
            "stage)"
        )
    return Allowance(logical_id=logical_id, reason=reason.strip(), stage=stage, origin=f"{path}, allowance {number}")


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


def check_allowances_match(*, allowances: list[Allowance], reports: list[Report]) -> None:
    """Refuse an allowance whose logical ID is in none of the templates reviewed for its stage.

    Only reports the allowance applies to count (its stage, or every report when it has none); an
    allowance for a stage this run did not review is left for the run that does.
    """
    for allowance in allowances:
        applicable = [r for r in reports if allowance.stage is None or r.stage == allowance.stage]
        if not applicable or any(allowance.logical_id in r.template_ids for r in applicable):
            continue
        reviewed = "; ".join(r.label for r in applicable)
        raise ReviewInputError(
            f"{allowance.origin or 'allowance'}: logical_id {allowance.logical_id!r} matches no resource in the "
            f"templates reviewed ({reviewed}); fix the spelling (the IDs are the keys of the template's Resources) "
            "or delete the entry"
        )
