"""Warm invoke latency of the Order API handler against the local DynamoDB (moto), median and p99.

Runs in one process through the local runner's set-up (tables from the template, Lambda-like
context): a warm-up call first (client creation, config read), then N creates and N status reads.
moto's in-process DynamoDB is much slower than the real one per call, so these numbers bound the
handler's own overhead from above; they are for comparing builds, not for predicting production.
In particular moto deep-copies the tables to be able to roll a TransactWriteItems back, so create
latency grows with the number of items already stored (the status read does not).

    python bench/handler_latency.py [--calls N] [--template PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.dont_write_bytecode = True

from release_cli.local_invoke import load_template, local_aws, make_context, template_path  # noqa: E402

CREATE = {"action": "create", "customerId": "CUST-001", "items": [{"productId": "PROD-A", "quantity": 2}]}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--template", type=Path, default=template_path("dev"))
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    with local_aws(load_template(args.template)) as spec:
        import handler

        warm = handler.lambda_handler(CREATE, make_context(spec, alias="dev", function_version="1"))
        order_id = json.loads(warm["body"])["orderId"]
        status = {"action": "status", "orderId": order_id}
        for name, event in (("create", CREATE), ("status", status)):
            timings = []
            for _ in range(args.calls):
                # A fresh context per call, as Lambda gives each invocation (its remaining time counts down).
                context = make_context(spec, alias="dev", function_version="1")
                started = time.perf_counter()
                response = handler.lambda_handler(event, context)
                timings.append((time.perf_counter() - started) * 1000)
                assert response["statusCode"] == 200, response
            print(
                f"warm {name:6} x{args.calls}: median {statistics.median(timings):6.2f} ms   "
                f"p99 {percentile(timings, 0.99):6.2f} ms   (moto DynamoDB, in-process)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
