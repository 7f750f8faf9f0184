"""The service's functions, declared in ``stages.toml`` as ``[functions.<key>]`` tables.

A function is its key (``order-api``, what ``release --function`` takes), its handler's folder under
``lambda_src/``, its physical name (``<stage>-<name>``), its trigger, its test events, the tables it
may touch (exact DynamoDB actions, least privilege) and, per stage, its aliases. Settings merge from
the general to the specific, the most specific winning::

    [defaults]  <  [stages.<stage>]  <  [functions.<key>]  <  [stages.<stage>.functions.<key>]

so a stage's ``aliases`` apply to every function unless a function names its own. Pure Python: the
stack, the release CLI and the examples read functions through here. Errors name the stage, the
function, the key and what is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from service_model.alarm_thresholds import AlarmThresholds
from service_model.alias_spec import AliasSpec
from service_model.canary_thresholds import CanaryThresholds
from service_model.naming import MAX_FUNCTION_NAME, TABLE_KINDS
from service_model.triggers import HttpTrigger, TableStreamTrigger, Trigger

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
"""``order-api``: lower-case words joined by '-' (it becomes a CLI value and a CloudFormation ID part)."""
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_]+$")
"""A folder directly under ``lambda_src/`` (no path separators: the asset is exactly that folder)."""
FUNCTION_KEYS = {
    "code", "name", "handler", "description", "events", "trigger", "permissions", "construct_id",
    "runtime", "memory_mb", "timeout_seconds", "alarms", "canary", "aliases", "trigger_alias", "reserved_concurrency",
}  # fmt: skip
STAGE_FUNCTION_KEYS = {
    "runtime", "memory_mb", "timeout_seconds", "alarms", "canary", "aliases", "trigger_alias", "reserved_concurrency",
}  # fmt: skip
"""What a stage may change of one function: sizing, concurrency, alarms, canary judgement, aliases; never its
code, name or trigger."""
DYNAMODB_ACTION = re.compile(r"^dynamodb:[A-Z][A-Za-z]+$")


class FunctionSpecError(ValueError):
    """A function setting that cannot be synthesized; the message names the key and what is allowed."""


@dataclass(frozen=True)
class FunctionConfig:
    """One function of the service, as one stage runs it (every override applied, every value checked)."""

    key: str
    stage: str
    basename: str
    code: str
    trigger: Trigger
    aliases: tuple[AliasSpec, ...]
    trigger_alias: str
    events: str = ""
    handler: str = "handler.lambda_handler"
    description: str = ""
    permissions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(table kind, DynamoDB actions) pairs: exactly what the handler calls, granted on that table only."""
    construct_id: str = ""
    """The id of the function's construct in the stack (default ``order-api`` -> ``OrderApi``); every
    logical ID of the function's resources starts with it. ``Default`` adds nothing to them (CDK's
    rule), which is how a function deployed before the service had several keeps the IDs it has."""
    runtime: str = "python3.13"
    memory_mb: int = 256
    timeout_seconds: int = 10
    alarms: AlarmThresholds = field(default_factory=AlarmThresholds)
    canary: CanaryThresholds = field(default_factory=CanaryThresholds)
    """How ``release analyze`` judges this function's canary (merged like ``alarms``)."""
    reserved_concurrency: int | None = None
    """Concurrent executions reserved for the function, which are also its ceiling: a runaway caller
    of this function cannot take the account's whole pool from the others. None: no reservation
    (the function shares the account's unreserved pool)."""

    @property
    def name(self) -> str:
        """The physical function name: ``<stage>-<name>`` (the seed's ``<stage>-VersionedOrderAPI``)."""
        return f"{self.stage}-{self.basename}"

    @property
    def function_id(self) -> str:
        """The id of the Lambda function's own construct: ``order-api`` -> ``OrderApi``."""
        return pascal_case(self.key)

    @property
    def output_prefix(self) -> str:
        """What the function's stack outputs start with: '' for ``Default``, else its construct id."""
        return "" if self.construct_id == "Default" else self.construct_id

    @property
    def events_dir(self) -> str:
        """The test-events folder relative to the project root (default ``test_events/<code>``)."""
        return self.events or f"test_events/{self.code}"

    @property
    def tables(self) -> tuple[str, ...]:
        """The table kinds the function may touch (each becomes a ``<KIND>_TABLE`` variable)."""
        kinds = [kind for kind, _ in self.permissions]
        if isinstance(self.trigger, TableStreamTrigger) and self.trigger.table not in kinds:
            kinds.append(self.trigger.table)
        return tuple(kinds)

    @property
    def is_http(self) -> bool:
        return isinstance(self.trigger, HttpTrigger)

    def alias(self, name: str) -> AliasSpec:
        for alias in self.aliases:
            if alias.name == name:
                return alias
        raise KeyError(name)


