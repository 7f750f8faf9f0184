"""checkov, the second scanner: every synthesized stage (``cdk.out/*.template.json``) and the CI stacks.

Runs the pinned checkov of ``.venv-checkov`` (``requirements-checkov.txt``; ``scripts/setup.sh`` installs
it) offline, on the cloudformation framework only, and prints per template how many checks passed,
were acknowledged (a ``Metadata.checkov.skip`` on the resource, from ``stacks/checkov_checks.py``)
and failed, then each failed check. Exit 0 when nothing is unacknowledged, 1 on any unacknowledged
finding, 2 when it cannot scan (no checkov, no templates, a template given that is missing or unreadable,
a template checkov cannot parse), 130 on Ctrl-C (it only reads: nothing is left half-done). With --json
an error is one object on stdout, ``{"error": {"exitCode": 2, "message": ...}}``, as the release CLI's.

The CI stacks (``--context stage=pipeline``, ``--context stage=ci-bootstrap``) are not part of the
default synth: they are synthesized here into a temporary folder, with the project's stages and
example context values (any repository, account or connection gives the same resources).

Usage: .venv/bin/python scripts/checkov.py [--json] [--no-ci-stacks] [--cdk-out DIR] [TEMPLATE ...]
(TEMPLATE files given: only those are scanned.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHECKOV_VENV = ROOT / ".venv-checkov"
CHECKOV = CHECKOV_VENV / "bin" / "checkov"
REQUIREMENTS = ROOT / "requirements-checkov.txt"

OFFLINE_FLAGS = ("--framework", "cloudformation", "--skip-download", "--output", "json")
"""``--skip-download``: no call to the platform for its run config, check metadata, custom policies or
suppressions (``bc_integration.skip_download``). JSON so the counts come from checkov's own results."""
OFFLINE_ENV = {
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",  # checkov's banner asks PyPI for a newer checkov at import
    "BC_SKIP_MAPPING": "TRUE",  # no download of the BC_* id mapping and guidelines (the same switch)
}
PLATFORM_ENV = ("BC_API_KEY", "BC_API_URL", "PRISMA_API_URL", "BC_REPO_ID", "BC_FROM_BRANCH", "BC_CA_BUNDLE")
"""Variables that would turn checkov into a platform client; never passed to it."""

CI_REPOSITORY = "octo-org/version-demo"
CI_ACCOUNT = "111111111111"
CI_REGION = "eu-west-1"
CI_CONNECTION = f"arn:aws:codeconnections:{CI_REGION}:{CI_ACCOUNT}:connection/12345678-1234-1234-1234-123456789012"
CI_CONTEXTS = {
    "pipeline": {
        "stage": "pipeline",
        "repository": CI_REPOSITORY,
        "connection_arn": CI_CONNECTION,
        "pipeline_account": CI_ACCOUNT,
        "pipeline_region": CI_REGION,
    },
    "ci-bootstrap": {"stage": "ci-bootstrap", "repository": CI_REPOSITORY},
}


class ScanError(Exception):
    """Checkov could not scan (missing, crashed, or could not parse a template); exit 2."""


@dataclass
class Finding:
    check: str
    resource: str
    title: str
    reason: str = ""


@dataclass
class TemplateResult:
    passed: int = 0
    acknowledged: list[Finding] = field(default_factory=list)
    failed: list[Finding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"passed": self.passed, "acknowledged": len(self.acknowledged), "failed": len(self.failed)}


def pinned_version() -> str:
    for line in REQUIREMENTS.read_text().splitlines():
        if line.lower().startswith("checkov=="):
            return line.split("==", 1)[1].strip()
    raise ScanError(f"{REQUIREMENTS.name} pins no checkov")


def template_name(path: Path) -> str:
    return path.name.removesuffix(".template.json")


