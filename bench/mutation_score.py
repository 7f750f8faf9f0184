"""Mutation score of the modules that guard data and traffic, per module, with mutmut (pinned in requirements-dev.txt).

A test suite can pass while the code it claims to guard is broken (the idempotency condition removed,
a limit moved by one, a hook that ignores one failing event). mutmut changes the code one small edit
at a time (a mutant) and runs the tests that reach the changed function: a mutant the tests do not
notice "survives". Score = killed / (killed + survived + no tests + suspicious); timeouts count as
killed (the mutant hung or crawled, and the run noticed).

    nice -n 15 .venv/bin/python bench/mutation_score.py                 # every target, one at a time
    nice -n 15 .venv/bin/python bench/mutation_score.py order-api      # one target
    ... --jobs 2    run mutants in 2 processes (default 1: the machine is shared)
    ... --keep      keep the scratch copies (to look at a survivor: cd there; mutmut show NAME)

Each target runs in a scratch copy of the repository (the tracked files), so mutmut's ``mutants/``
folder never lands in the checkout, with only that target's test files (narrow: each mutant runs
only the tests that reach its function, out of those). The Lambda packages are imported by the
tests as top-level packages (``order_service``, ``pre_traffic``, ``hook``: they ship alone), and
mutmut names a mutant after its file path, so the scratch copy lifts them to the top level where
that path and the import name agree. Lines that only log are not mutated (``NOT_MUTATED``):
a log line's text is not behaviour the tests guard. Survivors judged equivalent are listed with
their reason in bench/MUTATION.md. Not part of .ci/run: a full run takes tens of minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).parent / "mutmut"
TARGET_SCORE = 90.0
NOT_MUTATED = [r"^\s*LOGGER\.", r"^\s*logging\.getLogger"]
"""Line patterns mutmut leaves alone: logging only."""
DETECTED = {"killed", "timeout", "caught by type check"}
COUNTED = DETECTED | {"survived", "no tests", "suspicious"}


@dataclass(frozen=True)
class Target:
    """Modules mutated together and the only test files their mutants run."""

    modules: tuple[str, ...]
    tests: tuple[str, ...]
    lift: dict[str, str] = field(default_factory=dict)
    """Repository path -> top-level name in the scratch copy (Lambda code imported as top-level packages)."""


TARGETS: dict[str, Target] = {
    "review-gate": Target(
        modules=(
            "release_cli/review/gate.py",
            "release_cli/review/allowances.py",
            "release_cli/review/assembly.py",
            "release_cli/review/renames.py",
            "release_cli/review/churn.py",
            "release_cli/review/stateful.py",
        ),
        tests=(
            "tests/review/test_review_corpus.py",
            "tests/review/test_review_gate_rules.py",
            "tests/review/test_review_allowances.py",
            "tests/review/test_review_assembly.py",
            "tests/review/test_review_fixed_name.py",
            "tests/review/test_review_render.py",
            "tests/review/test_review_inputs.py",
            "tests/review/test_review_baseline_protect.py",
        ),
    ),
    "moves": Target(
        modules=(
            "release_cli/ops/alias_move.py",
            "release_cli/ops/route_rules.py",
            "release_cli/ops/confirm.py",
            "release_cli/ops/production.py",
            "release_cli/ops/rollback_plan.py",
            "release_cli/ops/deployments.py",
            "release_cli/commands/canary.py",
            "release_cli/commands/promote.py",
            "release_cli/commands/rollback.py",
        ),
        tests=("tests/release_ops",),
    ),
    "prune": Target(
        modules=(
            "release_cli/ops/audit_log.py",
            "release_cli/ops/prune_plan.py",
            "release_cli/ops/prune_run.py",
            "release_cli/ops/interrupts.py",
            "release_cli/commands/prune.py",
        ),
        tests=("tests/release_ops",),
    ),
    "status": Target(
        modules=(
            "release_cli/ops/drift.py",
            "release_cli/ops/stages_pin.py",
            "release_cli/ops/file_rewrite.py",
            "release_cli/ops/status_report.py",
            "release_cli/commands/status.py",
        ),
        tests=("tests/release_ops",),
    ),
    "reads-and-smoke": Target(
        modules=(
            "release_cli/ops/lambda_reads.py",
            "release_cli/ops/target.py",
            "release_cli/ops/invoker.py",
            "release_cli/ops/smoke_run.py",
            "release_cli/ops/split_stats.py",
            "release_cli/ops/junit_report.py",
        ),
        tests=("tests/release_ops",),
    ),
    "release-train": Target(
        modules=(
            "release_cli/ops/release_train.py",
            "release_cli/ops/release_records.py",
            "release_cli/ops/train_plan.py",
            "release_cli/ops/version_source.py",
        ),
        tests=("tests/release_ops",),
    ),
    "local-server": Target(
        modules=(
            "release_cli/local_server.py",
            "release_cli/http_routes.py",
            "release_cli/http_body.py",
            "release_cli/local_tables.py",
            "release_cli/execution_environments.py",
            "release_cli/code_watch.py",
        ),
        tests=("tests/serve",),
    ),
    "canary": Target(
        modules=(
            "release_cli/ops/canary_stats.py",
            "release_cli/ops/canary_judgement.py",
            "release_cli/ops/canary_metrics.py",
            "release_cli/ops/canary_analysis.py",
            "release_cli/ops/canary_report.py",
            "release_cli/ops/canary_watch.py",
        ),
        tests=("tests/release_ops", "tests/canary"),  # the statistics' and judgement's own tests are in tests/canary
    ),
    "stage-config": Target(
        modules=("service_model/alias_spec.py", "service_model/stages.py"),
        tests=(
            "tests/infrastructure/test_stage_config_errors.py",
            "tests/infrastructure/test_stage_limits.py",
            "tests/infrastructure/test_stage_config_messages.py",
        ),
    ),
    "order-api": Target(
        modules=("order_service/validation.py", "order_service/repository.py"),
        tests=(
            "tests/order_api/test_validation.py",
            "tests/order_api/test_handler_create.py",
            "tests/order_api/test_handler_failures.py",
            "tests/order_api/test_idempotency_race.py",
            "tests/order_api/test_repository.py",
        ),
        lift={"lambda_src/order_api/order_service": "order_service"},
    ),
    "pre-traffic-hook": Target(
        modules=(
            "hook.py",
            "pre_traffic/checks.py",
            "pre_traffic/expectations.py",
            "pre_traffic/target_version.py",
        ),
        tests=("tests/order_api/test_hook.py", "tests/order_api/test_hook_units.py"),
        lift={
            "lambda_src/pre_traffic_hook/hook.py": "hook.py",
            "lambda_src/pre_traffic_hook/pre_traffic": "pre_traffic",
        },
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", help=f"targets to run: {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run in parallel (default: 1)")
    parser.add_argument("--keep", action="store_true", help="keep each target's scratch copy")
    parser.add_argument("--json", type=Path, help="also write the statuses per module to this file")
    args = parser.parse_args()
    unknown = [name for name in args.targets if name not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; choose from {', '.join(TARGETS)}")
    if not MUTMUT.exists():
        print(f"error: {MUTMUT} not found; run bash scripts/setup.sh (mutmut is in requirements-dev.txt)")
        return 2
    report: dict[str, dict[str, object]] = {}
    below = []
    for name in args.targets or list(TARGETS):
        started = time.monotonic()
        statuses = run_target(name, TARGETS[name], jobs=args.jobs, keep=args.keep)
        print(f"== {name}: {time.monotonic() - started:.0f} s")
        for module, by_key in sorted(statuses.items()):
            counts = Counter(by_key.values())
            score = mutation_score(counts)
            survivors = sorted(key for key, status in by_key.items() if status not in DETECTED)
            report[module] = {"score": score, "counts": dict(counts), "survivors": survivors}
            print(f"{module:48} {score:6.1f}%  ({format_counts(counts)})")
            for key in survivors:
                print(f"    {by_key[key]:10} {key}")
            if score < TARGET_SCORE:
                below.append(module)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    if below:
        print(f"below {TARGET_SCORE:.0f}%: {', '.join(below)}")
    return 0


def mutation_score(counts: Counter[str]) -> float:
    counted = sum(n for status, n in counts.items() if status in COUNTED)
    detected = sum(n for status, n in counts.items() if status in DETECTED)
    return 100.0 * detected / counted if counted else 100.0


def format_counts(counts: Counter[str]) -> str:
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items(), key=lambda kv: -kv[1]))


def run_target(name: str, target: Target, *, jobs: int, keep: bool) -> dict[str, dict[str, str]]:
    """Run mutmut on one target in a scratch copy; ``{module path: {mutant: status}}``."""
    scratch = Path(tempfile.mkdtemp(prefix=f"mutation-{name}-"))
    try:
        copy_tracked_files(scratch)
        for source, top_level in target.lift.items():
            lift(scratch, source, top_level)
        write_config(scratch, target)
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        run = subprocess.run(
            [str(MUTMUT), "run", "--max-children", str(jobs)],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        (scratch / "mutmut-run.log").write_text(run.stdout + run.stderr)
        if run.returncode != 0:
            tail = "\n".join((run.stdout + run.stderr).splitlines()[-30:])
            raise SystemExit(f"mutmut run failed for {name} (exit {run.returncode}):\n{tail}")
        results = subprocess.run(
            [str(MUTMUT), "results", "--all", "true"], cwd=scratch, capture_output=True, text=True, check=True
        ).stdout
        return statuses_by_module(results, target)
    finally:
        if keep:
            print(f"   scratch copy kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def copy_tracked_files(scratch: Path) -> None:
    """The checkout's tracked files plus untracked ones not ignored (work in progress counts too)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = ROOT / relative
        if source.is_file():
            destination = scratch / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def lift(scratch: Path, source: str, top_level: str) -> None:
    """Move a Lambda module or package to the top level. A copy stays behind for code that reads it by
    path (the test-event matcher loads ``expectations.py`` as a file), minus ``__init__.py``: a folder
    without it is only a namespace portion, so the import system prefers the lifted, mutated package."""
    origin = scratch / source
    shutil.move(origin, scratch / top_level)
    if (scratch / top_level).is_dir():
        shutil.copytree(scratch / top_level, origin)
        (origin / "__init__.py").unlink(missing_ok=True)


