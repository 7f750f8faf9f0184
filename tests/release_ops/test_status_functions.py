"""``release status --stage`` on a stage of two functions: every function, its own drift, and a pin that
writes only the block that declares the drifted function's alias, or nothing."""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service_model.project import project_root
from tests.release_ops.conftest import Lab, new_lab, two_function_stack

WORKER_BLOCK = """
[[stages.staging.functions.order-worker.aliases]]
name = "staging"
target = "new"   # the worker's own declaration
"""


@pytest.fixture
def service(aws_env: str) -> Iterator[tuple[Lab, Lab]]:
    """The Order API (versions 1, 2; staging -> 2) and the worker (versions 1, 2; staging -> 1), behind a
    stand-in ``version-demo-staging`` stack whose outputs name both, as the real stack's do."""
    api, worker = new_lab("api"), new_lab("worker")
    for lab in (api, worker):
        lab.publish("v1")
        lab.publish("v2")
    api.alias("staging", "2")
    worker.alias("staging", "1")
    with two_function_stack("staging", api, worker, api_new="2", worker_new="1"):
        yield api, worker


def _stages(tmp_path: Path, extra: str = "") -> Path:
    copy = tmp_path / "stages.toml"
    shutil.copy(project_root() / "stages.toml", copy)
    copy.write_text(copy.read_text() + extra)
    assert list(tomllib.loads(copy.read_text())["functions"]) == ["order-api", "order-worker"]
    return copy


def _status(run_cli: Any, stages: Path, *more: str) -> Any:
    return run_cli("status", "--stage", "staging", "--stages-file", stages, *more)


def test_every_function_is_shown_with_its_own_drift(service: tuple[Lab, Lab], run_cli: Any, tmp_path: Path) -> None:
    api, worker = service
    stages = _stages(tmp_path)
    clean = _status(run_cli, stages, "--json", "--fail-on-drift")
    assert clean.code == 0, clean.err
    document = clean.json()
    assert [(f["key"], f["function"]) for f in document["functions"]] == [
        ("order-api", api.function), ("order-worker", worker.function)
    ]  # fmt: skip
    assert [f["stackVersion"] for f in document["functions"]] == ["2", "1"]  # each function's own NewVersion
    assert document["stage"] == "staging" and document["pinned"] == []
    worker.lam.update_alias(FunctionName=worker.function, Name="staging", FunctionVersion="2")  # a hand move
    moved = _status(run_cli, stages, "--json", "--fail-on-drift")
    assert moved.code == 1  # the worker drifted: the stage does
    drift = {f["key"]: [(d["alias"], d["kind"], d["live"]) for d in f["drift"]] for f in moved.json()["functions"]}
    assert drift == {"order-api": [], "order-worker": [("staging", "moved", "2")]}
    text = _status(run_cli, stages)
    assert f"== order-api: {api.function}" in text.out and f"== order-worker: {worker.function}" in text.out


def test_a_pin_of_an_alias_every_function_inherits_is_refused_and_writes_nothing(
    service: tuple[Lab, Lab], run_cli: Any, tmp_path: Path
) -> None:
    _, worker = service
    stages = _stages(tmp_path)
    before = stages.read_bytes()
    worker.lam.update_alias(FunctionName=worker.function, Name="staging", FunctionVersion="2")
    refused = _status(run_cli, stages, "--pin")
    assert refused.code == 2
    assert "alias staging is declared for every function of stage staging" in refused.err
    assert "[[stages.staging.functions.order-worker.aliases]]" in refused.err and "nothing was written" in refused.err
    assert stages.read_bytes() == before


def test_a_pin_writes_the_functions_own_block_and_leaves_the_others(
    service: tuple[Lab, Lab], run_cli: Any, tmp_path: Path
) -> None:
    _, worker = service
    stages = _stages(tmp_path, WORKER_BLOCK)
    worker.lam.update_alias(FunctionName=worker.function, Name="staging", FunctionVersion="2")
    pinned = _status(run_cli, stages, "--pin", "--json")
    assert pinned.code == 0, pinned.err
    assert pinned.json()["pinned"] == ["staging"]
    document = tomllib.loads(stages.read_text())
    assert document["stages"]["staging"]["functions"]["order-worker"]["aliases"] == [{"name": "staging", "target": 2}]
    assert document["stages"]["staging"]["aliases"][0]["target"] == "new"  # the Order API's declaration stays
    assert "target = 2   # the worker's own declaration" in stages.read_text()
    again = _status(run_cli, stages, "--json", "--fail-on-drift")
    assert again.code == 0 and all(f["drift"] == [] for f in again.json()["functions"])
