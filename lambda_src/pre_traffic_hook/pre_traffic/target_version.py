"""Finds the version a CodeDeploy Lambda deployment is about to shift traffic to.

The BeforeAllowTraffic event carries only the deployment id and the hook execution id; the alias
still points at the old version (no traffic has moved yet). The deployment's AppSpec, returned by
``GetDeployment``, names function, alias, ``CurrentVersion`` and ``TargetVersion``:
    {"version": 0.0, "Resources": [{"<name>": {"Type": "AWS::Lambda::Function",
     "Properties": {"Name": "fn", "Alias": "prod", "CurrentVersion": "3", "TargetVersion": "4"}}}]}
CloudFormation writes it as JSON (revision type ``AppSpecContent`` or ``String``). The function and
alias in it must be the ones this hook guards, so a hook wired to the wrong group fails loudly
instead of testing some other function.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


class TargetNotFound(Exception):
    """The deployment does not say which version of our function and alias it deploys."""


@dataclass(frozen=True)
class Target:
    function_name: str
    alias: str
    current_version: str
    target_version: str


def find_target(codedeploy: Any, deployment_id: str, function_name: str, alias: str) -> Target:
    info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    content = _appspec_content(info.get("revision") or {})
    return target_from_appspec(content, function_name, alias)


def target_from_appspec(content: str, function_name: str, alias: str) -> Target:
    try:
        appspec = json.loads(content)
    except ValueError:
        raise TargetNotFound("the deployment's AppSpec is not JSON") from None
    resources = appspec.get("Resources") if isinstance(appspec, dict) else None
    for resource in resources if isinstance(resources, list) else []:
        for spec in resource.values() if isinstance(resource, dict) else []:
            props = spec.get("Properties", {}) if isinstance(spec, dict) else {}
            if _same_function(str(props.get("Name", "")), function_name) and props.get("Alias") == alias:
                if not props.get("TargetVersion"):
                    raise TargetNotFound(f"the AppSpec names no TargetVersion for {function_name}:{alias}")
                return Target(function_name, alias, str(props.get("CurrentVersion", "")), str(props["TargetVersion"]))
    raise TargetNotFound(f"the deployment's AppSpec does not deploy {function_name} alias {alias}")


def _appspec_content(revision: dict[str, Any]) -> str:
    for key in ("appSpecContent", "string"):
        content = (revision.get(key) or {}).get("content")
        if isinstance(content, str):
            return content
    raise TargetNotFound(f"the deployment has no AppSpec content (revision type {revision.get('revisionType')})")


def _same_function(name_or_arn: str, function_name: str) -> bool:
    """AppSpec ``Name`` may be a name or an ARN; compare the function name part."""
    if name_or_arn.startswith("arn:"):
        parts = name_or_arn.split(":")
        name_or_arn = parts[6] if len(parts) > 6 else ""
    return name_or_arn == function_name
