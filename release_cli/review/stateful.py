"""The stateful resource types (data file ``data/stateful_types.toml``) and how to recognise a rename."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "stateful_types.toml"

RETAIN_POLICIES = frozenset({"Retain", "RetainExceptOnCreate"})
"""Deletion/UpdateReplace policies that leave the physical resource (and its data) in place."""


@dataclass(frozen=True)
class StatefulTypes:
    """Types whose replacement or removal loses data, each with its identity properties and name property."""

    identity: dict[str, tuple[str, ...]]
    name_property: dict[str, str] = field(default_factory=dict)
    """Type -> the property that fixes its physical name (only types that have one)."""
    removal: dict[str, str] = field(default_factory=dict)
    """Type -> what removing it does, where that is more than "deleted with its data" (a KMS key)."""

    def __contains__(self, resource_type: object) -> bool:
        return resource_type in self.identity


@cache
def load_stateful_types(path: Path = DATA_FILE) -> StatefulTypes:
    """Read the data file once per process."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    types = data["types"]
    return StatefulTypes(
        identity={name: tuple(spec.get("identity", ())) for name, spec in types.items()},
        name_property={name: spec["name"] for name, spec in types.items() if "name" in spec},
        removal={name: spec["removal"] for name, spec in types.items() if "removal" in spec},
    )
