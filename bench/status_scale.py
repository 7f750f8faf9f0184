"""``release status`` on a function with many versions: wall time and API calls.

Two measurements:
1. against a local moto server (started here on a free 127.0.0.1 port): a function with 500
   published versions and 3 aliases (one weighted), ``release status --json`` run in-process,
   wall time and the API calls it made. moto returns every version in one page (it ignores
   MaxItems), so its call count cannot show paging;
2. a stage of the service's functions (``release status --stage prod --json``, every function of
   stages.toml, each with that many versions, against the same moto server): wall time and calls;
3. the same reads against recorded Lambda pages of 50 versions (botocore's Stubber), for 100, 250
   and 500 versions: calls grow with pages (versions / 50), never one per version.

    python bench/status_scale.py [--versions 500]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.dont_write_bytecode = True

REGION = "us-east-1"


def _zip(marker: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", f"V = {marker!r}\n")
    return buffer.getvalue()


def _publish(lam: Any, role_arn: str, name: str, count: int) -> None:
    lam.create_function(FunctionName=name, Runtime="python3.13", Role=role_arn, Handler="handler.h",
                        Code={"ZipFile": _zip("0")})  # fmt: skip
    for n in range(1, count + 1):
        lam.update_function_code(FunctionName=name, ZipFile=_zip(f"{name}{n}"))
        lam.publish_version(FunctionName=name, Description=f"v{n}")
    lam.create_alias(FunctionName=name, Name="prod", FunctionVersion=str(count - 1),
                     RoutingConfig={"AdditionalVersionWeights": {str(count): 0.1}})  # fmt: skip


def stage_run(lam: Any, role_arn: str, count: int, counting: list[Any]) -> None:
    """``release status --stage prod --json``: every function of stages.toml, ``count`` versions each."""
    from release_cli.cli import main
    from service_model.stages import load_stage

    functions = load_stage("prod").functions
    started = time.perf_counter()
    for function in functions:
        _publish(lam, role_arn, function.name, count)
    setup = time.perf_counter() - started
    timings = []
    for _ in range(3):
        out = io.StringIO()
        counting.clear()
        started = time.perf_counter()
        with contextlib.redirect_stdout(out):
            code = main(["status", "--stage", "prod", "--json"])
        timings.append(time.perf_counter() - started)
        assert code in (0, 1), code  # 1 would be --fail-on-drift only; it is not given
    document = json.loads(out.getvalue())
    calls = Counter(counting[-1].calls)
    shown = ", ".join(f"{f['key']}: {len(f['versions'])} versions" for f in document["functions"])
    print(f"moto, stage prod of {len(functions)} functions ({shown}; set-up {setup:.1f} s)")
    print(f"  release status --stage prod --json wall time: first {timings[0]:.2f} s, then "
          f"{min(timings[1:]):.2f} s (best of {len(timings) - 1})")  # fmt: skip
    print(f"  API calls: {sum(calls.values())} ({', '.join(f'{k} x{v}' for k, v in sorted(calls.items()))})")


def moto_run(count: int) -> None:
    import boto3

    from bench.local_moto import local_moto
    from release_cli.cli import main
    from release_cli.commands import status as status_command
    from release_cli.ops.clients import AwsContext

    with local_moto(REGION):
        lam = boto3.client("lambda", region_name=REGION)
        role = boto3.client("iam", region_name=REGION).create_role(RoleName="bench", AssumeRolePolicyDocument="{}")
        lam.create_function(FunctionName="bench-fn", Runtime="python3.13", Role=role["Role"]["Arn"],
                            Handler="handler.h", Code={"ZipFile": _zip("0")})  # fmt: skip
        started = time.perf_counter()
        for n in range(1, count + 1):
            lam.update_function_code(FunctionName="bench-fn", ZipFile=_zip(str(n)))
            lam.publish_version(FunctionName="bench-fn", Description=f"v{n}")
        setup = time.perf_counter() - started
        lam.create_alias(FunctionName="bench-fn", Name="prod", FunctionVersion=str(count - 1),
                         RoutingConfig={"AdditionalVersionWeights": {str(count): 0.1}})  # fmt: skip
        lam.create_alias(FunctionName="bench-fn", Name="staging", FunctionVersion=str(count))
        lam.create_alias(FunctionName="bench-fn", Name="dev", FunctionVersion="$LATEST")

        contexts: list[AwsContext] = []
        real = status_command.context_for

        def counting(args: Any) -> AwsContext:
            contexts.append(real(args))
            return contexts[-1]

        status_command.context_for = counting  # type: ignore[assignment]
        timings = []
        for _ in range(3):
            out = io.StringIO()
            started = time.perf_counter()
            with contextlib.redirect_stdout(out):
                code = main(["status", "--function", "bench-fn", "--json"])
            timings.append(time.perf_counter() - started)
            assert code == 0, code
        document = json.loads(out.getvalue())
        calls = Counter(contexts[-1].calls)
        print(f"moto: {len(document['versions'])} versions, {len(document['aliases'])} aliases "
              f"(set-up: {count} publishes in {setup:.1f} s)")  # fmt: skip
        print(f"  release status --json wall time: first {timings[0]:.2f} s, then "
              f"{min(timings[1:]):.2f} s (best of {len(timings) - 1}); target under 3 s")  # fmt: skip
        print(f"  API calls: {sum(calls.values())} ({', '.join(f'{k} x{v}' for k, v in sorted(calls.items()))})")
        stage_run(lam, role["Role"]["Arn"], count, contexts)


def paged_run(count: int) -> tuple[int, Counter[str], float]:
    """status's reads against recorded pages of 50 versions (Lambda's page size)."""
    import boto3
    from botocore.stub import ANY, Stubber

    from release_cli.ops.clients import AwsContext
    from release_cli.ops.status_report import collect_status
    from release_cli.ops.target import Target

    lam = boto3.client("lambda", region_name=REGION, aws_access_key_id="b", aws_secret_access_key="b")
    deploy = boto3.client("codedeploy", region_name=REGION, aws_access_key_id="b", aws_secret_access_key="b")
    lambda_stub, deploy_stub = Stubber(lam), Stubber(deploy)
    numbers = [str(n) for n in range(1, count + 1)]
    for index in range(0, count, 50):
        page: dict[str, Any] = {"Versions": [
            {"Version": n, "CodeSha256": "x" * 44, "CodeSize": 1000, "Description": f"v{n}"}
            for n in numbers[index : index + 50]]}  # fmt: skip
        if index + 50 < count:
            page["NextMarker"] = f"m{index}"
        lambda_stub.add_response("list_versions_by_function", page, {"FunctionName": "fn", "MaxItems": 50, **(
            {"Marker": f"m{index - 50}"} if index else {})})  # fmt: skip
    lambda_stub.add_response("list_aliases", {"Aliases": [
        {"Name": "prod", "FunctionVersion": numbers[-2],
         "RoutingConfig": {"AdditionalVersionWeights": {numbers[-1]: 0.1}}},
        {"Name": "staging", "FunctionVersion": numbers[-1]}, {"Name": "dev", "FunctionVersion": "$LATEST"}]},
        {"FunctionName": "fn", "MaxItems": 50})  # fmt: skip
    deploy_stub.add_response("list_deployments", {"deployments": []}, {"includeOnlyStatuses": ANY})
    lambda_stub.add_response("get_account_settings", {"AccountLimit": {"TotalCodeSize": 80530636800},
                                                      "AccountUsage": {"TotalCodeSize": count * 1000}})  # fmt: skip
    ctx = AwsContext(region=REGION)
    ctx.use("lambda", lam)
    ctx.use("codedeploy", deploy)
    with lambda_stub, deploy_stub:
        started = time.perf_counter()
        status = collect_status(ctx, Target(function="fn", audit_table=None), None)
        elapsed = time.perf_counter() - started
    assert len(status.versions) == count
    return count, Counter(ctx.calls), elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=500)
    args = parser.parse_args()
    moto_run(args.versions)
    print("recorded Lambda pages (50 versions a page):")
    for count in (100, 250, args.versions):
        _, calls, elapsed = paged_run(count)
        listing = calls["lambda.ListVersionsByFunction"]
        print(f"  {count:4} versions: {sum(calls.values()):2} API calls ({listing} ListVersionsByFunction pages), "
              f"{elapsed * 1000:.0f} ms in the CLI's code")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
