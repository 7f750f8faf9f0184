"""Typed, validated per-stage settings, read from ``stages.toml``.

Pure Python (no CDK import): the CDK app, the release CLI and CI scripts all read the stages
through here, so a stage means the same thing everywhere. Any bad value raises
``StageConfigError`` naming the stage, the key and what is allowed, before anything is synthesized.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service_model import naming
from service_model.alarm_thresholds import AlarmThresholds
from service_model.alias_spec import (
    PREDEFINED_ROLLOUTS,
    AliasSpec,
    AliasSpecError,
    RolloutSpec,
    WeightedRoute,
    validate_aliases,
    validate_production_alias,
)
from service_model.input_files import read_text
from service_model.naming import MAX_FUNCTION_NAME, PROJECT, hook_function_name, stack_name
from service_model.project import project_root

STAGES_FILENAME = "stages.toml"
STAGE_NAMES = ("dev", "staging", "prod")

MIN_TIMEOUT_SECONDS = 5
"""lambda_src/order_api answers 503 rather than start a DynamoDB call with under 4.5 s left (clients.py)."""
RUNTIMES = ("python3.11", "python3.12", "python3.13", "python3.14")
# The retention periods CloudWatch Logs accepts, with the name of CDK's RetentionDays member for each.
LOG_RETENTION_NAMES = {
    1: "ONE_DAY", 3: "THREE_DAYS", 5: "FIVE_DAYS", 7: "ONE_WEEK", 14: "TWO_WEEKS", 30: "ONE_MONTH",
    60: "TWO_MONTHS", 90: "THREE_MONTHS", 120: "FOUR_MONTHS", 150: "FIVE_MONTHS", 180: "SIX_MONTHS",
    365: "ONE_YEAR", 400: "THIRTEEN_MONTHS", 545: "EIGHTEEN_MONTHS", 731: "TWO_YEARS", 1096: "THREE_YEARS",
    1827: "FIVE_YEARS", 2192: "SIX_YEARS", 2557: "SEVEN_YEARS", 2922: "EIGHT_YEARS", 3288: "NINE_YEARS",
    3653: "TEN_YEARS",
}  # fmt: skip
LOG_RETENTION_DAYS = tuple(LOG_RETENTION_NAMES)


__all__ = ["PROJECT", "STAGE_NAMES", "StageConfig", "StageConfigError", "load_stage", "load_stages", "stack_name"]


def stages_file() -> Path:
    """``stages.toml`` of the project the caller stands in (see ``service_model.project``)."""
    return project_root() / STAGES_FILENAME


class StageConfigError(ValueError):
    """A stage setting that cannot be synthesized; the message names stage, key and what is allowed."""


@dataclass(frozen=True)
class StageConfig:
    """Everything that differs between dev, staging and prod."""

    name: str
    aliases: tuple[AliasSpec, ...]
    api_alias: str
    runtime: str = "python3.13"
    memory_mb: int = 256
    timeout_seconds: int = 10
    log_retention_days: int = 30
    retain_data: bool = True
    deletion_protection: bool = False
    point_in_time_recovery: bool = False
    termination_protection: bool = False
    production: bool = False
    """A production stage: its aliases never run ``$LATEST`` (here, at synth, and in every release
    move), and every move or risky invoke of it asks first. The stage decides, not an alias's name."""
    alarms: AlarmThresholds = field(default_factory=AlarmThresholds)
    account: str | None = None
    region: str | None = None
    regions: tuple[str, ...] = ()
    """Where the delivery pipeline deploys this stage, as one wave (``region`` alone: one place)."""

    @property
    def stack_name(self) -> str:
        return naming.stack_name(self.name)

    def deploy_regions(self, fallback: str) -> tuple[str, ...]:
        """The Regions the pipeline deploys this stage to: ``regions``, else ``region``, else ``fallback``."""
        return self.regions or ((self.region or fallback),)

    @property
    def function_name(self) -> str:
        return naming.function_name(self.name)

    @property
    def table_prefix(self) -> str:
        return naming.table_prefix(self.name)

    def table_name(self, kind: str) -> str:
        """``orders``, ``config`` or ``audit`` -> ``<stage>-version-demo-<kind>`` (the seed's names)."""
        return naming.table_name(self.name, kind)

    def alias(self, name: str) -> AliasSpec:
        for alias in self.aliases:
            if alias.name == name:
                return alias
        raise KeyError(name)


_SCALAR_KEYS: dict[str, type] = {
    "runtime": str,
    "memory_mb": int,
    "timeout_seconds": int,
    "log_retention_days": int,
    "retain_data": bool,
    "deletion_protection": bool,
    "point_in_time_recovery": bool,
    "termination_protection": bool,
    "production": bool,
    "account": str,
    "region": str,
    "api_alias": str,
}
_STAGE_KEYS = set(_SCALAR_KEYS) | {"aliases", "alarms", "regions"}
REGION_PATTERN = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")
_ALIAS_KEYS = {"name", "target", "description", "weighted", "rollout"}
_ALARM_KEYS = {f for f in AlarmThresholds.__dataclass_fields__}


