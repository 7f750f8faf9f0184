"""Typed, validated per-stage settings, read from ``stages.toml``.

Pure Python (no CDK import): the CDK app, the release CLI and CI scripts all read the stages
through here, so a stage means the same thing everywhere. Any bad value raises
``StageConfigError`` naming the stage, the key and what is allowed, before anything is synthesized.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
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
from service_model.api_auth import ApiAuth, ApiAuthError, parse_api_auth
from service_model.canary_thresholds import CanaryThresholdError, CanaryThresholds, parse_canary
from service_model.functions import (
    FUNCTION_KEYS,
    STAGE_FUNCTION_KEYS,
    FunctionConfig,
    FunctionSpecError,
    check_identity,
    check_key,
    check_name_length,
    parse_permissions,
    pascal_case,
)
from service_model.input_files import read_text
from service_model.naming import FUNCTION_BASENAME, MAX_FUNCTION_NAME, PROJECT, hook_function_name, stack_name
from service_model.project import project_root
from service_model.triggers import HttpTrigger, TriggerError, parse_trigger

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

SEED_FUNCTIONS: dict[str, dict[str, Any]] = {
    "order-api": {
        "code": "order_api",
        "name": FUNCTION_BASENAME,
        "events": "test_events",
        "trigger": {"type": "http"},
        "construct_id": "Default",
        "permissions": {
            "orders": ["dynamodb:GetItem", "dynamodb:PutItem"],
            "audit": ["dynamodb:PutItem"],
            "config": ["dynamodb:BatchGetItem"],
        },
    }
}
"""The functions of a ``stages.toml`` without a ``[functions]`` table: the seed's one Order API."""


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
    canary: CanaryThresholds = field(default_factory=CanaryThresholds)
    """How ``release analyze`` judges a canary (``service_model.canary_thresholds``); per function below."""
    account: str | None = None
    region: str | None = None
    regions: tuple[str, ...] = ()
    """Where the delivery pipeline deploys this stage, as one wave (``region`` alone: one place)."""
    customer_managed_key: bool = False
    """One KMS key of the stage's own (rotated, retained) encrypts its tables, log groups and the
    functions' environment variables; off, AWS-owned and AWS-managed keys do."""
    api_auth: ApiAuth = field(default_factory=ApiAuth)
    """Who may call the stage's HTTP API (``service_model.api_auth``); ``iam`` unless the stage says."""
    functions: tuple[FunctionConfig, ...] = ()
    """Every function of the service as this stage runs it, in ``stages.toml`` order. The first is
    the primary one: ``function_name``, ``aliases`` and ``api_alias`` describe it (the seed's Order API)."""

    @property
    def primary(self) -> FunctionConfig:
        if not self.functions:
            raise StageConfigError(f"stage {self.name!r}: no function is defined")
        return self.functions[0]

    def function(self, key: str) -> FunctionConfig:
        """One function by its ``stages.toml`` key; an unknown key lists the valid ones."""
        for function in self.functions:
            if function.key == key:
                return function
        raise StageConfigError(
            f"stage {self.name!r}: unknown function {key!r}; functions: {', '.join(f.key for f in self.functions)}"
        )

    def function_named(self, name: str) -> FunctionConfig | None:
        """The function whose physical name is ``name`` (``prod-VersionedOrderAPI``), if any."""
        return next((f for f in self.functions if f.name == name), None)

    @property
    def stack_name(self) -> str:
        return naming.stack_name(self.name)

    def deploy_regions(self, fallback: str) -> tuple[str, ...]:
        """The Regions the pipeline deploys this stage to: ``regions``, else ``region``, else ``fallback``."""
        return self.regions or ((self.region or fallback),)

    @property
    def function_name(self) -> str:
        """The primary function's physical name (``<stage>-VersionedOrderAPI`` for the seed's service)."""
        return self.primary.name if self.functions else naming.function_name(self.name)

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
    "customer_managed_key": bool,
    "account": str,
    "region": str,
    "api_alias": str,
}
_STAGE_KEYS = set(_SCALAR_KEYS) | {"aliases", "alarms", "canary", "regions", "functions", "api_auth"}
_DEFAULTS_KEYS = _STAGE_KEYS - {"functions"}
REGION_PATTERN = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")
_ALIAS_KEYS = {"name", "target", "description", "weighted", "rollout", "provisioned_concurrency"}
_FUNCTION_SCALARS: dict[str, type] = {
    "runtime": str, "memory_mb": int, "timeout_seconds": int, "trigger_alias": str, "reserved_concurrency": int,
}  # fmt: skip
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
    unknown = set(raw) - {"defaults", "stages", "functions"}
    if unknown:
        raise StageConfigError(f"unknown top-level key(s) {sorted(unknown)}; allowed: defaults, functions, stages")
    defaults = _expect_table("defaults", raw.get("defaults", {}))
    functions = _parse_function_tables(raw.get("functions", SEED_FUNCTIONS))
    stages = _expect_table("stages", raw.get("stages", {}))
    if not stages:
        raise StageConfigError("stages: no stage is defined")
    for name, settings in stages.items():
        if name not in STAGE_NAMES:
            raise StageConfigError(f"stages.{name}: unknown stage; allowed: {', '.join(STAGE_NAMES)}")
        _expect_table(f"stages.{name}", settings)
    return {name: parse_stage(name, defaults, stages[name], functions) for name in STAGE_NAMES if name in stages}


