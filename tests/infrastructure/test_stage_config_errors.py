"""Bad stage settings stop synth with an error naming the stage, the key and what is allowed."""

from __future__ import annotations

import copy
import re
import tomllib

import pytest

from service_model.stages import StageConfigError, load_stage, load_stages, parse_stages, stages_file

BASE = tomllib.loads(stages_file().read_text())


def with_stage(stage: str, **settings) -> dict:
    raw = copy.deepcopy(BASE)
    raw["stages"][stage].update(settings)
    return raw


def with_alias(stage: str, **alias) -> dict:
    return with_stage(stage, aliases=[{"name": stage, "target": "new", **alias}])


CASES = [
    (
        with_alias("prod", weighted={"version": 2, "weight": 1.5}),
        "stage 'prod'",
        "weighted.weight: must be a number between 0 and 1",
    ),
    (with_alias("prod", weighted={"version": 2, "weight": 0}), "stage 'prod'", "between 0 and 1 (exclusive), got 0"),
    (
        with_alias("prod", target=2, weighted={"version": 2, "weight": 0.1}),
        "stage 'prod'",
        "weighted.version: must differ from target",
    ),
    (
        with_alias("staging", target="$LATEST", weighted={"version": 2, "weight": 0.1}),
        "stage 'staging'",
        "never $LATEST",
    ),
    (
        with_alias("staging", target=1, weighted={"version": "$LATEST", "weight": 0.1}),
        "stage 'staging'",
        "never $LATEST",
    ),
    (
        with_alias("prod", rollout="Canary10Percent5Minutes", weighted={"version": 2, "weight": 0.1}),
        "stage 'prod'",
        "cannot also carry static weights",
    ),
    (with_alias("prod", target="$LATEST", rollout="AllAtOnce"), "stage 'prod'", "cannot shift traffic from $LATEST"),
    (
        with_alias("prod", rollout="Canary50Percent1Minute"),
        "stage 'prod'",
        "unknown deployment config 'Canary50Percent1Minute'; allowed: AllAtOnce",
    ),
    (
        with_alias("prod", rollout={"type": "canary", "percent": 100, "minutes": 5}),
        "stage 'prod'",
        "rollout.percent: must be a whole number from 1 to 99",
    ),
    (with_alias("prod", rollout={"type": "linear", "percent": 10, "minutes": 0}), "stage 'prod'", "rollout.minutes"),
    (
        with_alias("prod", rollout={"type": "blue-green", "percent": 10, "minutes": 5}),
        "stage 'prod'",
        "rollout.type: must be 'canary' or 'linear'",
    ),
    (with_alias("dev", target=0), "stage 'dev'", "target: must be '$LATEST', 'new' or a published version number >= 1"),
    (with_alias("dev", target="latest"), "stage 'dev'", "target: must be '$LATEST', 'new'"),
    (with_stage("dev", aliases=[{"name": "123", "target": 1}]), "stage 'dev'", "not a valid alias name"),
    (with_stage("dev", aliases=[{"name": "a b", "target": 1}]), "stage 'dev'", "not a valid alias name"),
    (
        with_stage("dev", aliases=[{"name": "x", "target": 1}, {"name": "x", "target": 2}]),
        "stage 'dev'",
        "'x' is used twice",
    ),
    (with_stage("dev", aliases=[]), "stage 'dev'", "at least one alias"),
    (
        with_stage("dev", aliases=[{"name": "a-b", "target": 1}, {"name": "a_b", "target": 2}]),
        "stage 'dev'",
        "'a_b' collides with 'a-b'",
    ),
    (
        with_stage("dev", aliases=[{"name": "live", "target": 1}, {"name": "Live", "target": 2}]),
        "stage 'dev'",
        "'Live' collides with 'live'",
    ),
    (with_stage("dev", aliases=[{"name": "-_", "target": 1}]), "stage 'dev'", "needs at least one letter or digit"),
    (with_alias("staging", name="x" * 30, rollout="AllAtOnce"), "stage 'staging'", "too long for its pre-traffic hook"),
    (with_alias("dev", target=1, description=3), "stage 'dev'", "description: must be a string, got int"),
    (with_stage("dev", aliases=[{"target": 1}]), "stage 'dev'", "aliases[0].name is required"),
    (
        with_stage("dev", aliases=[{"name": "dev", "target": 1, "weight": 0.1}]),
        "stage 'dev'",
        "unknown key(s) ['weight']",
    ),
    (with_stage("dev", api_alias="prod"), "stage 'dev'", "api_alias 'prod' is not one of this stage's aliases (dev)"),
    (
        with_stage("prod", runtime="python2.7"),
        "stage 'prod'",
        "runtime 'python2.7' is not supported; allowed: python3.11",
    ),
    (with_stage("prod", memory_mb=64), "stage 'prod'", "memory_mb must be from 128 to 10240, got 64"),
    (with_stage("prod", memory_mb="512"), "stage 'prod'", "memory_mb must be int, got str '512'"),
    (with_stage("prod", timeout_seconds=901), "stage 'prod'", "timeout_seconds must be from 5 to 900"),
    (with_stage("prod", timeout_seconds=4), "stage 'prod'", "less than 4.5 s left), got 4"),
    (
        with_stage("prod", log_retention_days=10),
        "stage 'prod'",
        "log_retention_days 10 is not a CloudWatch Logs retention",
    ),
    (with_stage("prod", retain_data=False), "stage 'prod'", "deletion_protection = true needs retain_data = true"),
    (with_stage("prod", retain_data="yes"), "stage 'prod'", "retain_data must be bool"),
    (with_stage("prod", account="12345"), "stage 'prod'", "account must be a 12-digit AWS account id"),
    (with_stage("prod", alarms={"errors": 0}), "stage 'prod'", "alarms.errors must be >= 1"),
    (with_stage("prod", alarms={"error": 1}), "stage 'prod'", "alarms has unknown key(s) ['error']"),
    (with_stage("prod", colour="blue"), "stage 'prod'", "unknown key(s) ['colour']"),
    (with_stage("prod", alarms=5), "stage 'prod'", "alarms must be a table of settings, got int 5"),
    (with_stage("dev", aliases={"name": "dev"}), "stage 'dev'", "aliases must be a list"),
]


