"""The integration tests (tests/integration) against the dev stage deployed to the local emulator: the same
tests that run against a real AWS stage, run as their own command exactly as CI runs them, with the
emulator's environment (its endpoint and explicit test keys; profile files hidden).

Passing means every one of them passed and none skipped: a skip (no credentials, no stack, a
``.localhost`` URL Python cannot resolve) would otherwise look green. The stage is seeded first, as a
deployed stage must be for the lab's GetOrderStatus events (``release seed-data``, idempotent).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, CliResult
from tests.emulator.conftest import EmulatedStage

pytestmark = pytest.mark.xdist_group("emulator")

COMMAND = [sys.executable, "-m", "pytest", "--confcutdir=tests/integration", "tests/integration", "-p", "no:randomly",
           "-n0", "-q"]  # fmt: skip
TIMEOUT_S = 300


def _run(extra: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *extra], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=TIMEOUT_S)  # fmt: skip


def test_every_integration_test_passes_against_the_emulated_dev_stage(
    emulator_env: EmulatedStage, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    seeded = run_cli("seed-data", "--stage", "dev")
    assert seeded.code == 0, seeded.err
    environment = {**os.environ, **emulator_env.environment, "INTEGRATION_STAGE": "dev"}
    collected = _run(["--collect-only"], environment)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    count = sum(int(n) for n in re.findall(r"^tests/integration/\S+\.py: (\d+)$", collected.stdout, re.MULTILINE))
    assert count >= 5, collected.stdout

    report = tmp_path / "integration.xml"
    result = _run([f"--junitxml={report}"], environment)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None
    outcome = {key: int(suite.get(key, "0")) for key in ("tests", "failures", "errors", "skipped")}
    assert outcome == {"tests": count, "failures": 0, "errors": 0, "skipped": 0}, result.stdout[-4000:]