def stage_ordered(templates: Iterable[Path]) -> list[Path]:
    """The stages' templates in ``stages.toml``'s order (dev, staging, prod), any other after them by name."""
    sys.path.insert(0, str(ROOT))
    from service_model.stages import load_stages

    order = [config.stack_name for config in load_stages().values()]
    rank = {name: index for index, name in enumerate(order)}
    return sorted(templates, key=lambda path: (rank.get(template_name(path), len(order)), path.name))


def synthesize_ci_stacks(outdir: Path) -> list[Path]:
    """Synthesize the pipeline and the ci-bootstrap stack (each alone, as ``--context stage=...`` does) into
    ``outdir``; cdk-nag runs as in any synth. Returns their top-level templates (not the pipeline's
    nested stage assemblies: those are the stages of ``cdk.out``)."""
    if not os.environ.get("JSII_NODE"):
        from release_cli.toolchain import supported_node

        node = supported_node()
        if node is not None:
            os.environ["JSII_NODE"] = str(node)
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    sys.path.insert(0, str(ROOT))
    from stacks.app_builder import build_ci_bootstrap, build_pipeline, project_app

    cdk_context = json.loads((ROOT / "cdk.json").read_text())["context"]
    templates: list[Path] = []
    for name, context in CI_CONTEXTS.items():
        app = project_app(context={**cdk_context, **context}, outdir=str(outdir / name))
        if name == "pipeline":
            build_pipeline(app, environ={})
        else:
            build_ci_bootstrap(app)
        app.synth()
        templates += sorted((outdir / name).glob("*.template.json"))
    return templates


def readable_templates(templates: Iterable[Path]) -> list[Path]:
    """Each template as an absolute path, refused (``ScanError`` naming it) when it cannot be read: checkov
    itself would only log "Template file not found" and count a parsing error."""
    paths = [path.resolve() for path in templates]
    for path in paths:
        try:
            with path.open("rb"):
                pass
        except OSError as err:
            raise ScanError(f"{path}: cannot read the template: {err.strerror}") from None
    return paths


def run_checkov(templates: Iterable[Path]) -> tuple[str, dict[str, TemplateResult]]:
    """Run the pinned checkov once over every template: its version and each template's results."""
    paths = readable_templates(templates)
    if not CHECKOV.exists():
        raise ScanError(f"{CHECKOV.relative_to(ROOT)} is missing: run `bash scripts/setup.sh` (it installs checkov)")
    files = [arg for path in paths for arg in ("--file", str(path))]
    with tempfile.TemporaryDirectory(prefix="checkov-home-") as home:
        # HOME and the working directory are empty folders: no .checkov.yaml of the user's changes the run.
        env = {k: v for k, v in os.environ.items() if k not in PLATFORM_ENV}
        env.update(OFFLINE_ENV, HOME=home)
        result = subprocess.run(
            [str(CHECKOV), *OFFLINE_FLAGS, *files], capture_output=True, text=True, env=env, cwd=home, check=False
        )
    try:
        report: Any = json.loads(result.stdout)
    except json.JSONDecodeError as err:
        raise ScanError(f"checkov printed no JSON (exit {result.returncode}):\n{result.stderr}{result.stdout}") from err
    reports = report if isinstance(report, list) else [report]
    results = {template_name(path): TemplateResult() for path in paths}
    by_path = {str(path): template_name(path) for path in paths}
    version = ""
    for part in reports:
        summary = part.get("summary", {})
        version = summary.get("checkov_version", version)
        if summary.get("parsing_errors"):
            raise ScanError(f"checkov could not parse {summary['parsing_errors']} template(s):\n{result.stderr}")
        checks = part.get("results", {})
        for kind in ("passed_checks", "skipped_checks", "failed_checks"):
            for check in checks.get(kind, []):
                name = by_path.get(check.get("file_abs_path", ""), template_name(Path(check["file_path"])))
                entry = results.setdefault(name, TemplateResult())
                finding = Finding(check["check_id"], check["resource"], check["check_name"])
                if kind == "passed_checks":
                    entry.passed += 1
                elif kind == "skipped_checks":
                    finding.reason = check.get("check_result", {}).get("suppress_comment", "")
                    entry.acknowledged.append(finding)
                else:
                    entry.failed.append(finding)
    if version != pinned_version():
        raise ScanError(f"checkov {version or '?'} ran, {REQUIREMENTS.name} pins {pinned_version()}: rerun the set-up")
    return version, results