def _parse_function_tables(raw: Any) -> dict[str, dict[str, Any]]:
    """``[functions.<key>]`` tables: keys, identity and unknown keys checked once, before any stage."""
    tables = _expect_table("functions", raw)
    if not tables:
        raise StageConfigError("functions: no function is defined (or leave the table out for the seed's Order API)")
    try:
        for key, table in tables.items():
            check_key(key)
            where = f"functions.{key}"
            _expect_table(where, table)
            unknown = set(table) - FUNCTION_KEYS
            if unknown:
                raise StageConfigError(
                    f"{where}: unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(FUNCTION_KEYS))}"
                )
            check_identity(where, table)
        names = [table["name"] for table in tables.values()]
        if len(set(names)) != len(names):
            raise StageConfigError(f"functions: two functions share a name: {names}")
        ids = [table.get("construct_id", pascal_case(key)) for key, table in tables.items()]
        if len(set(ids)) != len(ids):
            raise StageConfigError(
                f"functions: two functions share a construct_id {ids} (their resources would collide)"
            )
    except FunctionSpecError as err:
        raise StageConfigError(str(err)) from None
    return tables


def parse_stage(
    name: str, defaults: dict[str, Any], settings: dict[str, Any], functions: dict[str, dict[str, Any]] | None = None
) -> StageConfig:
    """Merge ``defaults`` with one stage's settings and validate every value, then each function's."""
    where = f"stage {name!r}"
    for source, label, allowed in ((defaults, "defaults", _DEFAULTS_KEYS), (settings, where, _STAGE_KEYS)):
        unknown = set(source) - allowed
        if unknown:
            raise StageConfigError(f"{label}: unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(allowed))}")
    merged = {**defaults, **settings}
    merged["alarms"] = {
        **_expect_table("defaults.alarms", defaults.get("alarms", {})),
        **_expect_table(f"{where}: alarms", settings.get("alarms", {})),
    }
    merged["canary"] = {
        **_expect_table("defaults.canary", defaults.get("canary", {})),
        **_expect_table(f"{where}: canary", settings.get("canary", {})),
    }
    if not isinstance(merged.get("aliases", []), list):
        raise StageConfigError(f"{where}: aliases must be a list of {{ name, target, ... }} tables")
    for key, kind in _SCALAR_KEYS.items():
        if key in merged:
            _expect_type(where, key, merged[key], kind)

    aliases = _parse_aliases(where, merged.get("aliases", []), production=merged.get("production", False) is True)

    api_alias = merged.get("api_alias", aliases[0].name)
    if api_alias not in {a.name for a in aliases}:
        raise StageConfigError(
            f"{where}: api_alias {api_alias!r} is not one of this stage's aliases "
            f"({', '.join(a.name for a in aliases)})"
        )
    try:
        api_auth = parse_api_auth(merged.get("api_auth"), production=merged.get("production", False) is True)
    except ApiAuthError as err:
        raise StageConfigError(f"{where}: {err}") from None
    config = StageConfig(
        name=name,
        aliases=aliases,
        api_alias=api_alias,
        api_auth=api_auth,
        alarms=_parse_alarms(where, merged["alarms"]),
        canary=_parse_canary(where, merged["canary"]),
        regions=_parse_regions(where, merged.get("regions", [])),
        **{k: merged[k] for k in _SCALAR_KEYS if k in merged and k != "api_alias"},
    )
    _check_ranges(where, config)
    stage_functions = _expect_table(f"{where}: functions", settings.get("functions", {}))
    unknown_functions = set(stage_functions) - set(functions or SEED_FUNCTIONS)
    if unknown_functions:
        raise StageConfigError(
            f"{where}: functions.{sorted(unknown_functions)[0]}: no such function; "
            f"functions: {', '.join(functions or SEED_FUNCTIONS)}"
        )
    built = tuple(
        _parse_function(config, merged, key, table, stage_functions.get(key, {}))
        for key, table in (functions or SEED_FUNCTIONS).items()
    )
    return replace(config, functions=built, aliases=built[0].aliases, api_alias=built[0].trigger_alias)


