"""Where the synthesized templates and the per-stage baselines live, by convention.

Shared by the review commands and the local runner; stage and stack names come from the stage
settings module (``stacks.stage_config``), the single source of both.
"""

from __future__ import annotations

from pathlib import Path

from stacks import stage_config

DEFAULT_CDK_OUT = Path("cdk.out")
DEFAULT_BASELINES = Path("baselines")


def synthesized_template(*, cdk_out: Path, stage: str) -> Path:
    """The template ``cdk synth`` writes for the stage's stack."""
    return cdk_out / f"{stage_config.stack_name(stage)}.template.json"


def baseline_template(*, baselines: Path, stage: str) -> Path:
    """The last released template of the stage, kept in the repository."""
    return baselines / f"{stage}.template.json"


def all_stages() -> tuple[str, ...]:
    """Every stage the app defines."""
    return tuple(stage_config.STAGE_NAMES)