def print_report(version: str, results: dict[str, TemplateResult]) -> None:
    width = max([len("template"), *map(len, results)])
    print(f"checkov {version} (cloudformation, offline): checks per template")
    print(f"{'template':{width}}  {'passed':>6}  {'acknowledged':>12}  {'failed':>6}")
    for name, result in results.items():
        print(f"{name:{width}}  {result.passed:6}  {len(result.acknowledged):12}  {len(result.failed):6}")
    totals = [sum(c[k] for c in (r.counts() for r in results.values())) for k in ("passed", "acknowledged", "failed")]
    print(f"{'total':{width}}  {totals[0]:6}  {totals[1]:12}  {totals[2]:6}")
    for name, result in results.items():
        if result.failed:
            print(f"\n{name}: {len(result.failed)} unacknowledged finding(s)")
            for finding in result.failed:
                print(f"  {finding.check:12} {finding.resource}  {finding.title}")
    failed = totals[2]
    if failed:
        print(
            f"\ncheckov: {failed} unacknowledged finding(s). Fix them, or acknowledge one on its resource with a "
            "reason in stacks/checkov_checks.py (and the README's table)."
        )
    else:
        print("\ncheckov: no unacknowledged findings")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="scripts/checkov.py")
    parser.add_argument("templates", nargs="*", type=Path, help="scan only these templates")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--cdk-out", type=Path, default=ROOT / "cdk.out", help="the stages' assembly (cdk.out)")
    parser.add_argument("--no-ci-stacks", action="store_true", help="do not synthesize and scan the CI stacks")
    args = parser.parse_args(argv)
    seconds = {"ci_synth": 0.0, "checkov": 0.0}
    try:
        with tempfile.TemporaryDirectory(prefix="checkov-ci-") as ci_out:
            templates: list[Path] = list(args.templates)
            if not templates:
                templates = stage_ordered(args.cdk_out.glob("*.template.json"))
                if not templates:
                    raise ScanError(f"no templates in {args.cdk_out}: synthesize first (scripts/main-job.sh)")
                if not args.no_ci_stacks:
                    started = time.perf_counter()
                    templates += synthesize_ci_stacks(Path(ci_out))
                    seconds["ci_synth"] = time.perf_counter() - started
            started = time.perf_counter()
            version, results = run_checkov(templates)
            seconds["checkov"] = time.perf_counter() - started
    except ScanError as err:
        return fail(str(err), 2, as_json=args.json)
    except KeyboardInterrupt:
        return fail("interrupted (Ctrl-C); nothing was scanned", 130, as_json=args.json)
    if args.json:
        document = {
            "checkov_version": version,
            "seconds": {step: round(value, 2) for step, value in seconds.items()},
            "templates": {
                name: {**result.counts(), "failures": [asdict(f) for f in result.failed]}
                | {"acknowledgments": [asdict(f) for f in result.acknowledged]}
                for name, result in results.items()
            },
        }
        print(json.dumps(document, indent=2))
    else:
        print_report(version, results)
        print(f"({seconds['ci_synth']:.1f} s to synthesize the CI stacks, {seconds['checkov']:.1f} s of checkov)")
    return 1 if any(result.failed for result in results.values()) else 0


def fail(message: str, code: int, *, as_json: bool) -> int:
    """The error on stderr, and with --json also as the one JSON object on stdout."""
    print(f"error: {message}", file=sys.stderr)
    if as_json:
        print(json.dumps({"error": {"exitCode": code, "message": message}}, indent=2))
    return code


if __name__ == "__main__":
    sys.exit(main())