def write_config(scratch: Path, target: Target) -> None:
    """pyproject.toml's [tool.mutmut] for this target: what to mutate, what to copy, which tests to run."""
    tops = sorted({Path(module).parts[0] for module in target.modules})
    everything = sorted(
        {path.name for path in scratch.iterdir() if path.name not in (*tops, "mutants", ".git")}
        | {"tests", "test_events", "stages.toml", "cdk.json"}
    )
    config = {
        "source_paths": tops,
        "only_mutate": list(target.modules),
        "also_copy": everything,
        "do_not_mutate_patterns": NOT_MUTATED,
        "pytest_add_cli_args_test_selection": [test for test in target.tests if (scratch / test).exists()],
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-p", "no:randomly", "-n", "0"],  # stats need one process
    }
    lines = ["", "[tool.mutmut]"] + [f"{key} = {json.dumps(value)}" for key, value in config.items()]
    with (scratch / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def statuses_by_module(results: str, target: Target) -> dict[str, dict[str, str]]:
    """``mutmut results --all true`` lines (``name: status``) grouped by the module each mutant is in."""
    modules = {Path(m).with_suffix("").as_posix().replace("/", "."): m for m in target.modules}
    grouped: dict[str, dict[str, str]] = {m: {} for m in target.modules}
    for line in results.splitlines():
        key, _, status = line.strip().rpartition(": ")
        if not key:
            continue
        module = module_of(key)
        path = modules.get(module, module)
        grouped.setdefault(path, {})[key] = status
    return {repo_path(path, target): by_key for path, by_key in grouped.items()}


def module_of(key: str) -> str:
    """``release_cli.review.gate.x_find_danger__mutmut_3`` -> ``release_cli.review.gate``."""
    parts = key.split(".")
    for index in range(len(parts) - 1, -1, -1):
        if parts[index].startswith(("x_", "xǁ")):
            return ".".join(parts[:index])
    return key.rsplit(".", 1)[0]


def repo_path(path: str, target: Target) -> str:
    """A lifted module's path in the repository, for the report."""
    for source, top_level in target.lift.items():
        if path == top_level or path.startswith(top_level + "/"):
            return source + path[len(top_level) :]
    return path


if __name__ == "__main__":
    sys.exit(main())
