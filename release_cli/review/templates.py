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
    else:
        try:
            document = load_cfn_yaml(text)
        except yaml.YAMLError as err:
            raise ReviewInputError(f"{origin}: invalid YAML: {_one_line(err)}") from None
    return validate_template(document=document, origin=origin)


def validate_template(*, document: Any, origin: str) -> Template:
    """Check the shape the review relies on: a mapping with a Resources mapping of typed resources."""
    if not isinstance(document, dict):
        raise ReviewInputError(f"{origin}: not a CloudFormation template (top level is not a mapping)")
    resources = document.get("Resources")
    if not isinstance(resources, dict):
        raise ReviewInputError(f"{origin}: not a CloudFormation template (no Resources section)")
    for logical_id, resource in resources.items():
        if str(logical_id).startswith("Fn::ForEach::"):
            continue
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise ReviewInputError(f"{origin}: resource {logical_id} has no Type")
        properties = resource.get("Properties", {})
        if properties is not None and not isinstance(properties, dict):
            raise ReviewInputError(f"{origin}: resource {logical_id} has Properties that are not a mapping")
    return document


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
