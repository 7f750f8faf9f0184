"""Bench: our review next to @aws-cdk/cloudformation-diff (the engine behind ``cdk diff``) on one
1,000-resource template pair, in the same run. Prints times and where the verdicts differ.

Both sides are timed by phase -- load (read + parse), diff, render -- so they compare with and
without the load; and as whole commands in fresh processes (start-up included).

    .venv/bin/python bench/review_vs_cdk_diff.py [--resources 1000] [--repeat 5]

The pair mixes tables, functions, versions, roles and queues with in-place edits, replacements,
logical-ID renames of tables, Retain policies removed and CDK version churn. Files go to ``.bench/``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from release_cli.review import review_templates  # noqa: E402
from release_cli.review.render_table import render_table  # noqa: E402
from release_cli.review.schemas import SchemaSource  # noqa: E402
from release_cli.review.templates import load_template_file  # noqa: E402
from release_cli.toolchain import supported_node  # noqa: E402

NODE = supported_node() or Path("node")
DRIVER = ROOT / "bench" / "cfn_diff.js"
HASH_A, HASH_B = "a" * 64, "b" * 64


def _table(i: int, *, name: str | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
        "TableName": name or f"table-{i}",
    }
    return {
        "Type": "AWS::DynamoDB::Table",
        "Properties": props,
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
    }


def generate(count: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A pair with ``count`` resources in the old template; groups of 5 (table, role, function, version, queue)."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for i in range(count // 5):
        role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": []}}}
        function = {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Code": {"S3Bucket": "assets", "S3Key": f"{HASH_A}.zip"},
                "Role": {"Fn::GetAtt": [f"Role{i}", "Arn"]},
                "Environment": {"Variables": {"TABLE": {"Ref": f"Table{i}"}}},
            },
        }
        version = {
            "Type": "AWS::Lambda::Version",
            "Properties": {"FunctionName": {"Ref": f"Function{i}"}},
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        }
        queue = {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 30}}
        old.update(
            {
                f"Table{i}": _table(i),
                f"Role{i}": role,
                f"Function{i}": function,
                f"Fn{i}VersionA": version,
                f"Queue{i}": queue,
            }
        )
        new_group = json.loads(
            json.dumps({f"Table{i}": _table(i), f"Role{i}": role, f"Function{i}": function, f"Queue{i}": queue})
        )
        kind = i % 10
        if kind == 0:  # table replaced: TableName changes
            new_group[f"Table{i}"]["Properties"]["TableName"] = f"table-{i}-v2"
        elif kind == 1:  # table renamed: logical ID moves, same table
            new_group[f"Table{i}Moved"] = new_group.pop(f"Table{i}")
            new_group[f"Function{i}"]["Properties"]["Environment"]["Variables"]["TABLE"] = {"Ref": f"Table{i}Moved"}
        elif kind == 2:  # Retain taken away
            new_group[f"Table{i}"]["DeletionPolicy"] = "Delete"
            new_group[f"Table{i}"]["UpdateReplacePolicy"] = "Delete"
        elif kind == 3:  # in-place table change
            new_group[f"Table{i}"]["Properties"]["BillingMode"] = "PROVISIONED"
        elif kind == 4:  # role replaced (RoleName is create-only)
            new_group[f"Role{i}"]["Properties"]["RoleName"] = f"role-{i}"
        elif kind == 5:  # queue replaced (FifoQueue is create-only)
            new_group[f"Queue{i}"]["Properties"]["FifoQueue"] = True
        if kind in (6, 7, 8):  # code edit: new asset hash + CDK version churn
            new_group[f"Function{i}"]["Properties"]["Code"]["S3Key"] = f"{HASH_B}.zip"
            new_group[f"Fn{i}VersionB"] = version
        else:
            new_group[f"Fn{i}VersionA"] = version
        new.update(new_group)
    return {"Resources": old}, {"Resources": new}


@dataclass
class Timing:
    """Median milliseconds of each phase over the repeats, and the last run's result."""

    load_ms: float
    diff_ms: float
    render_ms: float
    warm_diff_ms: float
    """The same diff again in the same process, everything it loads on first use already loaded."""
    result: Any

    @property
    def total_ms(self) -> float:
        return self.load_ms + self.diff_ms + self.render_ms


def time_in_process(old_path: Path, new_path: Path, repeat: int) -> Timing:
    """Our phases, timed like the node driver times its own: load (read + parse + validate), review, render.

    Each run gets a fresh ``SchemaSource``, so reading the resource schemas is part of every review
    (node re-reads its spec in every fresh process too).
    """
    loads, diffs, renders, warm, report = [], [], [], [], None
    for _ in range(repeat):
        schemas = SchemaSource()
        started = time.perf_counter()
        old, new = load_template_file(path=old_path), load_template_file(path=new_path)
        loaded = time.perf_counter()
        report = review_templates(old=old, new=new, label="bench", schemas=schemas)
        reviewed = time.perf_counter()
        render_table([report])
        rendered = time.perf_counter()
        review_templates(old=old, new=new, label="bench", schemas=schemas)
        again = time.perf_counter()
        loads.append((loaded - started) * 1000)
        diffs.append((reviewed - loaded) * 1000)
        renders.append((rendered - reviewed) * 1000)
        warm.append((again - rendered) * 1000)
    load, diff, render, warm_diff = (statistics.median(times) for times in (loads, diffs, renders, warm))
    return Timing(load_ms=load, diff_ms=diff, render_ms=render, warm_diff_ms=warm_diff, result=report)


