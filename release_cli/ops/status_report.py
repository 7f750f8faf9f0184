"""Everything ``release status`` shows, gathered in a fixed number of list calls (pages, not versions).

Calls: DescribeStacks (with --stage), ListVersionsByFunction and ListAliases (paginated),
GetAccountSettings, ListDeployments (+ BatchGetDeployments per 25 live deployments; neither when the
stack's ``RolloutAliases`` outputs say no alias of the functions shown has a rollout).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from release_cli.ops import deployments
from release_cli.ops.clients import AwsContext
from release_cli.ops.drift import Drift, find_drift
from release_cli.ops.lambda_reads import AliasState, CodeStorage, Version, code_storage, list_aliases, list_versions
from release_cli.ops.target import Target
from service_model.functions import FunctionConfig
from service_model.stages import StageConfig


@dataclass
class Status:
    target: Target
    versions: list[Version]
    aliases: list[AliasState]
    storage: CodeStorage
    live_deployments: list[deployments.Deployment]
    drift: list[Drift] = field(default_factory=list)
    drift_checked: bool = False

    def used_by(self) -> dict[str, list[str]]:
        """Version -> the aliases that route to it (primary or weighted)."""
        users: dict[str, list[str]] = {}
        for alias in self.aliases:
            for version in sorted(alias.routed_versions):
                users.setdefault(version, []).append(alias.name)
        return users

    def unused(self) -> list[str]:
        users = self.used_by()
        return [v.number for v in self.versions if v.number not in users]

    def to_json(self) -> dict[str, Any]:
        """The ``status --json`` document (documented in the command's --help)."""
        users = self.used_by()
        return {
            "key": self.target.function_key,
            "function": self.target.function,
            "stage": self.target.stage,
            "source": self.target.source,
            "stackVersion": self.target.stack_version,
            "versions": [
                {
                    "version": v.number,
                    "description": v.description,
                    "codeSha256": v.code_sha256,
                    "codeSize": v.code_size,
                    "lastModified": v.last_modified,
                    "aliases": users.get(v.number, []),
                }
                for v in self.versions
            ],
            "aliases": [
                {"name": a.name, "version": a.version, "weights": a.weights, "revisionId": a.revision_id}
                for a in self.aliases
            ],
            "unusedVersions": self.unused(),
            "functionCodeBytes": sum(v.code_size for v in self.versions),
            "codeStorage": {
                "usedBytes": self.storage.used_bytes,
                "limitBytes": self.storage.limit_bytes,
                "note": self.storage.note,
            },
            "deployments": [
                {
                    "id": d.deployment_id,
                    "status": d.status,
                    "alias": d.alias,
                    "currentVersion": d.current_version,
                    "targetVersion": d.target_version,
                }
                for d in self.live_deployments
            ],
            "driftChecked": self.drift_checked,
            "drift": [d.to_json() for d in self.drift],
        }


def collect_status(
    ctx: AwsContext,
    target: Target,
    config: FunctionConfig | StageConfig | None,
    *,
    shared: tuple[CodeStorage, list[deployments.Deployment]] | None = None,
) -> Status:
    """``config`` declares the aliases drift is measured against (None: drift is not checked).
    ``shared``: the account's code storage and live deployments, read once for several functions."""
    versions = list_versions(ctx, target.function)
    aliases = list_aliases(ctx, target.function)
    storage, every = shared if shared is not None else account_reads(ctx, [target])
    live = deployments.concerning(every, function=target.function, stack=target.stack_name)
    status = Status(target, versions, aliases, storage, live)
    if config is not None:
        status.drift = find_drift(config, aliases, stack_version=target.stack_version, shifting=live)
        status.drift_checked = True
    return status


def account_reads(ctx: AwsContext, targets: list[Target]) -> tuple[CodeStorage, list[deployments.Deployment]]:
    """What does not depend on the function: code storage and every live deployment. CodeDeploy is asked
    only when a deployment may be shifting an alias of one of ``targets`` (``Target.may_be_shifted``):
    a stage whose stack says none of its aliases has a rollout has nothing for it to show, and an
    endpoint without CodeDeploy (a local emulator) would only answer an error."""
    storage = code_storage(ctx)
    if not any(target.may_be_shifted(None) for target in targets):
        return storage, []
    return storage, deployments.all_live_deployments(ctx)
