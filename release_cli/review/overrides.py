"""Documented behaviour that the resource schemas under-state (data: ``data/documented_overrides.toml``).

The schemas are the source of truth for replacement; this file only records the few places where
CloudFormation's documentation says a change cannot happen in place although the schema allows it.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from release_cli.review.model import Replacement

DATA_FILE = Path(__file__).parent / "data" / "documented_overrides.toml"


@cache
def documented_overrides(path: Path = DATA_FILE) -> dict[tuple[str, str], tuple[Replacement, str]]:
    """``(type, top-level property) -> (replacement, reason)``."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {
        (entry["type"], entry["property"]): (Replacement(entry["replacement"]), entry["reason"])
        for entry in data.get("override", [])
    }
