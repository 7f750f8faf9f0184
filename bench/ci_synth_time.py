"""Synth time of the CI stacks next to the default synth, through the project's pinned CDK CLI.

The pipeline synth is what its Synth step (and every self-update) pays on top of the default synth;
it holds every stage again, inside the pipeline's assembly. Alternating runs, so machine load
affects all alike. Prints the median of N runs of each.
Usage: .venv/bin/python bench/ci_synth_time.py [runs]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from synth_time import synth_seconds  # bench/ is on sys.path when a bench script runs

ROOT = Path(__file__).resolve().parent.parent
CONNECTION = "arn:aws:codeconnections:eu-west-1:111111111111:connection/12345678-1234-1234-1234-123456789012"
VARIANTS = {
    "default (three stages)": [],
    "--context stage=pipeline": [
        "--context", "stage=pipeline", "--context", "repository=octo-org/version-demo",
        "--context", f"connection_arn={CONNECTION}", "--context", "pipeline_account=111111111111",
        "--context", "pipeline_region=eu-west-1",
    ],
    "--context stage=ci-bootstrap": [
        "--context", "stage=ci-bootstrap", "--context", "repository=octo-org/version-demo",
    ],
}  # fmt: skip


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            for name, context in VARIANTS.items():
                times[name].append(synth_seconds(ROOT, Path(tmp) / "out", context))
    print(f"runs: {runs}")
    for name, seconds in times.items():
        print(f"{name:30} median {statistics.median(seconds):6.2f} s  {[round(t, 2) for t in seconds]}")


if __name__ == "__main__":
    main()
