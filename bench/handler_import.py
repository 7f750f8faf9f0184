"""Import time of the Order API handler next to ``import boto3`` alone and the seed's bare handler.

Each measurement is a fresh interpreter (``python -X importtime`` would count differently), timed
inside the child with ``perf_counter`` around the import only, so interpreter start-up is excluded.
The three kinds are interleaved round by round so machine noise hits them alike; medians are printed.
Target (issue 3): the handler at most 1.2x ``import boto3``.

    python bench/handler_import.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANDLER_DIR = ROOT / "lambda_src" / "order_api"
SEED_HANDLER = """import json

VERSION = "2.0.0"


def lambda_handler(event, context):
    action = event.get("action", "none")
    if action == "create" and not event.get("customerId"):
        return {"statusCode": 400, "body": json.dumps({"error": "customerId is required"})}
    return {"statusCode": 200, "body": json.dumps({"version": VERSION, "action": action})}
"""
CHILD = """import sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, {path!r})
start = time.perf_counter()
import {module}
print((time.perf_counter() - start) * 1000)
"""


def measure(module: str, path: Path) -> float:
    code = CHILD.format(path=str(path), module=module)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return float(out.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as seed_dir:
        (Path(seed_dir) / "seed_handler.py").write_text(SEED_HANDLER)
        kinds = {
            "import boto3": ("boto3", ROOT),
            "seed handler (json only)": ("seed_handler", Path(seed_dir)),
            "order_api handler": ("handler", HANDLER_DIR),
        }
        samples: dict[str, list[float]] = {name: [] for name in kinds}
        for _ in range(args.runs):
            for name, (module, path) in kinds.items():
                samples[name].append(measure(module, path))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(f"import time, median of {args.runs} fresh interpreters each:")
    for name, median in medians.items():
        print(f"  {name:26} {median:8.1f} ms")
    ratio = medians["order_api handler"] / medians["import boto3"]
    print(f"  handler / boto3            {ratio:8.2f}x   (target <= 1.20x)")
    return 0 if ratio <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
