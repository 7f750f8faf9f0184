"""Compare property values the way the review needs: at a schema path, and modulo asset hashes."""

from __future__ import annotations

import re
from typing import Any

from release_cli.review.intrinsics import is_intrinsic
from release_cli.review.schemas import SchemaPath

ASSET_HASH = re.compile(r"[0-9a-f]{64}")
"""CDK asset hashes (S3 keys, image tags, asset paths) are 64 lowercase hex characters."""

_MISSING = object()


def values_at(value: Any, path: SchemaPath) -> list[Any]:
    """The values found at ``path`` below ``value``; ``*`` expands list items; an intrinsic stops the walk.

    An intrinsic on the way (``{"Fn::If": ...}`` around a block) is returned whole: its final value
    is only known at deploy time, so the comparison has to treat it as the value at that path.
    """
    if not path or is_intrinsic(value):
        return [value]
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(value, list):
            return [found for item in value for found in values_at(item, rest)]
        return [value]
    if isinstance(value, dict):
        inner = value.get(head, _MISSING)
        return [] if inner is _MISSING else values_at(inner, rest)
    return []


def differs_at(old: Any, new: Any, path: SchemaPath) -> bool:
    """True when the values at ``path`` differ between ``old`` and ``new`` (presence counts)."""
    return values_at(old, path) != values_at(new, path)


def mask_hashes(value: Any) -> Any:
    """``value`` with every 64-hex asset hash in its strings (keys included) replaced by a placeholder."""
    if isinstance(value, str):
        return ASSET_HASH.sub("<asset-hash>", value)
    if isinstance(value, dict):
        return {mask_hashes(key): mask_hashes(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [mask_hashes(item) for item in value]
    return value


def equal_but_hashes(old: Any, new: Any) -> bool:
    """True when ``old`` and ``new`` differ, if at all, only in asset hashes."""
    return mask_hashes(old) == mask_hashes(new)