def _parse_function(
    config: StageConfig, stage: dict[str, Any], key: str, table: dict[str, Any], override: Any
) -> FunctionConfig:
    """One function as stage ``config`` runs it: stage settings < ``[functions.key]`` < the stage's override."""
    where = f"stage {config.name!r}: function {key!r}"
    override = _expect_table(f"stage {config.name!r}: functions.{key}", override)
    unknown = set(override) - STAGE_FUNCTION_KEYS
    if unknown:
        raise StageConfigError(
            f"{where}: unknown key(s) {sorted(unknown)} in stages.{config.name}.functions.{key}; "
            f"allowed: {', '.join(sorted(STAGE_FUNCTION_KEYS))}"
        )
    merged = {**{k: stage[k] for k in ("runtime", "memory_mb", "timeout_seconds") if k in stage}, **table, **override}
    for scalar, kind in _FUNCTION_SCALARS.items():
        if scalar in merged:
            _expect_type(where, scalar, merged[scalar], kind)
    alarms = {
        **stage["alarms"],
        **_expect_table(f"{where}: alarms", table.get("alarms", {})),
        **_expect_table(f"{where}: alarms", override.get("alarms", {})),
    }
    canary = {
        **stage["canary"],
        **_expect_table(f"{where}: canary", table.get("canary", {})),
        **_expect_table(f"{where}: canary", override.get("canary", {})),
    }
    aliases = config.aliases
    own_aliases = override.get("aliases", table.get("aliases"))
    if own_aliases is not None:
        aliases = _parse_aliases(where, own_aliases, production=config.production)
    try:
        trigger = parse_trigger(table.get("trigger"))
        permissions = parse_permissions(where, table.get("permissions"))
        check_name_length(where, config.name, table["name"])
    except (TriggerError, FunctionSpecError) as err:
        raise StageConfigError(f"{where}: {err}") from None
    default_alias = config.api_alias if isinstance(trigger, HttpTrigger) and "api_alias" in stage else aliases[0].name
    trigger_alias = merged.get("trigger_alias", default_alias)
    if trigger_alias not in {a.name for a in aliases}:
        raise StageConfigError(
            f"{where}: trigger_alias {trigger_alias!r} is not one of its aliases ({', '.join(a.name for a in aliases)})"
        )
    function = FunctionConfig(
        key=key,
        stage=config.name,
        basename=table["name"],
        code=table["code"],
        trigger=trigger,
        aliases=aliases,
        trigger_alias=trigger_alias,
        events=table.get("events", ""),
        handler=table.get("handler", "handler.lambda_handler"),
        description=table.get("description", ""),
        permissions=permissions,
        construct_id=table.get("construct_id", pascal_case(key)),
        runtime=merged.get("runtime", config.runtime),
        memory_mb=merged.get("memory_mb", config.memory_mb),
        timeout_seconds=merged.get("timeout_seconds", config.timeout_seconds),
        alarms=_parse_alarms(where, alarms),
        canary=_parse_canary(where, canary),
        reserved_concurrency=merged.get("reserved_concurrency"),
    )
    _check_function_ranges(where, function)
    return function


