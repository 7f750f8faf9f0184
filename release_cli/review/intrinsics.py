"""Find CloudFormation intrinsic functions in property values, and the resources they reference.

A value that is an intrinsic is only known at deploy time: a create-only property whose value
depends on a resource that is being replaced will change, so the console marks it "Conditional".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")


def is_intrinsic(value: Any) -> bool:
    """True when ``value`` is a one-key mapping like ``{"Ref": ...}`` or ``{"Fn::GetAtt": ...}``."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key == "Ref" or key == "Condition" or key.startswith("Fn::")


def contains_intrinsic(value: Any) -> bool:
    """True when ``value`` or anything nested in it is an intrinsic (its final value is deploy-time)."""
    if is_intrinsic(value):
        return True
    if isinstance(value, dict):
        return any(contains_intrinsic(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_intrinsic(item) for item in value)
    return False


def referenced_ids(value: Any) -> Iterator[str]:
    """Logical IDs (or parameters / pseudo parameters) that ``value`` references via Ref, GetAtt or Sub."""
    if isinstance(value, list):
        for item in value:
            yield from referenced_ids(item)
        return
    if not isinstance(value, dict):
        return
    for key, inner in value.items():
        if key == "Ref" and isinstance(inner, str):
            yield inner
        elif key == "Fn::GetAtt":
            yield from _getatt_target(inner)
        elif key == "Fn::Sub":
            yield from _sub_targets(inner)
        else:
            yield from referenced_ids(inner)


def _getatt_target(inner: Any) -> Iterator[str]:
    if isinstance(inner, list) and inner and isinstance(inner[0], str):
        yield inner[0]
    elif isinstance(inner, str):
        yield inner.partition(".")[0]


def _sub_targets(inner: Any) -> Iterator[str]:
    text, variables = (inner[0], inner[1]) if isinstance(inner, list) and len(inner) == 2 else (inner, {})
    if isinstance(variables, dict):
        yield from referenced_ids(list(variables.values()))
    if isinstance(text, str):
        for name in _SUB_VARIABLE.findall(text):
            if name not in variables:
                yield name.partition(".")[0]
