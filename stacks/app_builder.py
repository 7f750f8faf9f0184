"""Builds the app's stacks from the stage settings; shared by ``app.py`` and the tests so both see the same app."""

from __future__ import annotations

from aws_cdk import App, Environment, Validations

from stacks.nag_checks import acknowledge_findings, nag_plugins
from stacks.stage_config import StageConfig, StageConfigError, load_stages
from stacks.version_demo_stack import VersionDemoStack


def build_app(
    app: App, *, stage: str | None = None, stages: dict[str, StageConfig] | None = None
) -> dict[str, VersionDemoStack]:
    """Add ``version-demo-<stage>`` for one stage, or for every stage when ``stage`` is None."""
    stages = stages if stages is not None else load_stages()
    if stage is not None and stage not in stages:
        raise StageConfigError(f"unknown stage {stage!r} (from --context stage=...); valid stages: {', '.join(stages)}")
    selected = [stages[stage]] if stage else list(stages.values())
    built = {}
    for config in selected:
        env = Environment(account=config.account, region=config.region) if (config.account or config.region) else None
        stack = VersionDemoStack(
            app, config.stack_name, config=config, env=env, description=f"Version demo service, stage {config.name}"
        )
        acknowledge_findings(stack, config)
        built[config.name] = stack
    Validations.of(app).add_plugins(*nag_plugins(app))
    return built
