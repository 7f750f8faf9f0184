"""Requests per second and p50/p99 latency of ``release serve``, measured by a client in the same run.

Starts ``release serve --port 0`` on the stage's synthesized template (a child process, as a user
runs it), waits for its URL, then over one kept-alive connection (``http.client``) sends N sequential
status reads of the sample order (``GET /orders/ORD-2024-001``) and M sequential creates
(``POST /orders``), timing each request from send to the last byte of the answer. Every answer must
be a 200. The server is stopped with Ctrl-C (SIGINT) at the end. Target: p50 under 5 ms for reads.

Like bench/handler_latency.py these include moto's in-process DynamoDB, which is slower than the real
one per call (and grows create latency with the table, see that script): numbers for comparing
builds of the local server, not for predicting production.

    python bench/serve_latency.py [--reads 2000] [--creates 200] [--stage dev] [--template PATH]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import select
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.dont_write_bytecode = True

from release_cli.local_invoke import template_path  # noqa: E402

CREATE = json.dumps({"customerId": "CUST-001", "items": [{"productId": "PROD-A", "quantity": 2}]}).encode()
URL_LINE = re.compile(r"on http://127\.0\.0\.1:(\d+) ")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def start(template: Path, stage: str) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "release_cli",
        "serve",
        "--port",
        "0",
        "--stage",
        stage,
        "--template",
        str(template),
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if select.select([process.stdout], [], [], 0.5)[0]:
            found = URL_LINE.search(process.stdout.readline())
            if found:
                return process, int(found.group(1))
    process.kill()
    raise SystemExit("release serve did not start (is the stage synthesized? run bash scripts/setup.sh)")


def measure(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None, count: int) -> list[float]:
    headers = {"Content-Type": "application/json"} if body else {}
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        timings.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise SystemExit(f"{method} {path} answered {response.status}")
    return timings


def report(name: str, timings: list[float]) -> None:
    total_s = sum(timings) / 1000
    print(
        f"{name:7} x{len(timings):5}: {len(timings) / total_s:7.0f} req/s   p50 {statistics.median(timings):6.2f} ms"
        f"   p99 {percentile(timings, 0.99):6.2f} ms   max {max(timings):7.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--creates", type=int, default=200)
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--template", type=Path)
    args = parser.parse_args()
    process, port = start(args.template or template_path(args.stage), args.stage)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        measure(conn, "GET", "/orders/ORD-2024-001", None, 20)  # warm-up: client, config cache, botocore models
        measure(conn, "POST", "/orders", CREATE, 5)
        reads = measure(conn, "GET", "/orders/ORD-2024-001", None, args.reads)
        creates = measure(conn, "POST", "/orders", CREATE, args.creates)
        conn.close()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    report("status", reads)
    report("create", creates)
    p50 = statistics.median(reads)
    print(f"target p50 < 5 ms for reads: {'met' if p50 < 5 else 'NOT met'} ({p50:.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
