"""Every file a user can name to review, baseline, protect, local or serve: each problem is
``error: <path>: <problem>`` and exit 2, never a traceback and never exit 1 (which means DANGER).

One row per (command, file it reads or writes); one column per problem: missing, a directory,
unreadable (skipped as root, who reads a mode-000 file anyway), not UTF-8, invalid syntax.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, CliResult
from tests.review.conftest import corpus_pair, write_assembly

PAIR = corpus_pair("modify_in_place")
PROBLEMS = ("missing", "directory", "unreadable", "not-utf8", "invalid")


@dataclass(frozen=True)
class Row:
    """``argv`` with ``{bad}`` for the file under test and ``{dir}`` for the test's folder; ``invalid`` is the
    file's syntax error; ``at`` is where the bad file goes relative to the named path (for folders)."""

    argv: tuple[str, ...]
    invalid: str
    at: str = ""
    valid: str = "{}"


TEMPLATE_ROWS = {
    "review --old": Row(("review", "--old", "{bad}", "--new", str(PAIR.new)), "{ not json"),
    "review --new": Row(("review", "--old", str(PAIR.old), "--new", "{bad}"), "Resources: [unclosed"),
    "review --allowances": Row(
        ("review", "--old", str(PAIR.old), "--new", str(PAIR.new), "--allowances", "{bad}"), "[[allow]\n", valid=""
    ),
    "review --baselines (the stage's baseline)": Row(
        ("review", "--stage", "dev", "--cdk-out", "{dir}/cdk.out", "--baselines", "{bad}"), "{", at="dev.template.json"
    ),
    "review --cdk-out (its manifest)": Row(("review", "--stage", "dev", "--cdk-out", "{bad}"), "{", at="manifest.json"),
    "baseline --cdk-out (its manifest)": Row(
        ("baseline", "--stage", "dev", "--cdk-out", "{bad}", "--baselines", "{dir}/out"), "{", at="manifest.json"
    ),
    "protect --from-synth --cdk-out (its manifest)": Row(
        ("protect", "--stage", "dev", "--dry-run", "--from-synth", "--cdk-out", "{bad}"), "{", at="manifest.json"
    ),
    "local --template": Row(("local", "--template", "{bad}", "--quiet"), "{ not json"),
    "local -e": Row(
        ("local", "--template", "{dir}/dev.json", "--function", "order-api", "-e", "{bad}", "--quiet"), "{ not json"
    ),
    "serve --template": Row(("serve", "--template", "{bad}", "--port", "0"), "{ not json"),
}


def _make(problem: str, path: Path, row: Row) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if problem == "directory":
        path.mkdir()
    elif problem == "unreadable":
        path.write_text(row.valid)
        path.chmod(0)
    elif problem == "not-utf8":
        path.write_bytes(b'{"Resources": {}, "x": "\xff\xfe"}')
    elif problem == "invalid":
        path.write_text(row.invalid)


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("name", list(TEMPLATE_ROWS))
def test_a_file_problem_is_error_path_problem_and_exit_2(
    name: str, problem: str, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    if problem == "unreadable" and os.geteuid() == 0:
        pytest.skip("root reads a mode-000 file: the problem cannot be made")
    row = TEMPLATE_ROWS[name]
    folder = tmp_path / "work"
    write_assembly(folder / "cdk.out", {"dev": PAIR.new.read_text()})
    (folder / "dev.json").write_text(PAIR.new.read_text())
    named = folder / "bad"
    bad = named / row.at if row.at else named
    if row.at:
        named.mkdir()
        if row.at == "manifest.json":
            (named / "version-demo-dev.template.json").write_text(PAIR.new.read_text())
    _make(problem, bad, row)
    argv = [part.replace("{bad}", str(named)).replace("{dir}", str(folder)) for part in row.argv]
    try:
        result = run_cli(*argv)
    finally:
        if bad.exists() and not bad.is_dir():
            bad.chmod(0o644)
    assert "Traceback" not in result.err
    assert (result.code, result.err.splitlines()[0].startswith(f"error: {bad}")) == (2, True), result.err


@pytest.mark.parametrize("problem", ["missing", "not-a-folder"])
def test_local_events_dir_problems_name_the_folder(
    problem: str, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    events = tmp_path / "events"
    if problem == "not-a-folder":
        events.write_text("{}")
    template = tmp_path / "dev.json"
    template.write_text(PAIR.new.read_text())
    result = run_cli("local", "--template", template, "--function", "order-api", "--events-dir", events)
    assert (result.code, result.err.splitlines()[0]) == (2, f"error: {events}: no event files (*.json)")


def test_baseline_into_a_baselines_path_that_is_a_file_is_exit_2(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    cdk_out = write_assembly(tmp_path / "cdk.out", {"dev": PAIR.new.read_text()})
    blocker = tmp_path / "baselines"
    blocker.write_text("a file where the folder should be")
    result = run_cli("baseline", "--stage", "dev", "--cdk-out", cdk_out, "--baselines", blocker)
    assert (result.code, result.err.splitlines()[0]) == (
        2,
        f"error: {blocker / 'dev.template.json'}: cannot write baseline: {blocker} is not a folder (check --baselines)",
    )


def test_baseline_replaces_an_old_baseline_that_is_not_utf8(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    """Comparing as text used to raise UnicodeDecodeError (a traceback, exit 1)."""
    cdk_out = write_assembly(tmp_path / "cdk.out", {"dev": PAIR.new.read_text()})
    (tmp_path / "baselines").mkdir()
    old = tmp_path / "baselines" / "dev.template.json"
    old.write_bytes(b"\xff\xfe")
    result = run_cli("baseline", "--stage", "dev", "--cdk-out", cdk_out, "--baselines", tmp_path / "baselines")
    assert (result.code, result.out) == (0, f"wrote {old}\n")
    assert json.loads(old.read_text()) == json.loads(PAIR.new.read_text())


def test_a_broken_default_allowance_file_is_an_error_not_an_empty_one(
    run_cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a missing default file means "no allowances"; a folder in its place is named, exit 2."""
    project = tmp_path / "project"
    (project / "review_allowances.toml").mkdir(parents=True)
    for name in ("cdk.json", "stages.toml"):
        (project / name).write_text((ROOT / name).read_text())
    monkeypatch.chdir(project)
    result = run_cli("review", "--old", PAIR.old, "--new", PAIR.new)
    assert (result.code, result.err.splitlines()[0]) == (
        2,
        f"error: {project / 'review_allowances.toml'}: allowance file: is a directory, not a file",
    )
