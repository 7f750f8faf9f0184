# ruff: noqa: E501 -- each expected message is pinned whole as one literal
"""The service's functions in stages.toml: how settings merge, and every error naming stage, function and key."""

from __future__ import annotations

import copy
import re
import tomllib
from typing import Any

import pytest

from service_model.stages import SEED_FUNCTIONS, StageConfigError, parse_stages, stages_file
from service_model.triggers import ScheduleTrigger, TableStreamTrigger

BASE = tomllib.loads(stages_file().read_text())
KEYS = ", ".join([*BASE["functions"], "nightly-report"])

JOB = {
    "code": "nightly_report",
    "name": "NightlyReport",
    "trigger": {"type": "schedule", "expression": "rate(1 day)"},
    "permissions": {"orders": ["dynamodb:Query"]},
}


def service(job: dict[str, Any] | None = None, **stage_changes: Any) -> dict[str, Any]:
    """The real stages.toml plus a scheduled ``nightly-report`` function; ``stage_changes``: stage -> settings."""
    raw = copy.deepcopy(BASE)
    raw["functions"]["nightly-report"] = copy.deepcopy(JOB) if job is None else job
    for stage, settings in stage_changes.items():
        raw["stages"][stage].update(settings)
    return raw


def error_of(raw: dict[str, Any]) -> str:
    with pytest.raises(StageConfigError) as caught:
        parse_stages(raw)
    return str(caught.value)


def test_a_function_inherits_the_stage_aliases_and_sizing_unless_it_names_its_own() -> None:
    raw = service(prod={"memory_mb": 512})
    raw["functions"]["nightly-report"]["timeout_seconds"] = 60
    raw["stages"]["prod"]["functions"] = {"nightly-report": {"memory_mb": 1024, "alarms": {"errors": 3}}}
    prod = parse_stages(raw)["prod"]
    api, job = prod.function("order-api"), prod.function("nightly-report")
    assert [a.name for a in job.aliases] == [a.name for a in api.aliases] == ["prod"]
    assert (api.memory_mb, api.timeout_seconds) == (512, 10)  # the stage's size, the default timeout
    assert (job.memory_mb, job.timeout_seconds, job.alarms.errors) == (1024, 60, 3)  # most specific wins
    assert (job.name, job.key, job.function_id, job.output_prefix) == (
        "prod-NightlyReport", "nightly-report", "NightlyReport", "NightlyReport"
    )  # fmt: skip
    assert job.trigger == ScheduleTrigger(expression="rate(1 day)")
    assert job.events_dir == "test_events/nightly_report" and job.tables == ("orders",)
    assert prod.primary.key == "order-api" and prod.function_name == "prod-VersionedOrderAPI"


def test_a_stage_override_of_a_functions_aliases_and_trigger_alias() -> None:
    raw = service()
    raw["stages"]["dev"]["functions"] = {
        "nightly-report": {
            "aliases": [
                {"name": "live", "target": 3, "provisioned_concurrency": 2},
                {"name": "dev", "target": "$LATEST"},
            ],
            "trigger_alias": "live",
        }
    }
    job = parse_stages(raw)["dev"].function("nightly-report")
    assert [(a.name, a.provisioned_concurrency) for a in job.aliases] == [("live", 2), ("dev", 0)]
    assert job.trigger_alias == "live"


def test_without_a_functions_table_the_service_is_the_seeds_order_api() -> None:
    raw = copy.deepcopy(BASE)
    del raw["functions"]
    for stage in raw["stages"].values():  # a stage's own settings of the functions that are gone
        stage.get("functions", {}).pop("order-worker", None)
    dev = parse_stages(raw)["dev"]
    assert [f.key for f in dev.functions] == list(SEED_FUNCTIONS) == ["order-api"]
    assert dev.primary == parse_stages(copy.deepcopy(BASE))["dev"].primary


def test_a_stream_trigger_takes_lambdas_ranges() -> None:
    job = {**JOB, "trigger": {"type": "table-stream", "table": "orders", "batch_size": 100, "max_retries": -1}}
    trigger = parse_stages(service(job))["prod"].function("nightly-report").trigger
    assert trigger == TableStreamTrigger(table="orders", batch_size=100, max_retries=-1)


def _trigger(trigger: Any) -> dict[str, Any]:
    return service({**JOB, "trigger": trigger})


