"""Builds the app's stacks from the stage settings; shared by ``app.py`` and the tests so both see the same app."""

from __future__ import annotations

import sys
from typing import Any

from aws_cdk import App, Environment, Validations

from service_model.stages import StageConfig, StageConfigError, load_stages
from service_model.test_events import TestEventError
from stacks.nag_checks import acknowledge_findings, nag_plugins
from stacks.version_demo_stack import VersionDemoStack


def project_app(**kwargs: Any) -> App:
    """The app as ``app.py`` and the tests create it: no CDKMetadata resource (version reporting off).

    That resource embeds the Python and CDK versions that synthesized it (``Python/3.13.0``), so a
    checkout on another supported Python would show a change on every stage against the committed
    baselines. The templates must depend on the code, not on the interpreter.
    """
    return App(analytics_reporting=False, **kwargs)


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


def synth_from_context(app: App) -> int:
    """What ``app.py`` runs: build the stages the context asks for and synthesize them.

    A bad stage setting or a bad test-event file is the user's to fix: print what is wrong (the
    stage, key or file and what is allowed) and exit 1, with no traceback and nothing synthesized.
    """
    try:
        build_app(app, stage=app.node.try_get_context("stage"))
    except (StageConfigError, TestEventError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    app.synth()
    return 0
