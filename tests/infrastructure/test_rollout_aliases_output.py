"""The ``RolloutAliases`` output's format, written by the stack and read by the release CLI: the aliases
with a rollout in stages.toml order, ``none`` for none, and anything else unreadable (so the CLI keeps
asking CodeDeploy)."""

from __future__ import annotations

import copy
import tomllib

import pytest

from service_model.rollout_aliases import parse_rollout_aliases, rollout_aliases_value
from service_model.stages import parse_stages, stages_file

BASE = tomllib.loads(stages_file().read_text())


def test_several_aliases_with_a_rollout_are_listed_in_stages_toml_order() -> None:
    raw = copy.deepcopy(BASE)
    raw["stages"]["staging"]["aliases"] = [
        {"name": "staging", "target": "new", "rollout": "Linear10PercentEvery1Minute"},
        {"name": "qa", "target": "new"},
        {"name": "beta", "target": "new", "rollout": "Canary10Percent5Minutes"},
    ]
    staging = parse_stages(raw)["staging"]
    assert [rollout_aliases_value(f) for f in staging.functions] == ["staging,beta", "staging,beta"]
    assert rollout_aliases_value(parse_stages(raw)["dev"].function("order-api")) == "none"


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("none", frozenset()),
        ("prod", frozenset({"prod"})),
        ("staging,beta", frozenset({"staging", "beta"})),
        (" staging , beta ", frozenset({"staging", "beta"})),
        ("", None),
        ("staging,", None),
        (",", None),
    ],
)
def test_a_value_reads_back_as_its_aliases_or_as_unreadable(value: str, names: frozenset[str] | None) -> None:
    assert parse_rollout_aliases(value) == names
