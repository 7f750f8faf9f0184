"""Declared vs live: where an alias differs from what ``stages.toml`` declares for the stage.

``target = "new"`` means the version the deployed stack published (its ``NewVersion`` output); a
number means that version; ``$LATEST`` itself. An alias that CodeDeploy is shifting right now is
reported as shifting, not as drift. Each drift carries the exact ``stages.toml`` lines that make the
next ``cdk deploy`` agree with what is live (``stages_pin`` writes them with ``status --pin``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from release_cli.ops.deployments import Deployment
from release_cli.ops.lambda_reads import AliasState
from service_model.alias_spec import LATEST, NEW, AliasSpec, Target
from service_model.functions import FunctionConfig
from service_model.stages import StageConfig


@dataclass(frozen=True)
class Drift:
    """One alias whose live state differs from its declaration (or that one side lacks)."""

    alias: str
    kind: str  # "moved", "missing", "undeclared", "shifting", "unknown"
    declared: str
    live: str
    toml: tuple[str, ...] = ()
    version: str = ""
    weights: dict[str, float] = field(default_factory=dict)
    pinnable: bool = False
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "alias": self.alias,
            "kind": self.kind,
            "declared": self.declared,
            "live": self.live,
            "toml": list(self.toml),
            "pinnable": self.pinnable,
            "note": self.note,
        }


def find_drift(
    config: FunctionConfig | StageConfig,
    live: list[AliasState],
    *,
    stack_version: str | None,
    shifting: list[Deployment],
) -> list[Drift]:
    """Every difference, declared aliases first in their stages.toml order, then undeclared ones.
    ``config`` declares the aliases: a function as its stage runs it (or a stage's primary function)."""
    by_name = {alias.name: alias for alias in live}
    found: list[Drift] = []
    for spec in config.aliases:
        alias = by_name.get(spec.name)
        declared = _describe_spec(spec, stack_version)
        if alias is None:
            found.append(Drift(spec.name, "missing", declared, "-", note="deploy the stage to create it"))
            continue
        if any(d.alias == spec.name for d in shifting):
            continue  # CodeDeploy owns its routing until the deployment ends
        version = _resolve(spec.target, stack_version)
        weights = (
            {} if spec.weighted is None else {_resolve(spec.weighted.version, stack_version): spec.weighted.weight}
        )
        if version is None or None in weights:
            found.append(
                Drift(
                    spec.name,
                    "unknown",
                    declared,
                    alias.describe(),
                    note="target 'new' needs the stack's NewVersion output (is the stack deployed?)",
                )
            )
            continue
        if (version, weights) == (alias.version, alias.weights):
            continue
        found.append(_moved(spec, declared, alias))
    declared_names = {spec.name for spec in config.aliases}
    for alias in live:
        if alias.name not in declared_names:
            found.append(
                Drift(
                    alias.name,
                    "undeclared",
                    "-",
                    alias.describe(),
                    note="not in stages.toml: CloudFormation does not manage it",
                )
            )
    return found


def toml_lines(version: str, weights: dict[str, float]) -> tuple[str, ...]:
    """The alias's ``stages.toml`` lines for this live state (no ``weighted`` line without a route)."""
    return tuple(f"{key} = {value}" for key, value in toml_values(version, weights).items())


def toml_values(version: str, weights: dict[str, float]) -> dict[str, str]:
    """``{"target": ..., "weighted": ...}`` as TOML values; ``weighted`` only when the alias has a route."""
    values = {"target": _toml_target(version)}
    if weights:
        ((extra, weight),) = weights.items()
        values["weighted"] = f"{{ version = {_toml_target(extra)}, weight = {weight!r} }}"
    return values


def _moved(spec: AliasSpec, declared: str, alias: AliasState) -> Drift:
    lines = toml_lines(alias.version, alias.weights)
    pinnable, note = True, ""
    if alias.weights and spec.rollout is not None:
        pinnable = False
        note = (
            "a static weight cannot be declared beside a CodeDeploy rollout: promote or clear the canary "
            "(release promote / release canary --clear), then pin"
        )
    elif alias.version == LATEST and spec.rollout is not None:
        pinnable, note = False, "CodeDeploy cannot shift from $LATEST: point the alias at a published version first"
    return Drift(
        spec.name, "moved", declared, alias.describe(), lines, alias.version, dict(alias.weights), pinnable, note
    )


def _resolve(target: Target, stack_version: str | None) -> str | None:
    if target == NEW:
        return stack_version
    return str(target)


def _describe_spec(spec: AliasSpec, stack_version: str | None) -> str:
    def one(target: Target) -> str:
        if target == NEW:
            return f"new ({stack_version})" if stack_version else "new (unknown)"
        return str(target)

    text = one(spec.target)
    if spec.weighted is not None:
        text += f" + {one(spec.weighted.version)} @ {spec.weighted.weight:.0%}"
    if spec.rollout is not None:
        text += f" [rollout {spec.rollout.label}]"
    return text


def _toml_target(version: str) -> str:
    return f'"{LATEST}"' if version == LATEST else str(int(version))
