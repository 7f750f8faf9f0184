"""Paths typed on the command line are taken from the current directory, as every CLI takes them; only the
defaults (cdk.out, baselines/, review_allowances.toml, test_events/) come from the project root.

Each test stands in a subdirectory (``monkeypatch.chdir``) and names its files relative to it. A relative
path that is not there, while the project root has a file of that name, says so: from ``lambda_src/``,
``release review --old baselines/...`` is the current directory's baselines, and the error says where
the project's are.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from release_cli.local_invoke import template_path
from tests.conftest import ROOT, CliResult, Synthesized
from tests.review.conftest import corpus_pair, write_assembly

PAIR = corpus_pair("modify_in_place")


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding the files under relative names, entered from a subdirectory of it."""
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    shutil.copy(PAIR.old, work / "old.json")
    shutil.copy(PAIR.new, work / "new.json")
    (work / "allow.toml").write_text('[[allow]]\nlogical_id = "ApiFunction"\nreason = "pinned"\n')
    write_assembly(work / "cdk.out", {"dev": PAIR.new.read_text()})
    (work / "baselines").mkdir()
    shutil.copy(PAIR.old, work / "baselines" / "dev.template.json")
    monkeypatch.chdir(work / "sub")
    return work


def test_review_files_and_allowances_are_taken_from_the_current_directory(
    here: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("review", "--old", "../old.json", "--new", "../new.json", "--allowances", "../allow.toml")
    assert result.code == 0, result.err
    assert "== Review: ../old.json -> ../new.json" in result.out


def test_review_cdk_out_and_baselines_are_taken_from_the_current_directory(
    here: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("review", "--stage", "dev", "--cdk-out", "../cdk.out", "--baselines", "../baselines")
    assert result.code == 0, result.err
    assert "read: cloud assembly ../cdk.out/manifest.json" in result.out


def test_baseline_and_protect_take_their_folders_from_the_current_directory(
    here: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("baseline", "--stage", "dev", "--cdk-out", "../cdk.out", "--baselines", "new-baselines")
    assert (result.code, (here / "sub" / "new-baselines" / "dev.template.json").is_file()) == (0, True)
    result = run_cli("protect", "--stage", "dev", "--dry-run", "--from-synth", "--cdk-out", "../cdk.out")
    assert result.code == 0, result.err


def test_local_template_and_event_file_are_taken_from_the_current_directory(
    here: Path, run_cli: Callable[..., CliResult], synthesized: Synthesized
) -> None:
    shutil.copy(ROOT / "test_events" / "UnknownAction.json", here / "event.json")
    shutil.copy(template_path("dev", cdk_out=synthesized.outdir), here / "dev.template.json")
    rel = Path("..") / "dev.template.json"
    result = run_cli(
        "local", "--template", rel, "--function", "order-api", "-e", "../event.json", "--no-sample-data", "--quiet"
    )
    assert result.code == 0, result.err
    assert f"template {rel}" in result.err


def test_a_root_relative_path_typed_in_a_subdirectory_says_where_the_projects_file_is(
    monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    """The case from the issue: in lambda_src/, ``--old baselines/dev.template.json`` is lambda_src's."""
    monkeypatch.chdir(ROOT / "lambda_src")
    typed = "baselines/dev.template.json"
    result = run_cli("review", "--old", typed, "--new", typed)
    assert (result.code, result.err) == (
        2,
        f"error: {typed}: template: no such file (relative paths are taken from the current directory, "
        f"{ROOT / 'lambda_src'}; the project root has {ROOT / typed})\n",
    )


def test_a_root_relative_baselines_folder_typed_in_a_subdirectory_says_the_same(
    monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    cdk_out = write_assembly(tmp_path / "cdk.out", {"dev": PAIR.new.read_text()})
    monkeypatch.chdir(ROOT / "lambda_src")
    result = run_cli("review", "--stage", "dev", "--cdk-out", cdk_out, "--baselines", "baselines")
    assert result.code == 2
    assert result.err.rstrip().endswith(f"the project root has {ROOT / 'baselines'})")
