"""CodeDeploy deployments that are shifting an alias right now, and stopping one with rollback.

A CloudFormation deploy with a rollout starts a CodeDeploy deployment whose AppSpec (JSON or
YAML) names the function and alias (``Resources[].<name>.Properties.Name/Alias``). Moving that alias by hand while
CodeDeploy shifts it would fight CodeDeploy, so moves are refused until it ends or is stopped.
``ListDeployments`` (filtered to live statuses) is paginated; ``BatchGetDeployments`` takes 25 ids.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from release_cli.ops.clients import AwsContext, aws_call
from release_cli.ops.errors import OpsError

LIVE_STATUSES = ("Created", "Queued", "InProgress", "Baking", "Ready")
DONE_STATUSES = ("Succeeded", "Failed", "Stopped")
BATCH = 25


@dataclass(frozen=True)
class Deployment:
    """A live Lambda deployment and the function/alias its AppSpec shifts (empty when unreadable)."""

    deployment_id: str
    status: str
    application: str
    group: str
    function: str
    alias: str
    current_version: str
    target_version: str

    def stop_hint(self) -> str:
        return (
            f"aws deploy stop-deployment --deployment-id {self.deployment_id} --auto-rollback-enabled, "
            "or add --stop-deployment"
        )


def live_deployments(
    ctx: AwsContext, *, function: str, alias: str | None = None, stack: str | None = None
) -> list[Deployment]:
    """Live deployments of ``function`` (and ``alias`` if given). A deployment whose AppSpec cannot be read
    counts when its application or group is named after ``stack`` (CDK names them after the stack)."""
    return concerning(all_live_deployments(ctx), function=function, alias=alias, stack=stack)


def concerning(
    found: list[Deployment], *, function: str, alias: str | None = None, stack: str | None = None
) -> list[Deployment]:
    """The deployments of ``found`` that concern ``function`` (see ``live_deployments``)."""
    return [d for d in found if _concerns(d, function=function, alias=alias, stack=stack)]


def all_live_deployments(ctx: AwsContext) -> list[Deployment]:
    """Every live Lambda deployment of the account and Region (one listing, shared by several functions)."""
    client = ctx.client("codedeploy")
    ids: list[str] = []
    with aws_call("listing CodeDeploy deployments in progress"):
        for page in client.get_paginator("list_deployments").paginate(includeOnlyStatuses=list(LIVE_STATUSES)):
            ids.extend(page.get("deployments", []))
    found: list[Deployment] = []
    for start in range(0, len(ids), BATCH):
        with aws_call("reading CodeDeploy deployments"):
            infos = client.batch_get_deployments(deploymentIds=ids[start : start + BATCH]).get("deploymentsInfo", [])
        for info in infos:
            if info.get("computePlatform") not in (None, "Lambda"):
                continue
            found.append(_deployment(info))
    return found


def stop_and_wait(ctx: AwsContext, deployment: Deployment, *, timeout_s: float = 600, poll_s: float = 5) -> str:
    """Stop with rollback and wait until CodeDeploy says it has stopped; the final status."""
    client = ctx.client("codedeploy")
    with aws_call(f"stopping deployment {deployment.deployment_id}"):
        client.stop_deployment(deploymentId=deployment.deployment_id, autoRollbackEnabled=True)
    deadline = time.monotonic() + timeout_s
    while True:
        with aws_call(f"reading deployment {deployment.deployment_id}"):
            status = str(client.get_deployment(deploymentId=deployment.deployment_id)["deploymentInfo"]["status"])
        if status in DONE_STATUSES:
            return status
        if time.monotonic() > deadline:
            raise OpsError(
                f"deployment {deployment.deployment_id} is still {status} after {timeout_s:.0f} s; "
                "nothing was moved: check it in the CodeDeploy console and run again"
            )
        time.sleep(poll_s)


def _deployment(info: dict[str, Any]) -> Deployment:
    props = _appspec_properties(info.get("revision") or {})
    return Deployment(
        deployment_id=str(info.get("deploymentId", "")),
        status=str(info.get("status", "")),
        application=str(info.get("applicationName", "")),
        group=str(info.get("deploymentGroupName", "")),
        function=str(props.get("Name", "")),
        alias=str(props.get("Alias", "")),
        current_version=str(props.get("CurrentVersion", "")),
        target_version=str(props.get("TargetVersion", "")),
    )


def _appspec_properties(revision: dict[str, Any]) -> dict[str, Any]:
    """The Lambda resource's properties in an AppSpec revision (JSON or YAML content), or {}."""
    content = (revision.get("appSpecContent") or {}).get("content") or (revision.get("string") or {}).get("content")
    spec = _load(content) if isinstance(content, str) else None
    resources = spec.get("Resources") if isinstance(spec, dict) else None
    for entry in resources if isinstance(resources, list) else []:
        for resource in entry.values() if isinstance(entry, dict) else []:
            if isinstance(resource, dict) and resource.get("Type") == "AWS::Lambda::Function":
                return dict(resource.get("Properties") or {})
    return {}


def _load(content: str) -> Any:
    """CodeDeploy takes an AppSpec as JSON or YAML; anything unreadable is None."""
    try:
        return json.loads(content)
    except ValueError:
        pass
    import yaml

    try:
        return yaml.safe_load(content)
    except yaml.YAMLError:
        return None


def _concerns(d: Deployment, *, function: str, alias: str | None, stack: str | None) -> bool:
    if d.function:
        same_function = d.function == function or d.function.endswith(f":function:{function}")
        return same_function and (alias is None or d.alias == alias)
    return bool(stack) and (d.application.startswith(str(stack)) or d.group.startswith(str(stack)))
