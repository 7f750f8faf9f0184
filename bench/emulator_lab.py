"""Seconds for the lab on the local emulator: start, bootstrap, first deploy, update deploy, and LAB.md whole.

The steps run as a person runs them (``scripts/emulator.py`` in a copy of the project, so the code change
of the update deploy touches no checkout), then the walkthrough test runs LAB.md end to end and reports
each step's seconds. Target: the whole walkthrough under 90 s.
Usage: .venv/bin/python bench/emulator_lab.py
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.emulator.walkthrough import project_copy  # noqa: E402

TARGET_S = 90.0


def timed(project: Path, *command: str) -> float:
    began = time.monotonic()
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "scripts/emulator.py", *command], cwd=project,
                            capture_output=True, text=True)  # fmt: skip
    if result.returncode != 0:
        sys.exit(f"scripts/emulator.py {' '.join(command)} failed (exit {result.returncode}):\n{result.stderr}")
    return time.monotonic() - began


def steps_seconds(project: Path) -> dict[str, float]:
    seconds = {"emulator start": timed(project, "start")}
    try:
        seconds["cdk bootstrap"] = timed(project, "bootstrap")
        seconds["first deploy (dev)"] = timed(project, "deploy")
        version = project / "lambda_src" / "order_api" / "version.py"
        version.write_text(re.sub(r'^VERSION = ".*"$', 'VERSION = "9.9.9"', version.read_text(), flags=re.M))
        seconds["update deploy (version 2)"] = timed(project, "deploy")
    finally:
        timed(project, "down")
    return seconds


def walkthrough_seconds(folder: Path) -> list[tuple[int, str, float]]:
    timings = folder / "timings.json"
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "pytest", "-m", "lab", "-n0", "-p", "no:randomly", "-q",
         "tests/emulator/test_walkthrough.py"],
        cwd=ROOT, check=True, env={**os.environ, "LAB_TIMINGS_FILE": str(timings)},
    )  # fmt: skip
    return [(line, command, seconds) for line, command, seconds in json.loads(timings.read_text())]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for step, seconds in steps_seconds(project_copy(ROOT, Path(folder) / "project")).items():
            print(f"{step:<28} {seconds:6.1f} s")
        steps = walkthrough_seconds(Path(folder))
    total = sum(seconds for _, _, seconds in steps)
    print(f"\nLAB.md, {len(steps)} commands, slowest first:")
    for line, command, seconds in sorted(steps, key=lambda step: -step[2])[:8]:
        print(f"  {seconds:6.1f} s  line {line:<4} {command[:80]}")
    verdict = "met" if total < TARGET_S else "NOT met"
    print(f"{'whole walkthrough':<28} {total:6.1f} s (target under {TARGET_S:.0f} s: {verdict})")


if __name__ == "__main__":
    main()
