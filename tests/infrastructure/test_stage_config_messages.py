# ruff: noqa: E501 -- each message is pinned whole as one literal, as long as the message is
"""The exact words of each stage-config error: they are the interface a person reads when synth stops.

The error tests in test_stage_config_errors.py check that the stage and key are named; these pin
the whole message (what is allowed, what to do), so a message that loses its list of allowed values
or says the wrong key fails here. Also the small behaviours around them: several aliases in one
stage, defaults that are left out, a stage file given by path.
"""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from service_model.alias_spec import AliasSpec, AliasSpecError, WeightedRoute
from service_model.stages import StageConfigError, load_stage, parse_stages, stages_file

BASE = tomllib.loads(stages_file().read_text())


def with_stage(stage: str, **s: Any) -> dict[str, Any]:
    raw = copy.deepcopy(BASE)
    raw["stages"][stage].update(s)
    return raw


INPUTS: dict[str, dict[str, Any]] = {
    "runtime": with_stage("prod", runtime="python2.7"),
    "retention": with_stage("prod", log_retention_days=10),
    "deletion": with_stage("prod", retain_data=False),
    "alarm_type": with_stage("prod", alarms={"errors": "1"}),
    "alarm_unknown": with_stage("prod", alarms={"error": 1}),
    "alias_not_table": with_stage("dev", aliases=["dev"]),
    "alias_unknown": with_stage("dev", aliases=[{"name": "dev", "target": 1, "weight": 0.1}]),
    "weighted_shape": with_stage("dev", aliases=[{"name": "dev", "target": 1, "weighted": {"version": 2}}]),
    "weighted_not_table": with_stage("dev", aliases=[{"name": "dev", "target": 1, "weighted": 2}]),
    "rollout_shape": with_stage(
        "prod", aliases=[{"name": "prod", "target": "new", "rollout": {"type": "canary", "percent": 10, "minute": 5}}]
    ),
    "rollout_list": with_stage("prod", aliases=[{"name": "prod", "target": "new", "rollout": ["canary"]}]),
    "stage_unknown": with_stage("prod", colour="blue"),
    "api_alias": with_stage("dev", aliases=[{"name": "a", "target": 1}, {"name": "b", "target": 2}], api_alias="c"),
    "top_unknown": {**copy.deepcopy(BASE), "extra": 1},
    "no_stages": {"defaults": {}},
    "empty_stages": {"stages": {}},
    "collide": with_stage("dev", aliases=[{"name": "a-b", "target": 1}, {"name": "a_b", "target": 2}]),
    "no_alias": with_stage("dev", aliases=[]),
    "weighted_latest": with_stage(
        "dev", aliases=[{"name": "dev", "target": "$LATEST", "weighted": {"version": 2, "weight": 0.1}}]
    ),
    "weighted_version": with_stage(
        "dev", aliases=[{"name": "dev", "target": 1, "weighted": {"version": 0, "weight": 0.1}}]
    ),
    "rollout_weights": with_stage(
        "prod",
        aliases=[{"name": "prod", "target": 1, "rollout": "AllAtOnce", "weighted": {"version": 2, "weight": 0.1}}],
    ),
    "rollout_latest": with_stage("prod", aliases=[{"name": "prod", "target": "$LATEST", "rollout": "AllAtOnce"}]),
    "rollout_unknown": with_stage("prod", aliases=[{"name": "prod", "target": "new", "rollout": "Fast"}]),
    "defaults_unknown": {**copy.deepcopy(BASE), "defaults": {**BASE["defaults"], "colour": 1}},
}

