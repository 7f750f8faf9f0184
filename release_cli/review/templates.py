"""Load a CloudFormation template (JSON or YAML) from a file or a string, and check it is one.

Every failure is a ``ReviewInputError`` whose message names the file and the problem, so the CLI
can exit 2 with a useful line instead of a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from release_cli.locations import relative_path_hint
from release_cli.review.cfn_yaml import load_cfn_yaml
from release_cli.review.errors import ReviewInputError
from service_model.input_files import InputFileError, read_text

Template = dict[str, Any]


def load_template_file(*, path: Path) -> Template:
    """Read and validate the template at ``path``; every file problem (missing, a directory, unreadable,
    not UTF-8) is ``<path>: template: <problem>`` (``service_model.input_files``)."""
    try:
        text = read_text(path, what="template")
    except InputFileError as err:
        raise ReviewInputError(f"{err}{relative_path_hint(path)}") from None
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
    a value containing itself: endlessly deep. The walk stops at ``MAX_DEPTH``, so it cannot hit the
    recursion limit; a value that aliases share is walked once per depth it sits at, not once per alias.
    """
    chain: list[Any] = []  # the containers from the document down to the current one
    keys: list[str | int] = []  # the keys between them, for messages
    walked: dict[int, int] = {}  # id -> shallowest depth it was walked at

    def walk(value: Any, depth: int) -> None:
        shallowest = walked.get(id(value))
        if shallowest is not None and shallowest <= depth:
            return
        if depth > MAX_DEPTH:
            raise ReviewInputError(f"{origin}: {_too_deep_or_cycle(chain, keys)}")
        chain.append(value)
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    where = _dotted(keys)
                    what = "logical ID" if where == "Resources" else "key"
                    raise ReviewInputError(f"{origin}: {what} {key!r}{f' in {where}' if where else ''} is not a string")
                if isinstance(item, dict | list):
                    keys.append(key)
                    walk(item, depth + 1)
                    keys.pop()
        else:
            for index, item in enumerate(value):
                if isinstance(item, dict | list):
                    keys.append(index)
                    walk(item, depth + 1)
                    keys.pop()
        chain.pop()
        walked[id(value)] = depth

    walk(document, 0)


def _too_deep_or_cycle(chain: list[Any], keys: list[str | int]) -> str:
    """Name the first place where a value reappears inside itself; otherwise the nesting is just too deep."""
    positions: dict[int, int] = {}
    for depth, container in enumerate(chain):
        if id(container) in positions:
            return f"{_dotted(keys[:depth])} contains itself (a YAML alias used inside its own anchor)"
        positions[id(container)] = depth
    return TOO_DEEP


def _dotted(keys: list[str | int]) -> str:
    return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in keys).lstrip(".")


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
