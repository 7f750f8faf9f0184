"""Synth time of the whole app (three stages, cdk-nag on) next to a minimal one-function CDK app.

Both are synthesized by the project's pinned CDK CLI in the same run, alternating, so machine load
affects both alike. Prints the median of N runs of each and the ratio (target: at most 1.5x).
Usage: .venv/bin/python bench/synth_time.py [runs] [--against REF]
``--against REF`` also synthesizes the app as it was at git ref REF (a temporary worktree), in the
same alternation: the before and after of a change, measured under the same load.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINIMAL_APP = """
import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

app = cdk.App()
stack = cdk.Stack(app, "minimal")
lambda_.Function(stack, "Fn", runtime=lambda_.Runtime.PYTHON_3_13, handler="index.handler",
                 code=lambda_.Code.from_inline("def handler(event, context):\\n    return {}"))
app.synth()
"""


def synth_seconds(app_dir: Path, outdir: Path, context: Sequence[str] = ()) -> float:
    """Wall time of one ``cdk synth`` of the app in ``app_dir`` (the project's pinned CLI), with ``context`` flags."""
    shutil.rmtree(outdir, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(
        [str(ROOT / "scripts/cdk"), "synth", "--quiet", *context, "-o", str(outdir)],
        cwd=app_dir,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--against"]
    against = sys.argv[sys.argv.index("--against") + 1] if "--against" in sys.argv else None
    if against:
        args.remove(against)
    runs = int(args[0]) if args else 3
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal"
        minimal.mkdir()
        (minimal / "app.py").write_text(MINIMAL_APP)
        cdk_json = json.loads((ROOT / "cdk.json").read_text())
        (minimal / "cdk.json").write_text(json.dumps({**cdk_json, "app": "python3 app.py"}))
        before = Path(tmp) / "before"
        if against:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), against], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        ours, theirs, earlier = [], [], []
        try:
            for _ in range(runs):
                ours.append(synth_seconds(ROOT, Path(tmp) / "ours.out"))
                theirs.append(synth_seconds(minimal, Path(tmp) / "minimal.out"))
                if against:
                    earlier.append(synth_seconds(before, Path(tmp) / "before.out"))
        finally:
            if against:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], check=False)
    if earlier:
        print(f"at {against}: median {statistics.median(earlier):.2f} s  {[round(t, 2) for t in earlier]}")
    ours_median, minimal_median = statistics.median(ours), statistics.median(theirs)
    print(f"runs: {runs}")
    print(f"all three stages (cdk synth, cdk-nag on): median {ours_median:.2f} s  {[round(t, 2) for t in ours]}")
    print(f"minimal one-function app (cdk synth):     median {minimal_median:.2f} s  {[round(t, 2) for t in theirs]}")
    print(f"ratio: {ours_median / minimal_median:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
