"""``canary`` thresholds in stages.toml: merged like alarms, validated with stage, function and key named."""

from __future__ import annotations

import copy
import tomllib

import pytest

from service_model.canary_thresholds import CanaryThresholds
from service_model.stages import StageConfigError, parse_stages
from tests.conftest import ROOT


def project_stages() -> dict:
    return tomllib.loads((ROOT / "stages.toml").read_text())


def test_the_project_uses_the_documented_defaults() -> None:
    stages = parse_stages(project_stages())
    assert {f.canary for stage in stages.values() for f in stage.functions} == {CanaryThresholds()}


def test_merge_order_defaults_stage_function_stage_function() -> None:
    raw = project_stages()
    raw["defaults"]["canary"] = {"confidence": 0.9, "power": 0.85, "duration_slack_ms": 5}
    raw["stages"]["prod"]["canary"] = {"confidence": 0.99, "power": 0.9}
    raw["functions"]["order-worker"]["canary"] = {"power": 0.95, "max_throttles": 3}
    raw["stages"]["prod"].setdefault("functions", {}).setdefault("order-worker", {})["canary"] = {"max_throttles": 7}
    stages = parse_stages(raw)
    worker = stages["prod"].function("order-worker").canary
    assert (worker.confidence, worker.power, worker.max_throttles, worker.duration_slack_ms) == (0.99, 0.95, 7, 5)
    api = stages["prod"].function("order-api").canary
    assert (api.confidence, api.power, api.max_throttles) == (0.99, 0.9, 0)
    assert stages["dev"].function("order-worker").canary.max_throttles == 3
    assert stages["dev"].function("order-api").canary.confidence == 0.9


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        ("defaults", {"confidence": 1.5}, "stage 'dev': canary.confidence must be between 0.5"),
        ("stage", {"power": "high"}, "stage 'prod': canary.power must be between"),
        ("function", {"max_throttles": 0.5}, "function 'order-worker': canary.max_throttles must be a whole"),
        ("stage-function", {"error_rate_ratio": 1}, "function 'order-worker': canary.error_rate_ratio"),
        ("function", {"min_error_rate": True}, "canary.min_error_rate must be"),
        ("stage", {"confidance": 0.9}, "stage 'prod': canary has unknown key(s) ['confidance']"),
    ],
)
def test_a_bad_value_names_stage_function_and_key(where: str, value: dict, message: str) -> None:
    raw = copy.deepcopy(project_stages())
    if where == "defaults":
        raw["defaults"]["canary"] = value
    elif where == "stage":
        raw["stages"]["prod"]["canary"] = value
    elif where == "function":
        raw["functions"]["order-worker"]["canary"] = value
    else:
        raw["stages"]["prod"].setdefault("functions", {}).setdefault("order-worker", {})["canary"] = value
    with pytest.raises(StageConfigError) as caught:
        parse_stages(raw)
    assert message in str(caught.value)
