"""Every limit of the stage settings, tested from both sides: the last accepted value and the first refused.

Testing only refused values lets a limit drift inward (``128 < memory`` instead of ``128 <=``) unseen;
each pair below pins one edge. Limits: Lambda memory 128-10240 MB and timeout up to 900 s (Lambda
quotas), timeout at least 5 s (the Order API needs 4.5 s to start a DynamoDB call), CloudWatch Logs'
retention values, alias names of 1-128 characters and not all digits (FACTS), weights strictly between
0 and 1 (FACTS: CDK), custom CodeDeploy configs of 1-99 percent and 1-2880 minutes, function names of
at most 64 characters (the pre-traffic hook's), 12-digit account ids.
"""

from __future__ import annotations

import copy
import re
import tomllib
from typing import Any

import pytest

from service_model.alias_spec import AliasSpec, AliasSpecError, RolloutSpec, WeightedRoute, validate_target
from service_model.naming import HOOK_PREFIX, MAX_FUNCTION_NAME, function_name
from service_model.stages import LOG_RETENTION_DAYS, StageConfig, StageConfigError, parse_stages, stages_file

BASE = tomllib.loads(stages_file().read_text())


def _prod(**settings: Any) -> dict[str, Any]:
    raw = copy.deepcopy(BASE)
    raw["stages"]["prod"].update(settings)
    return raw


def _parse_prod(**settings: Any) -> StageConfig:
    return parse_stages(_prod(**settings))["prod"]


LONGEST_HOOKED_ALIAS = "a" * (MAX_FUNCTION_NAME - len(f"{HOOK_PREFIX}{function_name('prod')}-"))

EDGES = [
    # key, last accepted, first refused (per side)
    ("memory_mb", 128, 127),
    ("memory_mb", 10240, 10241),
    ("timeout_seconds", 5, 4),
    ("timeout_seconds", 900, 901),
    ("log_retention_days", LOG_RETENTION_DAYS[0], LOG_RETENTION_DAYS[0] - 1),
    ("log_retention_days", LOG_RETENTION_DAYS[-1], LOG_RETENTION_DAYS[-1] + 1),
    ("log_retention_days", 1, 2),  # between two allowed values
    ("account", "123456789012", "12345678901"),
    ("account", "123456789012", "1234567890123"),
    ("account", "123456789012", "12345678901x"),
]


@pytest.mark.parametrize(("key", "accepted", "refused"), EDGES, ids=[f"{k}={a}|{r}" for k, a, r in EDGES])
def test_stage_setting_edge(key: str, accepted: Any, refused: Any) -> None:
    assert getattr(_parse_prod(**{key: accepted}), key) == accepted
    with pytest.raises(StageConfigError, match=f"stage 'prod': {key}"):
        _parse_prod(**{key: refused})


@pytest.mark.parametrize("alarm", ["errors", "throttles", "p99_duration_ms", "period_minutes", "evaluation_periods"])
def test_alarm_threshold_edge(alarm: str) -> None:
    assert getattr(_parse_prod(alarms={alarm: 1}).alarms, alarm) == 1
    with pytest.raises(StageConfigError, match=f"alarms.{alarm} must be >= 1, got 0"):
        _parse_prod(alarms={alarm: 0})


def _alias(**fields: Any) -> dict[str, Any]:
    return {"name": "prod", "target": "new", **fields}


ALIAS_EDGES = [
    ("rollout.percent low", {"rollout": {"type": "canary", "percent": 1, "minutes": 5}}, {"percent": 0}),
    ("rollout.percent high", {"rollout": {"type": "linear", "percent": 99, "minutes": 5}}, {"percent": 100}),
    ("rollout.minutes low", {"rollout": {"type": "canary", "percent": 10, "minutes": 1}}, {"minutes": 0}),
    ("rollout.minutes high", {"rollout": {"type": "linear", "percent": 10, "minutes": 2880}}, {"minutes": 2881}),
]


@pytest.mark.parametrize(("label", "accepted", "change"), ALIAS_EDGES, ids=[e[0] for e in ALIAS_EDGES])
def test_custom_rollout_edge(label: str, accepted: dict[str, Any], change: dict[str, Any]) -> None:
    config = _parse_prod(aliases=[_alias(**accepted)])
    rollout = accepted["rollout"]
    assert (config.aliases[0].rollout.percent, config.aliases[0].rollout.minutes) == (  # type: ignore[union-attr]
        rollout["percent"],
        rollout["minutes"],
    )
    refused = {"rollout": {**rollout, **change}}
    with pytest.raises(StageConfigError, match=label.split()[0].replace(".", r"\.")):
        _parse_prod(aliases=[_alias(**refused)])


@pytest.mark.parametrize(("accepted", "refused"), [(0.01, 0), (0.99, 1), (0.5, 1.0), (0.5, 0.0), (0.5, -0.1)])
def test_weight_is_strictly_between_0_and_1(accepted: float, refused: float) -> None:
    route = _parse_prod(aliases=[_alias(target=1, weighted={"version": 2, "weight": accepted})]).aliases[0].weighted
    assert route is not None and route.weight == accepted
    with pytest.raises(StageConfigError, match=re.escape("weighted.weight: must be a number between 0 and 1")):
        _parse_prod(aliases=[_alias(target=1, weighted={"version": 2, "weight": refused})])


def test_weight_must_be_a_number_not_a_bool() -> None:
    with pytest.raises(AliasSpecError, match=re.escape("weighted.weight")):
        AliasSpec(name="a", target=1, weighted=WeightedRoute(version=2, weight=True)).validate()


@pytest.mark.parametrize(("accepted", "refused"), [(1, 0), (1, -1), ("new", "New"), ("$LATEST", "LATEST"), (2, True)])
def test_target_edge(accepted: object, refused: object) -> None:
    validate_target(accepted, "target")
    with pytest.raises(AliasSpecError, match="target: must be"):
        validate_target(refused, "target")


@pytest.mark.parametrize(("accepted", "refused"), [("a" * 128, "a" * 129), ("1a", "12"), ("a", ""), ("a-_b", "a.b")])
def test_alias_name_edge(accepted: str, refused: str) -> None:
    AliasSpec(name=accepted, target=1).validate()
    with pytest.raises(AliasSpecError, match="not a valid alias name"):
        AliasSpec(name=refused, target=1).validate()


def test_hook_function_name_edge() -> None:
    assert _parse_prod(aliases=[_alias(name=LONGEST_HOOKED_ALIAS, rollout="AllAtOnce")]).aliases[0].name
    with pytest.raises(StageConfigError, match="too long for its pre-traffic hook"):
        _parse_prod(aliases=[_alias(name=LONGEST_HOOKED_ALIAS + "a", rollout="AllAtOnce")])


def test_alias_without_rollout_has_no_hook_name_limit() -> None:
    assert _parse_prod(aliases=[_alias(name=LONGEST_HOOKED_ALIAS + "a", target=1)]).aliases[0].name


@pytest.mark.parametrize("predefined", ["AllAtOnce", "Canary10Percent30Minutes", "Linear10PercentEvery10Minutes"])
def test_predefined_rollouts_are_accepted(predefined: str) -> None:
    RolloutSpec(predefined=predefined).validate()


def test_predefined_rollout_with_custom_fields_is_refused() -> None:
    with pytest.raises(AliasSpecError, match="either a predefined name or kind/percent/minutes"):
        RolloutSpec(predefined="AllAtOnce", percent=10).validate()
