"""Which property changes replace a resource, read from the CloudFormation resource provider schemas.

The schemas are AWS's machine-readable source (``createOnlyProperties`` and
``conditionalCreateOnlyProperties``); cfn-lint ships a current copy, indexed per Region by a content
hash. Only the index and the schemas of the types actually present are read, because a template
pair touches a few dozen of the ~1,900 types and start-up time is part of the review's speed.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from release_cli.review.errors import ReviewInputError

DEFAULT_REGION = "us-east-1"
"""The Region whose schemas cfn-lint treats as the reference; other Regions fall back to it per type."""

SchemaPath = tuple[str, ...]


@dataclass(frozen=True)
class ReplacementRules:
    """Create-only paths (always replace) and conditionally create-only paths (may replace) of one type.

    Paths are property paths below ``/properties``; ``*`` stands for every item of a list.
    ``known`` is False when no schema exists for the type (custom resources, unknown types).
    """

    create_only: tuple[SchemaPath, ...] = ()
    conditional: tuple[SchemaPath, ...] = ()
    known: bool = True


UNKNOWN_TYPE = ReplacementRules(known=False)


def schema_root() -> Path:
    """cfn-lint's bundled schema directory, located without importing cfn-lint (which is slow to import)."""
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        raise ReviewInputError("cfn-lint is not installed: it provides the CloudFormation resource schemas")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "schemas"


class SchemaSource:
    """Replacement rules per resource type, loaded on first use and cached."""

    def __init__(self, *, region: str = DEFAULT_REGION, root: Path | None = None) -> None:
        self._root = root or schema_root()
        self._region = region
        self._rules: dict[str, ReplacementRules] = {}
        self._index: dict[str, str] | None = None

    def rules_for(self, resource_type: str) -> ReplacementRules:
        """The rules for ``resource_type`` (``UNKNOWN_TYPE`` when there is no schema)."""
        rules = self._rules.get(resource_type)
        if rules is None:
            rules = self._load(resource_type)
            self._rules[resource_type] = rules
        return rules

    def _load(self, resource_type: str) -> ReplacementRules:
        schema_hash = self._type_index().get(resource_type)
        if schema_hash is None:
            return UNKNOWN_TYPE
        with (self._root / "resources" / f"{schema_hash}.json").open(encoding="utf-8") as handle:
            schema = json.load(handle)
        return ReplacementRules(
            create_only=_paths(schema.get("createOnlyProperties", [])),
            conditional=_paths(schema.get("conditionalCreateOnlyProperties", [])),
        )

    def _type_index(self) -> dict[str, str]:
        if self._index is None:
            index: dict[str, str] = {}
            for name in ("sam", DEFAULT_REGION, self._region):
                index.update(_read_index(self._root / "providers" / f"{name}.json"))
            self._index = index
        return self._index


def _read_index(path: Path) -> dict[str, str]:
    try:
        with path.open(encoding="utf-8") as handle:
            data: dict[str, str] = json.load(handle)
    except FileNotFoundError:
        return {}
    return data


def _paths(pointers: list[str]) -> tuple[SchemaPath, ...]:
    """``/properties/A/*/B`` -> ``("A", "*", "B")``; pointers outside ``/properties`` are ignored."""
    paths = []
    for pointer in pointers:
        parts = pointer.strip("/").split("/")
        if len(parts) > 1 and parts[0] == "properties":
            paths.append(tuple(parts[1:]))
    return tuple(paths)


@cache
def default_source() -> SchemaSource:
    """One shared source per process: the schemas do not change while it runs."""
    return SchemaSource()
