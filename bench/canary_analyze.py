"""``release analyze``: wall time and GetMetricData calls, and the smallest canary that catches a doubling.

1. Against a local moto server (started here on a free 127.0.0.1 port): a function with alias
   ``live`` (version 1, 10 % to version 2) and an hour of per-minute Invocations, Errors and
   Throttles for each executed version (60 datapoints per metric and version); ``release analyze
   --window 1h --json`` run in-process, best of 5. moto has no percentiles (HTTP 500 on ``p99``), so
   the duration read is left out there, as in the tests: the call count is the counts' request alone
   (against CloudWatch, one more request for the percentiles; 12 queries fit one request, and a
   single-period query returns one datapoint each, so no second page).
2. The smallest canary traffic (invocations) at which a doubling of a 1 % error rate is detected,
   from ``canary_stats.canary_sample_size`` (Fleiss, continuity-corrected, one-sided), for 90/10 and
   50/50 routes and a few confidence/power pairs, with the total alias traffic it implies.

    python bench/canary_analyze.py
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGION = "us-east-1"


def moto_run() -> tuple[float, int, str]:
    import boto3

    from bench.local_moto import local_moto
    from release_cli.cli import main
    from release_cli.ops import canary_metrics

    with local_moto(REGION):
        lam, iam = boto3.client("lambda"), boto3.client("iam")
        name = f"bench-{uuid.uuid4().hex[:8]}"
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        from tests.release_ops.conftest import code_zip

        lam.create_function(FunctionName=name, Runtime="python3.13", Role=role, Handler="h.h",
                            Code={"ZipFile": code_zip("0")})  # fmt: skip
        for marker in ("1", "2"):
            lam.update_function_code(FunctionName=name, ZipFile=code_zip(marker))
            lam.publish_version(FunctionName=name)
        lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1",
                         RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})  # fmt: skip
        cloudwatch = boto3.client("cloudwatch")
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        for version, per_minute, errors in (("1", 900, 9), ("2", 100, 1)):
            dims = canary_metrics.dimensions(name, "live", version)
            data = [{"MetricName": metric, "Dimensions": dims, "Value": value, "Unit": "Count",
                     "Timestamp": now - timedelta(minutes=1 + m)}
                    for m in range(60) for metric, value in (("Invocations", per_minute), ("Errors", errors),
                                                             ("Throttles", 0))]  # fmt: skip
            for start in range(0, len(data), 500):
                cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=data[start : start + 500])
        canary_metrics.read_durations = lambda *_a, **_k: {}  # type: ignore[assignment]
        best, doc = float("inf"), {}
        for _ in range(5):
            out = io.StringIO()
            started = time.perf_counter()
            with contextlib.redirect_stdout(out):
                main(["analyze", "--function", name, "--alias", "live", "--window", "1h", "--json"])
            best = min(best, time.perf_counter() - started)
            doc = json.loads(out.getvalue())
        return best, doc["getMetricDataCalls"], doc["verdict"]


def detection_table() -> list[tuple[str, float, float, int, int]]:
    from release_cli.ops.canary_stats import canary_sample_size

    rows = []
    for route, ratio in (("90/10", 9.0), ("50/50", 1.0)):
        for confidence, power in ((0.95, 0.8), (0.95, 0.9), (0.99, 0.8)):
            n = canary_sample_size(0.01, 0.02, ratio=ratio, alpha=round(1 - confidence, 6), power=power)
            rows.append((route, confidence, power, n, round(n * (1 + ratio))))
    return rows


def main() -> None:
    seconds, calls, verdict = moto_run()
    print(f"analyze --window 1h over 60 one-minute datapoints per metric and version (moto, best of 5): "
          f"{seconds * 1000:.0f} ms, {calls} GetMetricData call(s), verdict {verdict}")  # fmt: skip
    print()
    print("| route | confidence | power | canary invocations | alias invocations |")
    print("|---|---|---|---|---|")
    for route, confidence, power, n, total in detection_table():
        print(f"| {route} | {confidence} | {power} | {n:,} | {total:,} |")


if __name__ == "__main__":
    main()