def pascal_case(key: str) -> str:
    """``order-api`` -> ``OrderApi`` (construct IDs and output names)."""
    return "".join(part.capitalize() for part in key.split("-"))


def check_key(key: object) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise FunctionSpecError(
            f"functions.{key}: a function key is lower-case letters and digits joined by '-' (like order-api)"
        )
    return key


def check_identity(where: str, raw: dict[str, Any]) -> None:
    """``code`` and ``name`` are required and well formed; a stage cannot change them."""
    for key in ("code", "name"):
        if key not in raw:
            raise FunctionSpecError(f"{where}: {key} is required")
        if not isinstance(raw[key], str):
            raise FunctionSpecError(f"{where}: {key} must be a string, got {raw[key]!r}")
    if not CODE_PATTERN.match(raw["code"]):
        raise FunctionSpecError(
            f"{where}: code must be a folder name directly under lambda_src/ (letters, digits, '_'), "
            f"got {raw['code']!r}"
        )
    if not NAME_PATTERN.match(raw["name"]):
        raise FunctionSpecError(f"{where}: name {raw['name']!r} may hold only letters, digits, '-' and '_'")
    for key in ("handler", "description", "events", "construct_id"):
        if key in raw and not isinstance(raw[key], str):
            raise FunctionSpecError(f"{where}: {key} must be a string, got {raw[key]!r}")
    construct_id = raw.get("construct_id", "Default")
    if not re.match(r"^[A-Z][A-Za-z0-9]*$", construct_id):
        raise FunctionSpecError(f"{where}: construct_id must be PascalCase letters and digits, got {construct_id!r}")


def check_name_length(where: str, stage: str, basename: str) -> None:
    name = f"{stage}-{basename}"
    if len(name) > MAX_FUNCTION_NAME:
        raise FunctionSpecError(f"{where}: function name {name!r} is longer than {MAX_FUNCTION_NAME} characters")


def parse_permissions(where: str, raw: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``permissions = { orders = ["dynamodb:GetItem"] }`` -> validated pairs, in the order given."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise FunctionSpecError(f'{where}: permissions must be a table like {{ orders = ["dynamodb:GetItem"] }}')
    pairs = []
    for kind, actions in raw.items():
        if kind not in TABLE_KINDS:
            raise FunctionSpecError(
                f"{where}: permissions.{kind}: not a table of the service; allowed: {', '.join(TABLE_KINDS)}"
            )
        if not isinstance(actions, list) or not actions or not all(isinstance(a, str) for a in actions):
            raise FunctionSpecError(f"{where}: permissions.{kind} must be a non-empty list of actions")
        for action in actions:
            if not DYNAMODB_ACTION.match(action) or "*" in action:
                raise FunctionSpecError(
                    f"{where}: permissions.{kind}: {action!r} is not one DynamoDB action like 'dynamodb:GetItem' "
                    "(no wildcards: least privilege)"
                )
        if len(set(actions)) != len(actions):
            raise FunctionSpecError(f"{where}: permissions.{kind} lists an action twice: {actions}")
        pairs.append((kind, tuple(actions)))
    return tuple(pairs)