ERRORS = [
    (service({**JOB, "code": "../etc"}), "functions.nightly-report: code must be a folder name directly under lambda_src/"),
    (service({k: v for k, v in JOB.items() if k != "name"}), "functions.nightly-report: name is required"),
    (service({**JOB, "colour": 1}), "functions.nightly-report: unknown key(s) ['colour']; allowed: alarms, aliases,"),
    (service({**JOB, "name": "VersionedOrderAPI"}), "functions: two functions share a name"),
    (service({**JOB, "construct_id": "Default"}), "functions: two functions share a construct_id"),
    (service({**JOB, "construct_id": "lower"}), "construct_id must be PascalCase letters and digits, got 'lower'"),
    (_trigger({"type": "sqs"}), "stage 'dev': function 'nightly-report': trigger.type: must be one of http, table-stream, schedule, got 'sqs'"),
    (_trigger({"type": "schedule", "expression": "every day"}), "function 'nightly-report': trigger.expression: must be an EventBridge schedule"),
    (_trigger({"type": "table-stream", "table": "users"}), "trigger.table: must be one of the service's tables (orders, config, audit), got 'users'"),
    (_trigger({"type": "table-stream", "batch_size": 0}), "trigger.batch_size: must be a whole number from 1 to 10000, got 0"),
    (_trigger({"type": "table-stream", "max_record_age_seconds": 30}), "trigger.max_record_age_seconds: must be -1 (no limit) or from 60 to 604800, got 30"),
    (_trigger({"type": "table-stream", "starting_position": "AT_TIMESTAMP"}), "trigger.starting_position: must be one of LATEST, TRIM_HORIZON"),
    (_trigger({"type": "http", "path": "/x"}), "trigger: unknown key(s) ['path'] for type 'http'; allowed: type"),
    (service({**JOB, "permissions": {"orders": ["dynamodb:*"]}}), "permissions.orders: 'dynamodb:*' is not one DynamoDB action"),
    (service({**JOB, "permissions": {"users": ["dynamodb:GetItem"]}}), "permissions.users: not a table of the service; allowed: orders, config, audit"),
    (service({**JOB, "name": "N" * 60}), "stage 'staging': function 'nightly-report': function name 'staging-NNN"),
    (service(prod={"functions": {"nightly": {}}}), f"stage 'prod': functions.nightly: no such function; functions: {KEYS}"),
    (service(prod={"functions": {"nightly-report": {"code": "x"}}}), "stage 'prod': function 'nightly-report': unknown key(s) ['code'] in stages.prod.functions.nightly-report; allowed: alarms, aliases, canary, memory_mb, reserved_concurrency, runtime, timeout_seconds, trigger_alias"),
    (service(prod={"functions": {"nightly-report": {"memory_mb": 64}}}), "stage 'prod': function 'nightly-report': memory_mb must be from 128 to 10240, got 64"),
    (service(prod={"functions": {"nightly-report": {"trigger_alias": "live"}}}), "stage 'prod': function 'nightly-report': trigger_alias 'live' is not one of its aliases (prod)"),
    (service(prod={"functions": {"nightly-report": {"aliases": [{"name": "prod", "target": "$LATEST"}]}}}), "stage 'prod': function 'nightly-report' (production = true): aliases[0] ('prod').target: a production stage never runs $LATEST"),
    (service(dev={"functions": {"nightly-report": {"aliases": [{"name": "dev", "target": "$LATEST", "provisioned_concurrency": 1}]}}}), "stage 'dev': function 'nightly-report': alias 'dev': provisioned_concurrency needs a published version"),
    (service(dev={"functions": {"nightly-report": {"aliases": [{"name": "dev", "target": 2, "provisioned_concurrency": -1}]}}}), "provisioned_concurrency: must be a whole number from 0 (none) to 10000, got -1"),
    ({**copy.deepcopy(BASE), "functions": {"OrderApi": JOB}}, "functions.OrderApi: a function key is lower-case letters and digits joined by '-'"),
    ({**copy.deepcopy(BASE), "functions": {}}, "functions: no function is defined"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "message"), ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_a_bad_function_setting_names_stage_function_and_key(raw: dict[str, Any], message: str) -> None:
    assert message in error_of(raw)


def test_an_unknown_function_key_lists_the_functions() -> None:
    dev = parse_stages(service())["dev"]
    with pytest.raises(StageConfigError, match=re.escape(f"unknown function 'worker'; functions: {KEYS}")):
        dev.function("worker")