def load_stages(path: Path | None = None) -> dict[str, StageConfig]:
    """Read and validate every stage in ``path`` (default: the project's ``stages.toml``)."""
    path = path or stages_file()
    try:
        raw = tomllib.loads(read_text(path, what="stage settings"))
    except tomllib.TOMLDecodeError as err:
        raise StageConfigError(f"{path.name}: not valid TOML: {err}") from None
    return parse_stages(raw)


def load_stage(name: str, path: Path | None = None) -> StageConfig:
    """One stage by name; an unknown name lists the valid ones."""
    stages = load_stages(path)
    if name not in stages:
        raise StageConfigError(f"unknown stage {name!r}; valid stages: {', '.join(stages)}")
    return stages[name]


def parse_stages(raw: dict[str, Any]) -> dict[str, StageConfig]:
    """Turn the parsed TOML document into validated ``StageConfig`` objects, in STAGE_NAMES order."""
    unknown = set(raw) - {"defaults", "stages"}
    if unknown:
        raise StageConfigError(f"unknown top-level key(s) {sorted(unknown)}; allowed: defaults, stages")
    defaults = _expect_table("defaults", raw.get("defaults", {}))
    stages = _expect_table("stages", raw.get("stages", {}))
    if not stages:
        raise StageConfigError("stages: no stage is defined")
    for name, settings in stages.items():
        if name not in STAGE_NAMES:
            raise StageConfigError(f"stages.{name}: unknown stage; allowed: {', '.join(STAGE_NAMES)}")
        _expect_table(f"stages.{name}", settings)
    return {name: parse_stage(name, defaults, stages[name]) for name in STAGE_NAMES if name in stages}


def parse_stage(name: str, defaults: dict[str, Any], settings: dict[str, Any]) -> StageConfig:
    """Merge ``defaults`` with one stage's settings and validate every value."""
    where = f"stage {name!r}"
    for source, label in ((defaults, "defaults"), (settings, where)):
        unknown = set(source) - _STAGE_KEYS
        if unknown:
            raise StageConfigError(
                f"{label}: unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(_STAGE_KEYS))}"
            )
    merged = {**defaults, **settings}
    merged["alarms"] = {
        **_expect_table("defaults.alarms", defaults.get("alarms", {})),
        **_expect_table(f"{where}: alarms", settings.get("alarms", {})),
    }
    if not isinstance(merged.get("aliases", []), list):
        raise StageConfigError(f"{where}: aliases must be a list of {{ name, target, ... }} tables")
    for key, kind in _SCALAR_KEYS.items():
        if key in merged:
            _expect_type(where, key, merged[key], kind)

    aliases = tuple(_parse_alias(where, i, a) for i, a in enumerate(merged.get("aliases", [])))
    try:
        validate_aliases(list(aliases))
    except AliasSpecError as err:
        raise StageConfigError(f"{where}: {err}") from None
    if merged.get("production", False) is True:
        _check_production_aliases(where, aliases)

    api_alias = merged.get("api_alias", aliases[0].name)
    if api_alias not in {a.name for a in aliases}:
        raise StageConfigError(
            f"{where}: api_alias {api_alias!r} is not one of this stage's aliases "
            f"({', '.join(a.name for a in aliases)})"
        )
    config = StageConfig(
        name=name,
        aliases=aliases,
        api_alias=api_alias,
        alarms=_parse_alarms(where, merged["alarms"]),
        regions=_parse_regions(where, merged.get("regions", [])),
        **{k: merged[k] for k in _SCALAR_KEYS if k in merged and k != "api_alias"},
    )
    _check_ranges(where, config)
    return config


def _check_production_aliases(where: str, aliases: tuple[AliasSpec, ...]) -> None:
    for index, alias in enumerate(aliases):
        try:
            validate_production_alias(alias)
        except AliasSpecError as err:
            raise StageConfigError(f"{where} (production = true): aliases[{index}] ({alias.name!r}).{err}") from None


def _parse_alias(where: str, index: int, raw: Any) -> AliasSpec:
    prop = f"aliases[{index}]"
    if not isinstance(raw, dict):
        raise StageConfigError(f"{where}: {prop} must be a table with name and target")
    unknown = set(raw) - _ALIAS_KEYS
    if unknown:
        raise StageConfigError(
            f"{where}: {prop} unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(_ALIAS_KEYS))}"
        )
    for key in ("name", "target"):
        if key not in raw:
            raise StageConfigError(f"{where}: {prop}.{key} is required")
    weighted = raw.get("weighted")
    if weighted is not None:
        if not isinstance(weighted, dict) or set(weighted) != {"version", "weight"}:
            raise StageConfigError(f"{where}: {prop}.weighted must be {{ version = <target>, weight = <0..1> }}")
        weighted = WeightedRoute(version=weighted["version"], weight=weighted["weight"])
    return AliasSpec(
        name=raw["name"],
        target=raw["target"],
        description=raw.get("description", ""),
        weighted=weighted,
        rollout=_parse_rollout(where, prop, raw.get("rollout")),
    )


