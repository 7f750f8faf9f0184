"""Where the synthesized templates, the per-stage baselines and the allowance file live.

Defaults are found from the project root (``service_model.project``: the nearest directory above
the current one with cdk.json and stages.toml), so ``release review`` means the same thing from any
directory inside the repository. Paths a user types are taken as typed (relative to where they
stand). Stack names come from ``service_model.naming``, the single source of names.
"""

from __future__ import annotations

import os
from pathlib import Path

from service_model import naming, stages
from service_model.project import ProjectNotFoundError, project_root

CDK_OUT = "cdk.out"
BASELINES = "baselines"
ALLOWANCES = "review_allowances.toml"


def project_path(name: str) -> Path:
    """``name`` inside the project root; as a relative path when no project root can be found, so
    ``--help`` still works outside a checkout (the command itself then reports the missing file)."""
    try:
        return project_root() / name
    except ProjectNotFoundError:
        return Path(name)


def synthesized_template(*, cdk_out: Path, stage: str) -> Path:
    """The template ``cdk synth`` writes for the stage's stack."""
    return cdk_out / f"{naming.stack_name(stage)}.template.json"


def baseline_template(*, baselines: Path, stage: str) -> Path:
    """The last released template of the stage, kept in the repository."""
    return baselines / f"{stage}.template.json"


def all_stages() -> tuple[str, ...]:
    """Every stage the app defines."""
    return tuple(stages.STAGE_NAMES)


def relative_path_hint(path: Path) -> str:
    """For a relative path that is not there: say where it was looked for, when the project root has a file
    of that name (``release review --old baselines/dev.template.json`` typed in ``lambda_src/``); else "".
    The path is never resolved against the root: a typed path means the current directory's."""
    if path.is_absolute() or os.path.lexists(path):
        return ""
    try:
        root = project_root()
    except ProjectNotFoundError:
        return ""
    there = root / path
    if Path.cwd().resolve() == root.resolve() or not os.path.lexists(there):
        return ""
    return f" (relative paths are taken from the current directory, {Path.cwd()}; the project root has {there})"
