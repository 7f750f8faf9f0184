"""Load a CloudFormation template (JSON or YAML) from a file or a string, and check it is one.

Every failure is a ``ReviewInputError`` whose message names the file and the problem, so the CLI
can exit 2 with a useful line instead of a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from release_cli.review.cfn_yaml import load_cfn_yaml
from release_cli.review.errors import ReviewInputError

Template = dict[str, Any]


def load_template_file(*, path: Path) -> Template:
    """Read and validate the template at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReviewInputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ReviewInputError(f"{path}: is a directory, not a template file") from None
    except UnicodeDecodeError as err:
        raise ReviewInputError(f"{path}: not UTF-8 text ({err.reason})") from None
    return parse_template(text=text, origin=str(path))


def parse_template(*, text: str, origin: str) -> Template:
    """Parse ``text`` (JSON when it starts with ``{``, otherwise YAML) and validate the result."""
    if not text.strip():
        raise ReviewInputError(f"{origin}: empty file, not a CloudFormation template")
    if text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as err:
            raise ReviewInputError(
                f"{origin}: invalid JSON at line {err.lineno} column {err.colno}: {err.msg}"
            ) from None
        except RecursionError:
            raise ReviewInputError(f"{origin}: {TOO_DEEP}") from None
    else:
        try:
            document = load_cfn_yaml(text)
        except yaml.YAMLError as err:
            raise ReviewInputError(f"{origin}: invalid YAML: {_one_line(err)}") from None
        except RecursionError:
            raise ReviewInputError(f"{origin}: {TOO_DEEP}") from None
    return validate_template(document=document, origin=origin)


MAX_DEPTH = 100
"""Deepest nesting of mappings and lists accepted; CDK templates stay below 20, the review recurses per level."""

TOO_DEEP = f"not a CloudFormation template (values nested more than {MAX_DEPTH} levels deep)"


def validate_template(*, document: Any, origin: str) -> Template:
    """Check the shape the review relies on: a mapping with a Resources mapping of typed resources."""
    if not isinstance(document, dict):
        raise ReviewInputError(f"{origin}: not a CloudFormation template (top level is not a mapping)")
    if "Resources" not in document:
        raise ReviewInputError(f"{origin}: not a CloudFormation template (no Resources section)")
    resources = document["Resources"]
    if not isinstance(resources, dict):
        raise ReviewInputError(
            f"{origin}: not a CloudFormation template (Resources must be a mapping of logical IDs, "
            f"found {_kind(resources)})"
        )
    _check_structure(document=document, origin=origin)
    for logical_id, resource in resources.items():
        if logical_id.startswith("Fn::ForEach::"):
            continue
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise ReviewInputError(f"{origin}: resource {logical_id} has no Type")
        properties = resource.get("Properties", {})
        if properties is not None and not isinstance(properties, dict):
            raise ReviewInputError(f"{origin}: resource {logical_id} has Properties that are not a mapping")
    return document


def _check_structure(*, document: dict[str, Any], origin: str) -> None:
    """Reject what the review cannot compare: non-string keys, a value that contains itself, deep nesting.

    Files never give non-string keys (JSON cannot, and the YAML loader keeps keys as written); a
    document handed over in memory can. A YAML anchor used inside its own value (``&a [*a]``) loads as
    a value containing itself. The walk is iterative, so checking cannot hit the recursion limit.
    """
    visiting: set[int] = set()
    checked: dict[int, int] = {}  # a value an alias shares is walked again only if it now sits deeper
    # (value, path as a linked list (parent, key) -- formatted only for a message, depth, leaving?)
    stack: list[tuple[Any, _Path, int, bool]] = [(document, None, 0, False)]
    while stack:
        value, path, depth, leaving = stack.pop()
        if leaving:
            visiting.discard(id(value))
            checked[id(value)] = depth
            continue
        if id(value) in checked and checked[id(value)] <= depth:
            continue
        if id(value) in visiting:
            raise ReviewInputError(
                f"{origin}: {_dotted(path)} contains itself (a YAML alias used inside its own anchor)"
            )
        if depth > MAX_DEPTH:
            raise ReviewInputError(f"{origin}: {TOO_DEEP}")
        visiting.add(id(value))
        stack.append((value, path, depth, True))
        if isinstance(value, dict):
            _check_keys(mapping=value, path=path, origin=origin)
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            if isinstance(item, dict | list):
                stack.append((item, (path, key), depth + 1, False))


_Path = tuple[Any, str | int] | None


def _check_keys(*, mapping: dict[Any, Any], path: _Path, origin: str) -> None:
    for key in mapping:
        if not isinstance(key, str):
            where = _dotted(path)
            what = "logical ID" if where == "Resources" else "key"
            raise ReviewInputError(f"{origin}: {what} {key!r}{f' in {where}' if where else ''} is not a string")


def _dotted(path: _Path) -> str:
    parts: list[str] = []
    while path is not None:
        path, key = path
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return "".join(reversed(parts)).lstrip(".")


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", type(None): "nothing"}.get(type(value), type(value).__name__)


def resources_of(template: Template) -> dict[str, dict[str, Any]]:
    """The Resources section, with ``Fn::ForEach`` blocks wrapped as pseudo-resources so they diff as a unit."""
    resources: dict[str, dict[str, Any]] = {}
    for logical_id, resource in template.get("Resources", {}).items():
        if isinstance(resource, dict):
            resources[logical_id] = resource
        else:
            resources[logical_id] = {"Type": "Fn::ForEach", "Properties": {"Value": resource}}
    return resources


def _one_line(err: yaml.YAMLError) -> str:
    return " ".join(str(err).split())
