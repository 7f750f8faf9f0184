"""LAB.md, the seed lab end to end on the local emulator, run command by command as written.

The document is the one source: the commands this test runs and the answers it checks are the ones
a newcomer reads (``tests/emulator/walkthrough.py`` parses it). Any step whose answer changes fails
the test with the document's line, the expected answer and the actual one. It takes about a minute
(three deploys, a change set and a destroy), so it is marked ``lab``: ``.ci/run`` and CI run it as a
step of its own (``python -m pytest -m lab``); the default suite runs the short slice of the emulator
tests (deploy, invoke, promote) instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.emulator.conftest import NOT_INSTALLED
from tests.emulator.emulator_script import emulator
from tests.emulator.walkthrough import Outcome, Shell, project_copy, steps

pytestmark = [pytest.mark.xdist_group("emulator"), pytest.mark.lab]

DOCUMENT = ROOT / "LAB.md"
TIMINGS_VARIABLE = "LAB_TIMINGS_FILE"
"""When set, the seconds each step took are written there as JSON (``bench/emulator_lab.py`` reads them)."""


def shell_environment() -> dict[str, str]:
    """A newcomer's terminal: no AWS settings of any kind (the lab's first `eval` points it at the emulator)."""
    return {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}


def run_walkthrough(project: Path) -> list[Outcome]:
    """Every step of LAB.md in one shell in ``project``, stopping at the first that differs."""
    import time

    shell = Shell(project, shell_environment())
    outcomes: list[Outcome] = []
    try:
        for step in steps(DOCUMENT.read_text()):
            began = time.monotonic()
            code, output = shell.run(step.command)
            outcomes.append(Outcome(step, code, output, time.monotonic() - began))
            if not outcomes[-1].ok:
                break
    finally:
        shell.close()
        emulator.stop(project / ".emulator")  # a step that failed may have left it running
    return outcomes


def test_the_lab_runs_as_written(tmp_path: Path) -> None:
    if not emulator.EMULATOR.is_file():
        pytest.skip(NOT_INSTALLED)
    outcomes = run_walkthrough(project_copy(ROOT, tmp_path / "project"))
    if timings := os.environ.get(TIMINGS_VARIABLE):
        Path(timings).write_text(json.dumps([[o.step.line, o.step.command, o.seconds] for o in outcomes]))
    failed = [outcome for outcome in outcomes if not outcome.ok]
    assert not failed, failed[0].explain()
    assert len(outcomes) == len(steps(DOCUMENT.read_text()))
