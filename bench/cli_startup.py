"""Start-up time of the ``release`` command (``release --help``): the CLI must not load aws-cdk-lib.

Target: well under a second. Prints the median of N runs and the modules that dominate the import.
Usage: .venv/bin/python bench/cli_startup.py [runs]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = Path(sys.executable).parent / "release"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(RELEASE), "--help"], cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    median_ms, max_ms = statistics.median(times) * 1000, max(times) * 1000
    print(f"release --help: median {median_ms:.0f} ms, max {max_ms:.0f} ms over {runs} runs (target: well under 1 s)")
    profile = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from release_cli.cli import build_parser; build_parser()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    cumulative = []
    for line in profile.stderr.splitlines()[1:]:
        fields = [field.strip() for field in line.removeprefix("import time:").split("|")]
        if len(fields) == 3 and fields[1].isdigit():
            cumulative.append((int(fields[1]), fields[2]))
    top = sorted((c for c in cumulative if "." not in c[1]), reverse=True)[:5]
    print("largest top-level imports: " + ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in top))


if __name__ == "__main__":
    main()
