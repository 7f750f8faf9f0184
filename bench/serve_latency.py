"""Requests per second and p50/p99 latency of ``release serve``, measured by a client in the same run.

Starts ``release serve --port 0`` on the stage's synthesized template (a child process, as a user
runs it), waits for its URL, then over one kept-alive connection (``http.client``) sends N sequential
status reads of the sample order (``GET /orders/ORD-2024-001``) and M sequential creates
(``POST /orders``), timing each request from send to the last byte of the answer. Every answer must
be a 200. The server is stopped with Ctrl-C (SIGINT) at the end. Target: p50 under 5 ms for reads.

--sweep measures the server under load instead: for each table size (100, 1,000, 10,000 orders; a
fresh server filled by creates over 10 connections) and each number of concurrent clients (1, 10,
50), every client sends the same mix (one create with its own Idempotency-Key to two status reads)
until the cell's requests are done; p50/p99 per request kind, requests per second over the cell, the
server's RSS (``VmRSS``; its peak ``VmHWM``) afterwards, and the requests that failed (a connection
reset, a refused connection, a 5xx). Clients keep their connection alive; the last row of each size
opens a new connection per request (``conn=new``). The orders column is the table's size when the
cell starts (each cell adds its creates). Numbers, not a timed test: they depend on the machine.
With 50 kept-alive clients the create p99 is mostly the first request of each client (every client
starts with a create), which includes connecting: the accept loop and each new connection's thread
wait for Python's interpreter lock while the environments run. Across runs here it was 0.5-0.9 s;
a 1 ms interpreter switch interval (``sys.setswitchinterval``) halved it at a higher median, and is
not set.

Like bench/handler_latency.py these include moto's in-process DynamoDB, which is slower than the real
one per call: numbers for comparing builds of the local server, not for predicting production.

    python bench/serve_latency.py [--reads 2000] [--creates 200] [--stage dev] [--template PATH]
    python bench/serve_latency.py --sweep [--requests 600] [--concurrency 4]
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
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.dont_write_bytecode = True

from release_cli.local_invoke import template_path  # noqa: E402
from tests.serve.order_traffic import order_request  # noqa: E402

CREATE = json.dumps({"customerId": "CUST-001", "items": [{"productId": "PROD-A", "quantity": 2}]}).encode()
URL_LINE = re.compile(r"on http://127\.0\.0\.1:(\d+) ")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def start(template: Path, stage: str, *extra: str) -> tuple[subprocess.Popen[str], int]:
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
        *extra,
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


SIZES = (100, 1_000, 10_000)
CLIENTS = (1, 10, 50)
FILL_CLIENTS = 10


@dataclass
class Cell:
    """What one cell of the sweep saw: timings per kind, failures, wall time."""

    creates: list[float] = field(default_factory=list)
    reads: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def client_run(port: int, count: int, first: int, cell: Cell, *, keep_alive: bool) -> None:
    """``count`` requests of the mix (every third a create) on one connection, or a new one per request."""
    conn: http.client.HTTPConnection | None = None
    for n in range(first, first + count):
        create = n % 3 == 0
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status = order_request(conn, create_body=CREATE if create else None)
        except OSError as err:
            with cell.lock:
                cell.failures.append(f"{type(err).__name__}: {err}")
            conn = None
            continue
        elapsed = (time.perf_counter() - started) * 1000
        with cell.lock:
            (cell.creates if create else cell.reads).append(elapsed)
            if status != 200:
                cell.failures.append(f"HTTP {status}")
        if not keep_alive:
            conn.close()
            conn = None
    if conn is not None:
        conn.close()


def run_cell(port: int, clients: int, requests: int, *, keep_alive: bool = True) -> Cell:
    cell = Cell()
    share = max(1, requests // clients)
    threads = [
        threading.Thread(target=client_run, args=(port, share, i * share, cell), kwargs={"keep_alive": keep_alive})
        for i in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cell.seconds = time.perf_counter() - started
    return cell


def fill(port: int, orders: int) -> None:
    """Create ``orders`` orders (all creates) over FILL_CLIENTS connections."""

    def creates(count: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(count):
            conn.request("POST", "/orders", body=CREATE, headers={"Idempotency-Key": uuid.uuid4().hex})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"filling the table: POST /orders answered {response.status}")
        conn.close()

    share = orders // FILL_CLIENTS
    threads = [
        threading.Thread(target=creates, args=(share + (orders % FILL_CLIENTS if i == 0 else 0),))
        for i in range(FILL_CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def memory_mb(pid: int) -> tuple[float, float]:
    """The process's resident set now and at its peak (VmRSS, VmHWM), in MB (Linux)."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def sweep(template: Path, stage: str, requests: int, concurrency: int, sizes: tuple[int, ...] = SIZES) -> None:
    header = (
        f"{'orders':>7} {'clients':>7} {'conn':>4} {'req/s':>7} {'create p50':>10} {'create p99':>10} "
        f"{'read p50':>9} {'read p99':>9} {'RSS MB':>7} {'peak MB':>7} {'failed':>6}"
    )
    print(f"release serve --concurrency {concurrency}; {requests} requests per cell (1 create : 2 reads)")
    print(header)
    for size in sizes:
        process, port = start(template, stage, "--concurrency", str(concurrency))
        try:
            fill(port, size - 1)  # the sample order is the first
            orders = size
            rows: list[tuple[int, bool]] = [(clients, True) for clients in CLIENTS] + [(CLIENTS[-1], False)]
            for clients, keep_alive in rows:
                cell = run_cell(port, clients, requests, keep_alive=keep_alive)
                rss, peak = memory_mb(process.pid)
                done = len(cell.creates) + len(cell.reads)
                print(
                    f"{orders:>7} {clients:>7} {'keep' if keep_alive else 'new':>4} {done / cell.seconds:>7.0f} "
                    f"{statistics.median(cell.creates):>8.2f}ms {percentile(cell.creates, 0.99):>8.2f}ms "
                    f"{statistics.median(cell.reads):>7.2f}ms {percentile(cell.reads, 0.99):>7.2f}ms "
                    f"{rss:>7.0f} {peak:>7.0f} {len(cell.failures):>6}",
                    flush=True,
                )
                for failure in sorted(set(cell.failures))[:3]:
                    print(f"        failed: {failure}")
                orders += len(cell.creates)
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--creates", type=int, default=200)
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--template", type=Path)
    parser.add_argument("--sweep", action="store_true", help="table sizes x concurrent clients (see above)")
    parser.add_argument("--requests", type=int, default=600, help="requests per cell of the sweep")
    parser.add_argument("--concurrency", type=int, default=4, help="the server's --concurrency in the sweep")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="table sizes of the sweep")
    args = parser.parse_args()
    if args.sweep:
        sweep(
            args.template or template_path(args.stage), args.stage, args.requests, args.concurrency, tuple(args.sizes)
        )
        return 0
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