MESSAGES = [
    (
        "runtime",
        "stage 'prod': runtime 'python2.7' is not supported; allowed: python3.11, python3.12, python3.13, python3.14",
    ),
    (
        "retention",
        "stage 'prod': log_retention_days 10 is not a CloudWatch Logs retention; allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
    ),
    (
        "deletion",
        "stage 'prod': deletion_protection = true needs retain_data = true (a protected table cannot be deleted with the stack)",
    ),
    ("alarm_type", "stage 'prod': alarms.errors must be int, got str '1'"),
    (
        "alarm_unknown",
        "stage 'prod': alarms has unknown key(s) ['error']; allowed: errors, evaluation_periods, iterator_age_ms, p99_duration_ms, period_minutes, throttles",
    ),
    ("alias_not_table", "stage 'dev': aliases[0] must be a table with name and target"),
    (
        "alias_unknown",
        "stage 'dev': aliases[0] unknown key(s) ['weight']; allowed: description, name, provisioned_concurrency, rollout, target, weighted",
    ),
    ("weighted_shape", "stage 'dev': aliases[0].weighted must be { version = <target>, weight = <0..1> }"),
    ("weighted_not_table", "stage 'dev': aliases[0].weighted must be { version = <target>, weight = <0..1> }"),
    (
        "rollout_shape",
        "stage 'prod': aliases[0].rollout must be one of AllAtOnce, Canary10Percent5Minutes, Canary10Percent10Minutes, Canary10Percent15Minutes, Canary10Percent30Minutes, Linear10PercentEvery1Minute, Linear10PercentEvery2Minutes, Linear10PercentEvery3Minutes, Linear10PercentEvery10Minutes or { type = 'canary'|'linear', percent = N, minutes = M }",
    ),
    (
        "rollout_list",
        "stage 'prod': aliases[0].rollout must be one of AllAtOnce, Canary10Percent5Minutes, Canary10Percent10Minutes, Canary10Percent15Minutes, Canary10Percent30Minutes, Linear10PercentEvery1Minute, Linear10PercentEvery2Minutes, Linear10PercentEvery3Minutes, Linear10PercentEvery10Minutes or { type = 'canary'|'linear', percent = N, minutes = M }",
    ),
    (
        "stage_unknown",
        "stage 'prod': unknown key(s) ['colour']; allowed: account, alarms, aliases, api_alias, api_auth, canary, customer_managed_key, deletion_protection, functions, log_retention_days, memory_mb, point_in_time_recovery, production, region, regions, retain_data, runtime, termination_protection, timeout_seconds",
    ),
    ("api_alias", "stage 'dev': api_alias 'c' is not one of this stage's aliases (a, b)"),
    ("top_unknown", "unknown top-level key(s) ['extra']; allowed: defaults, functions, stages"),
    ("no_stages", "stages: no stage is defined"),
    ("empty_stages", "stages: no stage is defined"),
    (
        "collide",
        "stage 'dev': aliases[1].name: 'a_b' collides with 'a-b': names become CloudFormation logical IDs, which ignore case and punctuation",
    ),
    ("no_alias", "stage 'dev': aliases: at least one alias is required"),
    (
        "weighted_latest",
        "stage 'dev': aliases[0] ('dev').weighted: a weighted alias routes only between published versions, never $LATEST",
    ),
    (
        "weighted_version",
        "stage 'dev': aliases[0] ('dev').weighted.version: must be '$LATEST', 'new' or a published version number >= 1, got 0",
    ),
    (
        "rollout_weights",
        "stage 'prod': aliases[0] ('prod').weighted: an alias driven by CodeDeploy (rollout) cannot also carry static weights; CodeDeploy owns its routing",
    ),
    (
        "rollout_latest",
        "stage 'prod': aliases[0] ('prod').rollout: CodeDeploy cannot shift traffic from $LATEST; target a published version",
    ),
    (
        "rollout_unknown",
        "stage 'prod': aliases[0] ('prod').rollout: unknown deployment config 'Fast'; allowed: AllAtOnce, Canary10Percent5Minutes, Canary10Percent10Minutes, Canary10Percent15Minutes, Canary10Percent30Minutes, Linear10PercentEvery1Minute, Linear10PercentEvery2Minutes, Linear10PercentEvery3Minutes, Linear10PercentEvery10Minutes",
    ),
    (
        "defaults_unknown",
        "defaults: unknown key(s) ['colour']; allowed: account, alarms, aliases, api_alias, api_auth, canary, customer_managed_key, deletion_protection, log_retention_days, memory_mb, point_in_time_recovery, production, region, regions, retain_data, runtime, termination_protection, timeout_seconds",
    ),
]


@pytest.mark.parametrize(("case", "message"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_error_message_in_full(case: str, message: str) -> None:
    with pytest.raises(StageConfigError) as caught:
        parse_stages(INPUTS[case])
    assert str(caught.value) == message


def test_the_seeds_three_aliases_in_one_stage_are_accepted() -> None:
    aliases = [
        {"name": "prod", "target": 1, "weighted": {"version": 2, "weight": 0.1}},
        {"name": "staging", "target": 2},
        {"name": "dev", "target": "$LATEST"},
    ]
    config = parse_stages(with_stage("dev", aliases=aliases, api_alias="prod"))["dev"]
    assert [a.name for a in config.aliases] == ["prod", "staging", "dev"]
    assert (config.name, config.api_alias, config.alias("staging").target) == ("dev", "prod", 2)
    assert config.alias("dev").description == ""


def test_api_alias_defaults_to_the_first_alias() -> None:
    aliases = [{"name": "live", "target": 1}, {"name": "test", "target": 2}]
    assert parse_stages(with_stage("dev", aliases=aliases))["dev"].api_alias == "live"


def test_unknown_alias_lookup_names_it() -> None:
    config = parse_stages(BASE)["dev"]
    with pytest.raises(KeyError, match="nope"):
        config.alias("nope")


def test_table_names_follow_the_stage() -> None:
    config = parse_stages(BASE)["staging"]
    assert config.table_name("audit") == "staging-version-demo-audit"


def test_minimal_file_without_defaults_takes_the_built_in_ones() -> None:
    config = parse_stages({"stages": {"dev": {"aliases": [{"name": "dev", "target": "$LATEST"}]}}})["dev"]
    assert (config.memory_mb, config.timeout_seconds, config.alarms.errors) == (256, 10, 1)


def test_stage_without_aliases_is_refused() -> None:
    with pytest.raises(StageConfigError, match=re.escape("stage 'dev': aliases: at least one alias is required")):
        parse_stages({"stages": {"dev": {}}})


def test_load_stage_reads_the_file_it_is_given(tmp_path: Path) -> None:
    path = tmp_path / "stages.toml"
    path.write_text('[[stages.dev.aliases]]\nname = "dév"\ntarget = 1\n', encoding="utf-8")
    with pytest.raises(StageConfigError, match="not a valid alias name"):
        load_stage("dev", path)
    path.write_text('[[stages.dev.aliases]]\nname = "d"\ntarget = 1\ndescription = "é"\n', encoding="utf-8")
    assert load_stage("dev", path).alias("d").description == "é"
    with pytest.raises(StageConfigError, match=re.escape("unknown stage 'prod'; valid stages: dev")):
        load_stage("prod", path)


def test_weight_given_as_text_is_refused() -> None:
    with pytest.raises(AliasSpecError, match=re.escape("got '0.5'")):
        AliasSpec(name="a", target=1, weighted=WeightedRoute(version=2, weight="0.5")).validate()  # type: ignore[arg-type]


def test_rollout_given_as_a_list_of_keys_is_refused() -> None:
    raw = with_stage("prod", aliases=[{"name": "prod", "target": "new", "rollout": ["type"]}])
    with pytest.raises(StageConfigError, match="rollout must be one of"):
        parse_stages(raw)
