"""The emulator tests' ``xdist_group`` keeps them on one worker (one emulator deploy), on the pinned
pytest and pytest-xdist (tests/xdist_groups.py says why that needs a hook on pytest 9.2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

MODULE = """
import os
import pytest

pytestmark = pytest.mark.xdist_group("together")


@pytest.mark.parametrize("n", range(4))
def test_records_its_worker(n):
    with open(os.environ["WORKERS_FILE"], "a") as out:
        out.write(os.environ.get("PYTEST_XDIST_WORKER", "none") + "\\n")
"""


def test_a_group_spread_over_two_modules_runs_on_one_worker(tmp_path: Path) -> None:
    for name in ("test_one.py", "test_two.py"):
        (tmp_path / name).write_text(MODULE)
    workers = tmp_path / "workers.txt"
    environment = {**os.environ, "WORKERS_FILE": str(workers), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.xdist_groups", "-p", "no:cacheprovider", "-n", "2",
         "--dist", "loadgroup", "-q", "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path)],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    ran_on = workers.read_text().split()
    assert len(ran_on) == 8 and len(set(ran_on)) == 1, ran_on
