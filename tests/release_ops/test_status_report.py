"""``release status`` on the cases the other status tests leave out: a weighted drift beside a
CodeDeploy rollout (two stages.toml lines, not pinnable, and why) in the text and the JSON, a version
no alias uses in the JSON, the exact refusal of ``--pin`` without ``--stage``, and a pin that writes
two aliases.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from release_cli.commands import status as status_command
from release_cli.ops.drift import find_drift
from release_cli.ops.lambda_reads import AliasState, CodeStorage, Version
from release_cli.ops.status_report import Status
from release_cli.ops.target import Target
from service_model.project import project_root
from tests.release_ops.conftest import new_lab, only_order_api
from tests.release_ops.test_status_drift import stage

ROLLOUT_NOTE = (
    "a static weight cannot be declared beside a CodeDeploy rollout: promote or clear the canary "
    "(release promote / release canary --clear), then pin"
)


def _weighted_beside_rollout() -> Status:
    """prod declares version 1 with a CodeDeploy rollout; live it is 2 with 10% on 1 (a canary)."""
    config = stage({"name": "prod", "target": 1, "rollout": "AllAtOnce"})
    aliases = [AliasState("prod", "2", {"1": 0.1}, "rev-p")]
    versions = [Version(str(n), f"v1.{n}.0", str(n) * 44, 1024, "2024-01-01T00:00:00.000+0000") for n in (1, 2, 3)]
    return Status(
        target=Target("fn-w", None, source="--function"),
        versions=versions,
        aliases=aliases,
        storage=CodeStorage(None, None, note="unknown"),
        live_deployments=[],
        drift=find_drift(config, aliases, stack_version=None, shifting=[]),
        drift_checked=True,
    )


@pytest.fixture
def show(monkeypatch: pytest.MonkeyPatch, run_cli):
    def run(state: Status, *args: object):
        monkeypatch.setattr(status_command, "collect_status", lambda *_: state)
        return run_cli("status", "--function", state.target.function, *args)

    return run


def test_a_weighted_drift_beside_a_rollout_prints_both_lines_and_why_it_cannot_be_pinned(show) -> None:
    result = show(_weighted_beside_rollout())
    assert result.code == 0, result.err
    assert result.out.endswith(
        "\ndrift from stages.toml:\n"
        "alias  kind   declared               live\n"
        "prod   moved  1 [rollout AllAtOnce]  2 @ 90% + 1 @ 10%\n"
        "  to make the next deploy agree, set in alias 'prod': "
        "target = 2; weighted = { version = 1, weight = 0.1 }\n"
        f"  prod: {ROLLOUT_NOTE}\n"
    )


def test_a_weighted_drift_beside_a_rollout_in_json_says_not_pinnable_and_why(show) -> None:
    document = show(_weighted_beside_rollout(), "--json").json()
    assert document["drift"] == [
        {
            "alias": "prod",
            "kind": "moved",
            "declared": "1 [rollout AllAtOnce]",
            "live": "2 @ 90% + 1 @ 10%",
            "toml": ["target = 2", "weighted = { version = 1, weight = 0.1 }"],
            "pinnable": False,
            "note": ROLLOUT_NOTE,
        }
    ]


def test_a_version_no_alias_uses_has_an_empty_alias_list_in_json(show) -> None:
    document = show(_weighted_beside_rollout(), "--json").json()
    assert [(v["version"], v["aliases"]) for v in document["versions"]] == [
        ("1", ["prod"]),
        ("2", ["prod"]),
        ("3", []),
    ]
    assert document["unusedVersions"] == ["3"]


def test_pin_without_stage_is_refused_with_exactly_this_message(run_cli) -> None:
    result = run_cli("status", "--function", "fn", "--pin")
    assert (result.code, result.out) == (2, "")
    assert result.err == "error: --pin writes the stage's entry in stages.toml: give --stage\n"


def test_a_pin_of_two_aliases_names_both(aws_env: str, stage_stack, run_cli, tmp_path: Path) -> None:
    """staging declares ``staging`` (target new = 2) and ``qa`` (target 2); both were moved to 1: one
    ``--pin`` writes both and names them, comma-separated, in stages.toml order."""
    stages = tmp_path / "stages.toml"
    shutil.copy(project_root() / "stages.toml", stages)
    only_order_api(stages)  # one function: its aliases are the stage's, pinned in the stage's blocks
    text = stages.read_text(encoding="utf-8")
    qa = '\n[[stages.staging.aliases]]\nname = "qa"\ntarget = 2\n'
    stages.write_text(text.replace("\n[stages.prod]", qa + "\n[stages.prod]", 1), encoding="utf-8")
    lab = new_lab()
    lab.publish("v1")
    lab.publish("v2")
    lab.alias("staging", "1")
    lab.alias("qa", "1")
    stage_stack("staging", lab, "2")
    result = run_cli("status", "--stage", "staging", "--stages-file", stages, "--pin")
    assert result.code == 0, result.err
    assert result.out.endswith(f"pinned in {stages}: staging, qa\n")
    declared = tomllib.loads(stages.read_text(encoding="utf-8"))["stages"]["staging"]["aliases"]
    assert [(a["name"], a["target"]) for a in declared] == [("staging", 1), ("qa", 1)]
