"""The cloud assembly the last ``cdk synth`` wrote: which stacks it holds, and whether it is older than the sources.

``cdk synth -c stage=dev`` rewrites ``cdk.out/manifest.json`` with the dev stack only, but leaves the
staging and prod templates of an earlier synth on disk. A review that read those files would judge
templates nobody just built and could call them SAFE. So the commands that read synthesized
templates (``review``, ``baseline``, ``protect --from-synth``) take them from the manifest's stack
artifacts only, refuse a stage the manifest does not list, and refuse an assembly written before
the newest source file (``SOURCES``): a synth that predates an edit does not describe the edit.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from release_cli.locations import relative_path_hint
from release_cli.review.errors import ReviewInputError
from release_cli.review.model import AssemblyRecord
from service_model import naming
from service_model.input_files import InputFileError, read_text

MANIFEST = "manifest.json"
STACK_ARTIFACT = "aws:cloudformation:stack"
SOURCES = (
    "app.py",
    "cdk.json",
    "stages.toml",
    "stacks",
    "constructs_lib",
    "service_model",
    "lambda_src",
    "test_events",
)
"""Everything synthesis reads from the project: a change to any of them can change a template."""

SKIPPED_PARTS = ("__pycache__",)
"""Folders written by running the code, not by editing it (a test run must not make the assembly stale)."""


@dataclass(frozen=True)
class CloudAssembly:
    """What one ``manifest.json`` says: when it was written and the template of each stack it holds."""

    directory: Path
    written_at: float
    templates: dict[str, Path]

    @property
    def manifest(self) -> Path:
        return self.directory / MANIFEST

    def record(self) -> AssemblyRecord:
        """What the report says it read."""
        return AssemblyRecord(
            manifest=str(self.manifest), written_at=_iso(self.written_at), stacks=tuple(self.templates)
        )


def read_assembly(cdk_out: Path) -> CloudAssembly:
    """Read ``cdk_out/manifest.json``; an input error that says to synthesize when there is none."""
    manifest = cdk_out / MANIFEST
    if not os.path.lexists(manifest) and not cdk_out.is_file():
        raise ReviewInputError(
            f"{manifest}: no cloud assembly (no manifest.json); synthesize first: cdk synth (every stage) "
            f"or cdk synth -c stage=<stage>{relative_path_hint(cdk_out)}"
        )
    try:
        text = read_text(manifest, what="cloud assembly manifest")
        written_at = manifest.stat().st_mtime
    except InputFileError as err:
        raise ReviewInputError(f"{err}; synthesize again") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise ReviewInputError(f"{manifest}: invalid JSON at line {err.lineno}: {err.msg}; synthesize again") from None
    artifacts = document.get("artifacts") if isinstance(document, dict) else None
    if not isinstance(artifacts, dict):
        raise ReviewInputError(f"{manifest}: not a cloud assembly manifest (no artifacts mapping); synthesize again")
    templates: dict[str, Path] = {}
    for name, artifact in artifacts.items():
        if not isinstance(artifact, dict) or artifact.get("type") != STACK_ARTIFACT:
            continue
        template_file = (artifact.get("properties") or {}).get("templateFile")
        if isinstance(template_file, str) and template_file:
            templates[name] = cdk_out / template_file
    return CloudAssembly(directory=cdk_out, written_at=written_at, templates=templates)


def stage_templates(*, assembly: CloudAssembly, stages: list[str]) -> dict[str, Path]:
    """The template of each stage's stack; an input error naming every stage the last synth did not write."""
    missing = [stage for stage in stages if naming.stack_name(stage) not in assembly.templates]
    if missing:
        wrote = ", ".join(assembly.templates) or "no stack"
        if len(stages) == 1:
            todo = f"synthesize it: cdk synth -c stage={missing[0]}"
        else:
            todo = (
                "synthesize every stage: cdk synth (cdk synth -c stage=<stage> replaces the assembly with that "
                "stage alone)"
            )
        present = [s for s in stages if s not in missing]
        also = f", or review only a stage it has (--stage {present[0]})" if present else ""
        raise ReviewInputError(
            f"{assembly.manifest}: the last synth wrote {wrote}, not stage {', '.join(missing)} (templates an "
            f"earlier synth left in {assembly.directory} are never judged); {todo}{also}"
        )
    return {stage: assembly.templates[naming.stack_name(stage)] for stage in stages}


def require_fresh(*, assembly: CloudAssembly, root: Path, sources: tuple[str, ...] = SOURCES) -> None:
    """Refuse an assembly written before the newest source file under ``root`` (among ``sources``)."""
    newest = newest_source(root, sources)
    if newest is None:
        return
    path, changed_at = newest
    if changed_at > assembly.written_at:
        raise ReviewInputError(
            f"{assembly.manifest}: written {_iso(assembly.written_at)}, before {path} changed "
            f"({_iso(changed_at)}): its templates may not describe the sources. Synthesize again (cdk synth, "
            "or cdk synth -c stage=<stage>) and re-run"
        )


def newest_source(root: Path, sources: tuple[str, ...] = SOURCES) -> tuple[Path, float] | None:
    """The most recently modified file among ``sources`` under ``root`` (None when there is none)."""
    newest: tuple[Path, float] | None = None
    for name in sources:
        for path in _files(root / name):
            changed_at = path.stat().st_mtime
            if newest is None or changed_at > newest[1]:
                newest = (path, changed_at)
    return newest


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    found: list[Path] = []
    for folder, subfolders, files in os.walk(path):
        subfolders[:] = [d for d in subfolders if d not in SKIPPED_PARTS and not d.startswith(".")]
        found.extend(Path(folder) / f for f in files if not f.endswith(".pyc"))
    return found


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
