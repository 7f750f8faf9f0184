"""What invokes a function, declared in ``stages.toml`` as ``trigger = { type = ..., ... }``.

Pure Python, like the rest of the stage model: the CDK stack builds the trigger from it, the release
CLI reads it to know what each function is for, and every value is checked here first, so a bad
setting stops synth naming the function, the key and what is allowed. Whatever the type, the trigger
invokes the function through one of its aliases (``trigger_alias``), never ``$LATEST`` directly in a
production stage and never the unqualified function (the seed: "Event source mappings in production
should reference aliases, never $LATEST").

Types:
  http          an HTTP API whose every route invokes the alias (the Order API).
  table-stream  an event source mapping on a service table's DynamoDB stream (``table = "orders"``),
                with partial batch failure reporting and an on-failure queue for what cannot be done.
  schedule      an EventBridge rule (``expression = "rate(5 minutes)"`` or ``"cron(...)"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from service_model.naming import TABLE_KINDS

TRIGGER_TYPES = ("http", "table-stream", "schedule")
STARTING_POSITIONS = ("LATEST", "TRIM_HORIZON")
_SCHEDULE = re.compile(r"^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^()]+\))$")


class TriggerError(ValueError):
    """A trigger setting AWS would refuse; the message names the key and what is allowed."""


@dataclass(frozen=True)
class HttpTrigger:
    """An HTTP API in front of the function's trigger alias."""

    type: str = "http"


@dataclass(frozen=True)
class TableStreamTrigger:
    """An event source mapping on a service table's stream, reporting failed records one by one.

    Ranges are Lambda's for DynamoDB streams: batch size 1-10,000, batching window 0-300 s,
    retries -1 (until the record expires) to 10,000, record age -1 or 60-604,800 s, parallelization 1-10.
    """

    table: str = "orders"
    batch_size: int = 10
    batching_window_seconds: int = 0
    max_retries: int = 3
    max_record_age_seconds: int = 3600
    starting_position: str = "LATEST"
    bisect_on_error: bool = True
    parallelization_factor: int = 1
    type: str = "table-stream"


@dataclass(frozen=True)
class ScheduleTrigger:
    """An EventBridge rule that invokes the alias on a schedule."""

    expression: str = ""
    type: str = "schedule"


Trigger = HttpTrigger | TableStreamTrigger | ScheduleTrigger

_STREAM_INT_RANGES: dict[str, tuple[int, int]] = {
    "batch_size": (1, 10_000),
    "batching_window_seconds": (0, 300),
    "max_retries": (-1, 10_000),
    "max_record_age_seconds": (-1, 604_800),
    "parallelization_factor": (1, 10),
}
_ALLOWED_KEYS: dict[str, set[str]] = {
    "http": {"type"},
    "table-stream": {"type", "table", "starting_position", "bisect_on_error", *_STREAM_INT_RANGES},
    "schedule": {"type", "expression"},
}


def parse_trigger(raw: Any) -> Trigger:
    """``trigger = { type = ..., ... }`` -> a validated trigger; ``TriggerError`` names the key at fault."""
    if not isinstance(raw, dict):
        raise TriggerError(f'trigger must be a table like {{ type = "http" }}, got {raw!r}')
    kind = raw.get("type")
    if kind not in TRIGGER_TYPES:
        raise TriggerError(f"trigger.type: must be one of {', '.join(TRIGGER_TYPES)}, got {kind!r}")
    unknown = set(raw) - _ALLOWED_KEYS[kind]
    if unknown:
        allowed = ", ".join(sorted(_ALLOWED_KEYS[kind]))
        raise TriggerError(f"trigger: unknown key(s) {sorted(unknown)} for type {kind!r}; allowed: {allowed}")
    if kind == "http":
        return HttpTrigger()
    if kind == "schedule":
        return _schedule(raw)
    return _table_stream(raw)


def _schedule(raw: dict[str, Any]) -> ScheduleTrigger:
    expression = raw.get("expression")
    if not isinstance(expression, str) or not _SCHEDULE.match(expression):
        raise TriggerError(
            f"trigger.expression: must be an EventBridge schedule like 'rate(5 minutes)' or 'cron(0 12 * * ? *)', "
            f"got {expression!r}"
        )
    return ScheduleTrigger(expression=expression)


def _table_stream(raw: dict[str, Any]) -> TableStreamTrigger:
    table = raw.get("table", "orders")
    if table not in TABLE_KINDS:
        raise TriggerError(
            f"trigger.table: must be one of the service's tables ({', '.join(TABLE_KINDS)}), got {table!r}"
        )
    position = raw.get("starting_position", "LATEST")
    if position not in STARTING_POSITIONS:
        raise TriggerError(
            f"trigger.starting_position: must be one of {', '.join(STARTING_POSITIONS)}, got {position!r}"
        )
    bisect = raw.get("bisect_on_error", True)
    if not isinstance(bisect, bool):
        raise TriggerError(f"trigger.bisect_on_error: must be true or false, got {bisect!r}")
    numbers: dict[str, int] = {}
    for key, (low, high) in _STREAM_INT_RANGES.items():
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise TriggerError(f"trigger.{key}: must be a whole number from {low} to {high}, got {value!r}")
        numbers[key] = value
    age = numbers.get("max_record_age_seconds", 3600)
    if 0 <= age < 60:
        raise TriggerError(f"trigger.max_record_age_seconds: must be -1 (no limit) or from 60 to 604800, got {age}")
    return TableStreamTrigger(
        table=table,
        starting_position=position,
        bisect_on_error=bisect,
        batch_size=numbers.get("batch_size", 10),
        batching_window_seconds=numbers.get("batching_window_seconds", 0),
        max_retries=numbers.get("max_retries", 3),
        max_record_age_seconds=age,
        parallelization_factor=numbers.get("parallelization_factor", 1),
    )