@pytest.mark.parametrize(("raw", "stage", "message"), CASES, ids=[c[2][:40] for c in CASES])
def test_bad_setting_is_refused_with_stage_key_and_allowed_values(raw, stage, message):
    with pytest.raises(StageConfigError) as caught:
        parse_stages(raw)
    assert stage in str(caught.value)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"stages": {"dev": 1}}, "stages.dev must be a table of settings, got int 1"),
        ({"stages": ["dev"]}, "stages must be a table of settings, got list"),
        ({"defaults": "x", "stages": {"dev": {}}}, "defaults must be a table of settings, got str 'x'"),
        ({"defaults": {"alarms": []}, "stages": {"dev": {}}}, "defaults.alarms must be a table of settings"),
    ],
)
def test_wrongly_shaped_document_names_where(raw, message):
    with pytest.raises(StageConfigError) as caught:
        parse_stages(raw)
    assert message in str(caught.value)


def test_unknown_stage_in_the_file_lists_the_valid_ones():
    raw = copy.deepcopy(BASE)
    raw["stages"]["qa"] = raw["stages"]["dev"]
    with pytest.raises(StageConfigError, match=re.escape("stages.qa: unknown stage; allowed: dev, staging, prod")):
        parse_stages(raw)


def test_unknown_stage_by_name_lists_the_valid_ones():
    with pytest.raises(StageConfigError, match=re.escape("unknown stage 'qa'; valid stages: dev, staging, prod")):
        load_stage("qa")


def test_invalid_toml_names_the_file(tmp_path):
    bad = tmp_path / "stages.toml"
    bad.write_text("[stages.dev\n")
    with pytest.raises(StageConfigError, match=r"stages\.toml: not valid TOML"):
        load_stages(bad)


def test_shipped_stages_have_the_issue_defaults():
    stages = load_stages()
    assert list(stages) == ["dev", "staging", "prod"]
    assert stages["dev"].alias("dev").target == "$LATEST"
    assert stages["staging"].alias("staging").rollout.label == "Linear10PercentEvery1Minute"
    assert stages["prod"].alias("prod").rollout.label == "Canary10Percent5Minutes"
    assert (stages["prod"].deletion_protection, stages["prod"].point_in_time_recovery) == (True, True)
    assert stages["dev"].retain_data is False and stages["staging"].retain_data is True


def test_custom_rollout_label_reads_like_a_predefined_name():
    from service_model.alias_spec import RolloutSpec

    assert RolloutSpec(kind="linear", percent=20, minutes=2).label == "Linear20PercentEvery2Minutes"
    assert RolloutSpec(kind="canary", percent=25, minutes=15).label == "Canary25Percent15Minutes"
