"""``--context target=emulator`` leaves out exactly what the emulator cannot hold, and nothing else.

The list of resource types left out is pinned here so it cannot grow silently: a construct that adds a
type the emulator lacks must be left out on purpose, in ``stacks/deploy_target.py``, and named here.
"""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from service_model.stages import StageConfigError, load_stages
from stacks.deploy_target import LEFT_OUT_ON_EMULATOR, DeployTarget
from tests.conftest import ROOT, Synthesized, cdk_json_context

PROVIDER_PREFIX = "AWS679f53fac002430cb0da5b7982bd2287"
"""CDK's singleton function behind every ``Custom::AWS`` (and its role): it exists only for them."""


@pytest.fixture(scope="module")
def emulator_dev(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from aws_cdk.assertions import Template

    from stacks.app_builder import build_app, project_app

    app = project_app(context=cdk_json_context(), outdir=str(tmp_path_factory.mktemp("emulator.out")))
    stack = build_app(app, stage="dev", target=DeployTarget.from_context("emulator"))["dev"]
    app.synth()
    return Template.from_stack(stack).to_json()["Resources"]  # type: ignore[no-any-return]


def test_the_left_out_types_are_exactly_the_pinned_list(synthesized: Synthesized, emulator_dev: dict[str, Any]) -> None:
    aws = synthesized.templates["dev"].to_json()["Resources"]
    gone = {logical_id: aws[logical_id]["Type"] for logical_id in aws.keys() - emulator_dev.keys()}
    types_gone = {kind for kind in gone.values() if kind not in set(r["Type"] for r in emulator_dev.values())}
    assert sorted(types_gone) == sorted(LEFT_OUT_ON_EMULATOR) == ["AWS::EventSchemas::Schema", "Custom::AWS"]
    # Everything else that went served them: the custom resources' policies and CDK's provider behind
    # Custom::AWS (its function and role).
    others = {logical_id: kind for logical_id, kind in gone.items() if kind not in LEFT_OUT_ON_EMULATOR}
    assert others and all(_serves_the_test_events(logical_id) for logical_id in others), others
    # One schema and one registry custom resource per function: nothing of a function itself is lost.
    functions = len(load_stages()["dev"].functions)
    assert Counter(gone.values())["AWS::EventSchemas::Schema"] == functions
    assert Counter(gone.values())["Custom::AWS"] == functions


def _serves_the_test_events(logical_id: str) -> bool:
    function_prefixes = [f.construct_id for f in load_stages()["dev"].functions if f.construct_id != "Default"]
    return logical_id.startswith(PROVIDER_PREFIX) or any(
        logical_id.startswith(f"{prefix}ConsoleTestEvents") for prefix in ["", *function_prefixes]
    )


def test_nothing_left_in_the_emulator_template_refers_to_what_went(emulator_dev: dict[str, Any]) -> None:
    import json

    text = json.dumps(emulator_dev)
    assert "ConsoleTestEvents" not in text
    assert PROVIDER_PREFIX not in text


def test_everything_else_is_the_same_resource(synthesized: Synthesized, emulator_dev: dict[str, Any]) -> None:
    aws = synthesized.templates["dev"].to_json()["Resources"]
    changed = [logical_id for logical_id, resource in emulator_dev.items() if aws.get(logical_id) != resource]
    assert changed == []


@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_a_stage_with_a_codedeploy_rollout_is_refused(stage: str) -> None:
    with pytest.raises(StageConfigError) as refused:
        DeployTarget.from_context("emulator").check(load_stages()[stage])
    assert f"stage {stage!r} cannot be deployed to the emulator" in str(refused.value)
    assert f"order-api:{stage}" in str(refused.value)
    assert "CodeDeploy" in str(refused.value)


def test_an_unknown_target_names_the_valid_ones() -> None:
    with pytest.raises(StageConfigError, match=r"unknown deploy target 'localstack' .*valid targets: aws, emulator"):
        DeployTarget.from_context("localstack")


def synth_through_app_py(tmp_path: Path, stage: str, endpoint: str | None) -> subprocess.CompletedProcess[str]:
    """``app.py`` as ``cdk deploy --context stage=S --context target=emulator`` runs it."""
    env = {
        **os.environ,
        "CDK_CONTEXT_JSON": f'{{"stage": "{stage}", "target": "emulator"}}',
        "CDK_OUTDIR": str(tmp_path),
    }
    env.pop("AWS_ENDPOINT_URL", None)
    if endpoint is not None:
        env["AWS_ENDPOINT_URL"] = endpoint
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "app.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_cli_refuses_prod_on_the_emulator_before_synthesizing(tmp_path: Path) -> None:
    result = synth_through_app_py(tmp_path, "prod", "http://127.0.0.1:4566")
    assert result.returncode == 1, result.stderr
    assert "error: stage 'prod' cannot be deployed to the emulator" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("endpoint", [None, "", "https://lambda.us-east-1.amazonaws.com", "http://10.0.0.5:4566"])
def test_the_emulator_target_never_synthesizes_for_an_endpoint_that_is_not_local(
    tmp_path: Path, endpoint: str | None
) -> None:
    result = synth_through_app_py(tmp_path, "dev", endpoint)
    assert result.returncode == 1, result.stderr
    assert "deploys to the local emulator only, but AWS_ENDPOINT_URL is" in result.stderr
    assert "must not reach AWS" in result.stderr
    assert list(tmp_path.iterdir()) == []
