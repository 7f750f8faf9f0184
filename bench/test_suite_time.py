"""Wall time of the whole test suite (the README's test command), median of N runs.

Target: under 60 s on the 2-core machine. Usage: .venv/bin/python bench/test_suite_time.py [runs]
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "pytest"], cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        counts = [line for line in result.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)]
        summary = counts[-1] if counts else "(no pytest summary line)"
        if result.returncode != 0:
            raise SystemExit(f"test suite failed: {summary}")
    print(f"test suite: {summary}")
    each = [round(t, 1) for t in times]
    print(f"wall time: median {statistics.median(times):.1f} s over {runs} run(s) {each} (target < 60 s)")


if __name__ == "__main__":
    main()
