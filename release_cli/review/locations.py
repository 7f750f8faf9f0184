"""Where the synthesized templates and the per-stage baselines live, by convention."""

from __future__ import annotations

from pathlib import Path

from release_cli.review.aws import stack_name_for

DEFAULT_CDK_OUT = Path("cdk.out")
DEFAULT_BASELINES = Path("baselines")


def synthesized_template(*, cdk_out: Path, stage: str) -> Path:
    """The template ``cdk synth`` writes for the stage's stack."""
    return cdk_out / f"{stack_name_for(stage)}.template.json"


def baseline_template(*, baselines: Path, stage: str) -> Path:
    """The last released template of the stage, kept in the repository."""
    return baselines / f"{stage}.template.json"


def all_stages() -> tuple[str, ...]:
    """Every stage the app defines (from the stage settings module, the single source of stage names)."""
    from stacks.stage_config import STAGE_NAMES

    return tuple(STAGE_NAMES)
