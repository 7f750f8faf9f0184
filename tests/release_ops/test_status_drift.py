"""Drift as ``release status`` reports it, on the declared side's every shape: what each kind says
(declared, live, the stages.toml lines, whether ``--pin`` can write them and why not), and which
live states are not drift (a match, an alias CodeDeploy is shifting right now).

``find_drift`` is pure (stages.toml's stage against the aliases Lambda listed), so these need no AWS.
"""

from __future__ import annotations

import tomllib
from typing import Any

from release_cli.ops.deployments import Deployment
from release_cli.ops.drift import find_drift, toml_lines
from release_cli.ops.lambda_reads import AliasState
from service_model.project import project_root
from service_model.stages import StageConfig, parse_stages


def stage(*aliases: dict[str, Any]) -> StageConfig:
    """The project's dev stage with exactly ``aliases`` declared (the other settings as stages.toml has them)."""
    raw = tomllib.loads((project_root() / "stages.toml").read_text(encoding="utf-8"))
    raw["stages"]["dev"]["aliases"] = list(aliases)
    return parse_stages(raw)["dev"]


def deployment(alias: str) -> Deployment:
    return Deployment("d-1", "InProgress", "app", "group", "fn", alias, "1", "2")


def drift_json(config: StageConfig, live: list[AliasState], stack_version: str | None = "7", **kw: Any) -> list:
    return [d.to_json() for d in find_drift(config, live, stack_version=stack_version, shifting=kw.get("shifting", []))]


def test_a_declared_alias_missing_live() -> None:
    config = stage({"name": "live", "target": "new", "rollout": "Canary10Percent5Minutes"})
    assert drift_json(config, []) == [
        {
            "alias": "live",
            "kind": "missing",
            "declared": "new (7) [rollout Canary10Percent5Minutes]",
            "live": "-",
            "toml": [],
            "pinnable": False,
            "note": "deploy the stage to create it",
        }
    ]


def test_a_moved_alias_gives_the_lines_that_pin_it_and_says_what_was_declared() -> None:
    config = stage({"name": "blue", "target": 3, "weighted": {"version": "new", "weight": 0.1}})
    live = [AliasState("blue", "5", {"4": 0.25})]
    assert drift_json(config, live) == [
        {
            "alias": "blue",
            "kind": "moved",
            "declared": "3 + new (7) @ 10%",
            "live": "5 @ 75% + 4 @ 25%",
            "toml": ["target = 5", "weighted = { version = 4, weight = 0.25 }"],
            "pinnable": True,
            "note": "",
        }
    ]
    (moved,) = find_drift(config, live, stack_version="7", shifting=[])
    assert (moved.version, moved.weights) == ("5", {"4": 0.25})


def test_live_on_latest_pins_as_the_quoted_name() -> None:
    config = stage({"name": "dev", "target": 2})
    (moved,) = find_drift(config, [AliasState("dev", "$LATEST")], stack_version=None, shifting=[])
    assert (moved.kind, moved.toml, moved.pinnable) == ("moved", ('target = "$LATEST"',), True)


def test_latest_cannot_be_pinned_beside_a_rollout() -> None:
    config = stage({"name": "prod", "target": "new", "rollout": "AllAtOnce"})
    (moved,) = find_drift(config, [AliasState("prod", "$LATEST")], stack_version="2", shifting=[])
    assert not moved.pinnable
    assert moved.note == "CodeDeploy cannot shift from $LATEST: point the alias at a published version first"


def test_a_static_weight_cannot_be_pinned_beside_a_rollout() -> None:
    config = stage({"name": "prod", "target": 1, "rollout": "AllAtOnce"})
    (moved,) = find_drift(config, [AliasState("prod", "2", {"1": 0.5})], stack_version="2", shifting=[])
    assert not moved.pinnable and "release canary --clear" in moved.note
    assert moved.toml == ("target = 2", "weighted = { version = 1, weight = 0.5 }")


def test_target_new_without_the_stacks_version_is_unknown_not_moved() -> None:
    config = stage({"name": "dev", "target": "new"})
    assert drift_json(config, [AliasState("dev", "3")], stack_version=None) == [
        {
            "alias": "dev",
            "kind": "unknown",
            "declared": "new (unknown)",
            "live": "3",
            "toml": [],
            "pinnable": False,
            "note": "target 'new' needs the stack's NewVersion output (is the stack deployed?)",
        }
    ]


def test_a_route_to_new_without_the_stacks_version_is_unknown() -> None:
    config = stage({"name": "dev", "target": 1, "weighted": {"version": "new", "weight": 0.1}})
    (drift,) = find_drift(config, [AliasState("dev", "1", {"2": 0.1})], stack_version=None, shifting=[])
    assert (drift.kind, drift.declared) == ("unknown", "1 + new (unknown) @ 10%")


def test_live_matching_the_declaration_is_no_drift() -> None:
    config = stage(
        {"name": "a", "target": "new"},
        {"name": "b", "target": 3, "weighted": {"version": "new", "weight": 0.1}},
    )
    live = [AliasState("a", "7"), AliasState("b", "3", {"7": 0.1})]
    assert find_drift(config, live, stack_version="7", shifting=[]) == []


def test_an_alias_codedeploy_is_shifting_is_not_drift_but_the_others_still_are() -> None:
    config = stage({"name": "a", "target": "new"}, {"name": "b", "target": "new"})
    live = [AliasState("a", "6", {"7": 0.1}), AliasState("b", "6", {"7": 0.1})]
    drifts = find_drift(config, live, stack_version="7", shifting=[deployment("a")])
    assert [(d.alias, d.kind) for d in drifts] == [("b", "moved")]


def test_every_declared_alias_is_checked_in_stages_toml_order_then_undeclared_ones() -> None:
    # each kind of declared alias followed by another one: none of them ends the check early
    config = stage(
        {"name": "zeta", "target": 1},  # missing live
        {"name": "omega", "target": 1, "weighted": {"version": "new", "weight": 0.1}},  # unknown: no stack version
        {"name": "alpha", "target": 1},  # matches
        {"name": "beta", "target": 1},  # moved
    )
    live = [AliasState(n, v, w) for n, v, w in (("alpha", "1", {}), ("beta", "2", {}), ("extra", "1", {"2": 0.5}),
                                                 ("omega", "1", {"2": 0.1}))]  # fmt: skip
    drifts = drift_json(config, live, stack_version=None)
    assert [(d["alias"], d["kind"]) for d in drifts] == [
        ("zeta", "missing"),
        ("omega", "unknown"),
        ("beta", "moved"),
        ("extra", "undeclared"),
    ]
    assert drifts[3] == {
        "alias": "extra",
        "kind": "undeclared",
        "declared": "-",
        "live": "1 @ 50% + 2 @ 50%",
        "toml": [],
        "pinnable": False,
        "note": "not in stages.toml: CloudFormation does not manage it",
    }


def test_toml_lines_write_the_weight_exactly() -> None:
    assert toml_lines("12", {"11": 0.0125}) == ("target = 12", "weighted = { version = 11, weight = 0.0125 }")
    assert toml_lines("12", {}) == ("target = 12",)