def _parse_aliases(where: str, raw: Any, *, production: bool) -> tuple[AliasSpec, ...]:
    """A list of alias tables, each validated, the names unique, and production's rule applied."""
    if not isinstance(raw, list):
        raise StageConfigError(f"{where}: aliases must be a list of {{ name, target, ... }} tables")
    aliases = tuple(_parse_alias(where, i, a) for i, a in enumerate(raw))
    try:
        validate_aliases(list(aliases))
    except AliasSpecError as err:
        raise StageConfigError(f"{where}: {err}") from None
    if production:
        _check_production_aliases(where, aliases)
    return aliases


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
        provisioned_concurrency=raw.get("provisioned_concurrency", 0),
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


def _parse_canary(where: str, raw: dict[str, Any]) -> CanaryThresholds:
    try:
        return parse_canary(raw)
    except CanaryThresholdError as err:
        raise StageConfigError(f"{where}: {err}") from None


def _check_sizing(where: str, sized: StageConfig | FunctionConfig) -> None:
    if sized.runtime not in RUNTIMES:
        raise StageConfigError(f"{where}: runtime {sized.runtime!r} is not supported; allowed: {', '.join(RUNTIMES)}")
    if not 128 <= sized.memory_mb <= 10240:
        raise StageConfigError(f"{where}: memory_mb must be from 128 to 10240, got {sized.memory_mb}")
    if not MIN_TIMEOUT_SECONDS <= sized.timeout_seconds <= 900:
        raise StageConfigError(
            f"{where}: timeout_seconds must be from {MIN_TIMEOUT_SECONDS} to 900 (the Order API starts no "
            f"DynamoDB call with less than 4.5 s left), got {sized.timeout_seconds}"
        )


def _check_hook_names(where: str, function_name: str, aliases: tuple[AliasSpec, ...]) -> None:
    for alias in aliases:
        hook = hook_function_name(function_name, alias.name)
        if alias.rollout is not None and len(hook) > MAX_FUNCTION_NAME:
            raise StageConfigError(
                f"{where}: alias {alias.name!r} is too long for its pre-traffic hook's function name "
                f"{hook!r} (at most {MAX_FUNCTION_NAME} characters)"
            )


def _check_function_ranges(where: str, function: FunctionConfig) -> None:
    _check_sizing(where, function)
    _check_hook_names(where, function.name, function.aliases)
    for alias in function.aliases:
        if alias.provisioned_concurrency and alias.target == "$LATEST":
            raise StageConfigError(
                f"{where}: alias {alias.name!r}: provisioned_concurrency needs a published version; "
                "Lambda refuses it on an alias of $LATEST"
            )
    reserved = function.reserved_concurrency
    if reserved is None:
        return
    if reserved < 1:
        raise StageConfigError(
            f"{where}: reserved_concurrency must be >= 1, got {reserved} (0 would throttle every invocation; "
            "leave the key out for no reservation)"
        )
    provisioned = sum(alias.provisioned_concurrency for alias in function.aliases)
    if provisioned > reserved:
        raise StageConfigError(
            f"{where}: its aliases' provisioned_concurrency adds up to {provisioned}, more than its "
            f"reserved_concurrency {reserved}; Lambda refuses provisioned concurrency above the reservation"
        )


def _check_ranges(where: str, config: StageConfig) -> None:
    _check_sizing(where, config)
    if config.log_retention_days not in LOG_RETENTION_DAYS:
        raise StageConfigError(
            f"{where}: log_retention_days {config.log_retention_days} is not a CloudWatch Logs retention; "
            f"allowed: {', '.join(map(str, LOG_RETENTION_DAYS))}"
        )
    _check_hook_names(where, config.function_name, config.aliases)
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
