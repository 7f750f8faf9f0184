"""``release local`` and ``release serve`` never run on a template a stale or partial synth left behind.

Each test stands in a small crafted project (cdk.json, stages.toml and a cdk.out whose manifest says
what the last synth wrote), so the defaults resolve there (``service_model.project``). The template
itself is the session's real dev synthesis. Rule (``release_cli.local_template``): the manifest must
list the stage, and the assembly must be newer than every infrastructure source; handler code and
test events are read from source, so editing them needs no synth.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from release_cli.local_invoke import template_path
from service_model.naming import stack_name
from tests.conftest import ROOT, CliResult, Synthesized

LONG_AGO = 1_000_000_000  # 2001-09-09T01:46:40Z
EVENT_ARGS = (
    "--function",
    "order-api",
    "--events-dir",
    str(ROOT / "test_events"),
    "UnknownAction",
    "--no-sample-data",
    "--quiet",
)


def _project(tmp_path: Path, synthesized: Synthesized, *, listed: tuple[str, ...]) -> Path:
    """A project whose cdk.out holds the dev template on disk, but whose manifest lists only ``listed``."""
    project = tmp_path / "project"
    cdk_out = project / "cdk.out"
    cdk_out.mkdir(parents=True)
    for name in ("cdk.json", "stages.toml"):
        shutil.copy(ROOT / name, project / name)
        os.utime(project / name, (LONG_AGO, LONG_AGO))
    shutil.copy(template_path("dev", cdk_out=synthesized.outdir), cdk_out / f"{stack_name('dev')}.template.json")
    artifacts: dict[str, Any] = {
        stack_name(stage): {
            "type": "aws:cloudformation:stack",
            "properties": {"templateFile": f"{stack_name(stage)}.template.json"},
        }
        for stage in listed
    }
    (cdk_out / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": artifacts}))
    return project


def _edit_stage_settings_after_the_synth(project: Path) -> None:
    os.utime(project / "cdk.out" / "manifest.json", (LONG_AGO + 10, LONG_AGO + 10))
    os.utime(project / "stages.toml", (LONG_AGO + 100, LONG_AGO + 100))


@pytest.fixture
def in_project(tmp_path: Path, synthesized: Synthesized, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    def make(*, listed: tuple[str, ...] = ("dev",)) -> Path:
        project = _project(tmp_path, synthesized, listed=listed)
        monkeypatch.chdir(project)
        return project

    return make


def test_local_refuses_a_stage_the_last_synth_did_not_write(
    in_project: Callable[..., Path], run_cli: Callable[..., CliResult]
) -> None:
    """After ``cdk synth -c stage=prod`` the dev template on disk is an earlier synth's."""
    project = in_project(listed=("prod",))
    result = run_cli("local", "--stage", "dev", *EVENT_ARGS)
    assert (result.code, result.out) == (2, "")
    first = result.err.splitlines()[0]
    assert first.startswith(f"error: {project / 'cdk.out' / 'manifest.json'}: the last synth wrote version-demo-prod")
    assert first.endswith(
        "synthesize it: cdk synth -c stage=dev (or pass --template FILE to run on a template of your choice)"
    )


def test_local_refuses_an_assembly_older_than_the_stage_settings(
    in_project: Callable[..., Path], run_cli: Callable[..., CliResult]
) -> None:
    project = in_project()
    _edit_stage_settings_after_the_synth(project)
    result = run_cli("local", "--stage", "dev", *EVENT_ARGS)
    assert result.code == 2
    assert f"before {project / 'stages.toml'} changed (2001-09-09T01:48:20Z)" in result.err
    assert "Synthesize again" in result.err


def test_local_runs_on_a_fresh_assembly_that_lists_the_stage(
    in_project: Callable[..., Path], run_cli: Callable[..., CliResult]
) -> None:
    project = in_project()
    result = run_cli("local", "--stage", "dev", *EVENT_ARGS)
    assert (result.code, result.out.splitlines()[-1]) == (0, "1 matched, 0 did not")
    dev_template = project / "cdk.out" / f"{stack_name('dev')}.template.json"
    assert f"template {dev_template}" in result.err


def test_a_handler_edit_needs_no_synth(in_project: Callable[..., Path], run_cli: Callable[..., CliResult]) -> None:
    """The handler runs from ``lambda_src`` itself; the template only carries its asset hash."""
    project = in_project()
    os.utime(project / "cdk.out" / "manifest.json", (LONG_AGO + 10, LONG_AGO + 10))
    (project / "lambda_src").mkdir()
    (project / "lambda_src" / "handler.py").write_text("# edited after the synth\n")
    assert run_cli("local", "--stage", "dev", *EVENT_ARGS).code == 0


def test_template_option_is_taken_as_given(
    in_project: Callable[..., Path], run_cli: Callable[..., CliResult], synthesized: Synthesized
) -> None:
    in_project(listed=("prod",))
    template = template_path("dev", cdk_out=synthesized.outdir)
    assert run_cli("local", "--stage", "dev", "--template", template, *EVENT_ARGS).code == 0


def test_serve_refuses_a_partial_assembly_before_listening(
    in_project: Callable[..., Path], run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    from release_cli.commands import serve

    def must_not_serve(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("serve started on a template the last synth did not write")

    monkeypatch.setattr(serve, "local_aws", must_not_serve)
    in_project(listed=("prod",))
    result = run_cli("serve", "--stage", "dev", "--port", "0")
    assert (result.code, "synthesize it: cdk synth -c stage=dev" in result.err) == (2, True)


def test_serve_refuses_a_stale_assembly(
    in_project: Callable[..., Path], run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    from release_cli.commands import serve

    monkeypatch.setattr(serve, "local_aws", lambda *a, **k: pytest.fail("served a stale template"))
    project = in_project()
    _edit_stage_settings_after_the_synth(project)
    result = run_cli("serve", "--stage", "dev", "--port", "0")
    assert (result.code, f"before {project / 'stages.toml'} changed" in result.err) == (2, True)
