"""``release smoke --repeat 100``: the CLI's own time per invocation, beyond the Invoke call itself.

Runs every production-safe test event 100 times through the real smoke code (matching, split,
JUnit report) against recorded Invoke responses (botocore's Stubber: nothing leaves the machine),
and reports (wall time - time inside the Invoke calls) / invocations. The recorded call itself
costs botocore's request building and response parsing, reported separately.

    python bench/smoke_overhead.py [--repeat 100]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.dont_write_bytecode = True

REGION = "us-east-1"


def recorded(version: str) -> dict[str, Any]:
    from botocore.response import StreamingBody

    body = json.dumps({"message": "ok", "version": "1.0.0", "functionVersion": version, "action": "status"})
    payload = json.dumps({"statusCode": 200, "body": body}).encode()
    return {"StatusCode": 200, "ExecutedVersion": version, "Payload": StreamingBody(io.BytesIO(payload), len(payload))}


def main() -> int:
    import boto3
    from botocore.stub import Stubber

    from release_cli.commands.smoke import _junit
    from release_cli.ops.clients import AwsContext
    from release_cli.ops.lambda_reads import AliasState
    from release_cli.ops.smoke_run import run_smoke
    from service_model.test_events import load_events

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    events = [event for event in load_events(ROOT / "test_events") if event.production_safe]
    client = boto3.client("lambda", region_name=REGION, aws_access_key_id="b", aws_secret_access_key="b")
    stub = Stubber(client)
    total = len(events) * args.repeat
    for index in range(total):
        stub.add_response("invoke", recorded("2" if index % 10 == 0 else "1"))
    ctx = AwsContext(region=REGION)
    ctx.use("lambda", client)
    alias = AliasState(name="prod", version="1", weights={"2": 0.1})
    with stub:
        started = time.perf_counter()
        smoke = run_smoke(ctx, function="fn", alias=alias, events=events, repeat=args.repeat)
        with tempfile.TemporaryDirectory() as folder:
            _junit(Path(folder) / "smoke.xml", smoke, "2026-01-01T00:00:00")
            split = smoke.split
        wall = time.perf_counter() - started
    calls = [r.call_ms for r in smoke.results]
    overhead = (wall * 1000 - sum(calls)) / total
    print(f"smoke --repeat {args.repeat}: {len(events)} production-safe events, {total} invocations "
          f"(recorded responses), {wall:.2f} s wall including the JUnit report")  # fmt: skip
    print(f"  overhead beyond the Invoke call: {overhead:.3f} ms per invocation")
    print(
        f"  the recorded Invoke call itself (botocore request/response work): median {statistics.median(calls):.3f} ms"
    )
    print(f"  split: {', '.join(f'{s.version}: {s.count} ({s.low:.1%}-{s.high:.1%})' for s in split)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