def _parse_rollout(where: str, prop: str, raw: Any) -> RolloutSpec | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return RolloutSpec(predefined=raw)
    if isinstance(raw, dict) and set(raw) <= {"type", "percent", "minutes"}:
        return RolloutSpec(kind=raw.get("type"), percent=raw.get("percent"), minutes=raw.get("minutes"))
    raise StageConfigError(
        f"{where}: {prop}.rollout must be one of {', '.join(PREDEFINED_ROLLOUTS)} "
        "or { type = 'canary'|'linear', percent = N, minutes = M }"
    )


def _parse_regions(where: str, raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(region, str) for region in raw):
        raise StageConfigError(f'{where}: regions must be a list of Region names like ["us-east-1"], got {raw!r}')
    for region in raw:
        if not REGION_PATTERN.fullmatch(region):
            raise StageConfigError(f'{where}: regions: {region!r} is not a Region name like "eu-west-1"')
    if len(set(raw)) != len(raw):
        raise StageConfigError(f"{where}: regions lists a Region twice: {raw}")
    return tuple(raw)


def _parse_alarms(where: str, raw: dict[str, Any]) -> AlarmThresholds:
    unknown = set(raw) - _ALARM_KEYS
    if unknown:
        raise StageConfigError(
            f"{where}: alarms has unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(_ALARM_KEYS))}"
        )
    for key, value in raw.items():
        _expect_type(where, f"alarms.{key}", value, int)
        if value < 1:
            raise StageConfigError(f"{where}: alarms.{key} must be >= 1, got {value}")
    return AlarmThresholds(**raw)


def _check_ranges(where: str, config: StageConfig) -> None:
    if config.runtime not in RUNTIMES:
        raise StageConfigError(f"{where}: runtime {config.runtime!r} is not supported; allowed: {', '.join(RUNTIMES)}")
    if not 128 <= config.memory_mb <= 10240:
        raise StageConfigError(f"{where}: memory_mb must be from 128 to 10240, got {config.memory_mb}")
    if not MIN_TIMEOUT_SECONDS <= config.timeout_seconds <= 900:
        raise StageConfigError(
            f"{where}: timeout_seconds must be from {MIN_TIMEOUT_SECONDS} to 900 (the Order API starts no "
            f"DynamoDB call with less than 4.5 s left), got {config.timeout_seconds}"
        )
    if config.log_retention_days not in LOG_RETENTION_DAYS:
        raise StageConfigError(
            f"{where}: log_retention_days {config.log_retention_days} is not a CloudWatch Logs retention; "
            f"allowed: {', '.join(map(str, LOG_RETENTION_DAYS))}"
        )
    for alias in config.aliases:
        hook = hook_function_name(config.function_name, alias.name)
        if alias.rollout is not None and len(hook) > MAX_FUNCTION_NAME:
            raise StageConfigError(
                f"{where}: alias {alias.name!r} is too long for its pre-traffic hook's function name "
                f"{hook!r} (at most {MAX_FUNCTION_NAME} characters)"
            )
    if config.deletion_protection and not config.retain_data:
        raise StageConfigError(
            f"{where}: deletion_protection = true needs retain_data = true "
            "(a protected table cannot be deleted with the stack)"
        )
    if config.region is not None and config.regions and config.region not in config.regions:
        raise StageConfigError(
            f"{where}: region {config.region!r} must be one of regions ({', '.join(config.regions)}): "
            "region is where a plain `cdk deploy` goes, regions where the pipeline deploys"
        )
    if config.region is not None and not REGION_PATTERN.fullmatch(config.region):
        raise StageConfigError(f'{where}: region {config.region!r} is not a Region name like "eu-west-1"')
    if config.account is not None and not (config.account.isdigit() and len(config.account) == 12):
        raise StageConfigError(f"{where}: account must be a 12-digit AWS account id, got {config.account!r}")


def _expect_type(where: str, key: str, value: Any, kind: type) -> None:
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        raise StageConfigError(f"{where}: {key} must be {kind.__name__}, got {type(value).__name__} {value!r}")


def _expect_table(where: str, value: Any) -> dict[str, Any]:
    """A TOML table (``[section]`` or ``{ ... }``); anything else names where it was found."""
    if not isinstance(value, dict):
        raise StageConfigError(f"{where} must be a table of settings, got {type(value).__name__} {value!r}")
    return value