def time_node(old_path: Path, new_path: Path, repeat: int) -> tuple[float, Timing]:
    """The node driver in a fresh process per run: wall time, and its own phase timings (medians)."""
    walls, runs = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        completed = subprocess.run(
            [str(NODE), str(DRIVER), "diff", str(old_path), str(new_path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        walls.append((time.perf_counter() - started) * 1000)
        runs.append(json.loads(completed.stdout))
    keys = ("parse_ms", "diff_ms", "format_ms", "warm_diff_ms")
    load, diff, render, warm_diff = (statistics.median(run[key] for run in runs) for key in keys)
    timing = Timing(load_ms=load, diff_ms=diff, render_ms=render, warm_diff_ms=warm_diff, result=runs[-1])
    return statistics.median(walls), timing


def time_subprocess(argv: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    workdir = ROOT / ".bench"
    workdir.mkdir(exist_ok=True)
    old, new = generate(options.resources)
    old_path, new_path = workdir / "old.template.json", workdir / "new.template.json"
    old_path.write_text(json.dumps(old))
    new_path.write_text(json.dumps(new))
    print(f"template pair: {len(old['Resources'])} old / {len(new['Resources'])} new resources ({workdir})")

    ours = time_in_process(old_path, new_path, options.repeat)
    report = ours.result
    cli = [
        sys.executable,
        "-m",
        "release_cli",
        "review",
        "--old",
        str(old_path),
        "--new",
        str(new_path),
        "--format",
        "json",
    ]
    ours_cli_ms = time_subprocess(cli, options.repeat)
    node_ms, node = time_node(old_path, new_path, options.repeat)
    theirs = node.result

    print(f"median of {options.repeat} runs, in ms:")
    header = ("", "load", "diff", "render", "diff+render", "all three")
    print(f"  {header[0]:<30}" + "".join(f"{cell:>12}" for cell in header[1:]))
    for name, timing in (("review (in-process)", ours), ("cloudformation-diff (in node)", node)):
        cells = (timing.load_ms, timing.diff_ms, timing.render_ms, timing.diff_ms + timing.render_ms, timing.total_ms)
        print(f"  {name:<30}" + "".join(f"{cell:12.1f}" for cell in cells))
    ratios = (
        ours.load_ms / node.load_ms,
        ours.diff_ms / node.diff_ms,
        ours.render_ms / node.render_ms,
        (ours.diff_ms + ours.render_ms) / (node.diff_ms + node.render_ms),
        ours.total_ms / node.total_ms,
    )
    print(f"  {'ratio ours/theirs':<30}" + "".join(f"{ratio:12.2f}" for ratio in ratios))
    warm_ratio = ours.warm_diff_ms / node.warm_diff_ms
    print(
        f"  diff again in the same process (warm): ours {ours.warm_diff_ms:.1f} ms, "
        f"theirs {node.warm_diff_ms:.1f} ms (ratio {warm_ratio:.2f})"
    )
    print("  load = read + parse (ours also validates); review's diff = diff + replacement rules from the schemas")
    print("  + churn + gate, its render = the terminal table; cloudformation-diff's diff = fullDiff(), its render =")
    print("  formatDifferences() (what cdk diff prints). Node runs in a fresh process each time (cold JIT); ours")
    print("  re-reads the schemas each run but its imports are warm (the subprocess rows below include start-up).")
    print("whole command, fresh process each run (start-up and imports included):")
    print(f"  review as a subprocess (python -m release_cli, JSON)   {ours_cli_ms:8.1f} ms")
    print(f"  cloudformation-diff as a subprocess (node driver)      {node_ms:8.1f} ms")
    print(f"  subprocess ratio ours/theirs: {ours_cli_ms / node_ms:.2f}")

    assert report is not None
    ours_replaced = {c.logical_id for c in report.changes if c.replacement.value in ("True", "Conditional")}
    their_replaced = set(theirs["by_impact"].get("WILL_REPLACE", [])) | set(theirs["by_impact"].get("MAY_REPLACE", []))
    missed = sorted(their_replaced - ours_replaced)
    print(
        f"replacements: cloudformation-diff {len(their_replaced)}, review {len(ours_replaced)}, "
        f"reported by it but not by us: {len(missed)} {missed[:5]}"
    )
    extra = sorted(ours_replaced - their_replaced)
    print(f"  replacements only we report: {len(extra)} (e.g. {extra[:3]}; deploy-time consequences of a replacement)")
    danger_ids = {lid for f in report.blocking for lid in f.logical_ids}
    their_danger = set(theirs["by_impact"].get("WILL_DESTROY", [])) | their_replaced
    for kind in ("rename", "retain-removed", "orphaned"):
        findings = [f for f in report.blocking if f.kind == kind]
        unflagged = [f for f in findings if not set(f.logical_ids) & their_danger]
        print(
            f"  {kind}: we flag {len(findings)}; cloudformation-diff marks as destroy/replace: "
            f"{len(findings) - len(unflagged)}, not flagged: {len(unflagged)}"
        )
    print(f"  cloudformation-diff impacts: { {k: len(v) for k, v in sorted(theirs['by_impact'].items())} }")
    print(f"  review: {len(report.blocking)} blocking findings over {len(danger_ids)} logical IDs")
    return 0 if not missed else 1


if __name__ == "__main__":
    raise SystemExit(main())
