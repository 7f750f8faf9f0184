"""Builds the app's stacks from the stage settings; shared by ``app.py`` and the tests so both see the same app."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from aws_cdk import App, Environment, Stack, Validations

from service_model.stages import StageConfig, StageConfigError, load_stages
from service_model.test_events import TestEventError
from stacks.checkov_checks import acknowledge_checkov_findings
from stacks.ci_settings import CI_BOOTSTRAP, PIPELINE, BootstrapSettings, CiContextError, PipelineSettings
from stacks.deploy_target import DeployTarget
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
    app: App,
    *,
    stage: str | None = None,
    stages: dict[str, StageConfig] | None = None,
    target: DeployTarget | None = None,
) -> dict[str, VersionDemoStack]:
    """Add ``version-demo-<stage>`` for one stage, or for every stage when ``stage`` is None.

    ``target`` (``--context target=``, default AWS) may leave out what the local emulator cannot hold
    (``stacks/deploy_target.py``); it refuses a stage the emulator cannot deploy.
    """
    target = target or DeployTarget()
    stages = stages if stages is not None else load_stages()
    if stage is not None and stage not in stages:
        raise StageConfigError(
            f"unknown stage {stage!r} (from --context stage=...); valid stages: {', '.join(stages)} "
            f"(and {PIPELINE}, {CI_BOOTSTRAP} for the CI stacks)"
        )
    selected = [stages[stage]] if stage else list(stages.values())
    for config in selected:
        target.check(config)
    built = {}
    for config in selected:
        env = Environment(account=config.account, region=config.region) if (config.account or config.region) else None
        stack = VersionDemoStack(
            app,
            config.stack_name,
            config=config,
            env=env,
            description=f"Version demo service, stage {config.name}",
            console_test_events=target.console_test_events,
        )
        acknowledge_findings(stack, config)
        acknowledge_checkov_findings(stack, config)
        built[config.name] = stack
    Validations.of(app).add_plugins(*nag_plugins(app))
    return built


def build_ci_bootstrap(app: App) -> Stack:
    """``--context stage=ci-bootstrap``: the GitHub OIDC provider and deploy role, alone in the app."""
    from stacks.ci_bootstrap_stack import STACK_NAME, CiBootstrapStack

    settings = BootstrapSettings.from_context(app.node.try_get_context)
    stack = CiBootstrapStack(
        app, STACK_NAME, settings=settings, description=f"GitHub OIDC deploy role for {settings.trust.repository}"
    )
    Validations.of(app).add_plugins(*nag_plugins(app))
    return stack


def build_pipeline(
    app: App, *, stages: dict[str, StageConfig] | None = None, environ: Mapping[str, str] | None = None
) -> Stack:
    """``--context stage=pipeline``: the delivery pipeline (with every stage inside it), alone in the app.

    The pipeline's account and Region default to what the CDK CLI found in the credentials
    (``CDK_DEFAULT_ACCOUNT``/``CDK_DEFAULT_REGION``); synth itself never calls AWS.
    """
    from stacks.pipeline_stack import STACK_NAME, PipelineStack

    cli_env: Mapping[str, str] = os.environ if environ is None else environ
    settings = PipelineSettings.from_context(
        app.node.try_get_context,
        default_account=cli_env.get("CDK_DEFAULT_ACCOUNT"),
        default_region=cli_env.get("CDK_DEFAULT_REGION"),
    )
    stack = PipelineStack(
        app,
        STACK_NAME,
        settings=settings,
        stages=stages if stages is not None else load_stages(),
        env=Environment(account=settings.account, region=settings.region),
        description="Delivery pipeline of the version demo service: dev, staging (smoke), approval, prod",
    )
    Validations.of(app).add_plugins(*nag_plugins(app))
    return stack


def build_from_context(app: App) -> None:
    """The stacks ``--context stage=...`` asks for: a service stage, every one (no stage), or a CI stack."""
    stage = app.node.try_get_context("stage")
    if stage == PIPELINE:
        build_pipeline(app)
    elif stage == CI_BOOTSTRAP:
        build_ci_bootstrap(app)
    else:
        build_app(app, stage=stage, target=DeployTarget.from_context(app.node.try_get_context("target")))


def synth_from_context(app: App) -> int:
    """What ``app.py`` runs: build the stacks the context asks for and synthesize them.

    A bad stage setting, a bad test-event file or a bad CI context value is the user's to fix: print
    what is wrong (the stage, key or file and what is allowed) and exit 1, with no traceback and
    nothing synthesized. So is a construct validation that fails at synth (a production stage
    reaching its function other than through a published-version alias): its message names the
    construct path.
    """
    try:
        build_from_context(app)
    except (StageConfigError, TestEventError, CiContextError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    try:
        app.synth()
    except RuntimeError as err:  # jsii raises CDK's ValidationError as a RuntimeError
        if "Validation failed" not in str(err):
            raise
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0
