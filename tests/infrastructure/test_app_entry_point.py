"""``app.py`` as the CDK CLI runs it: the stage comes from context, an unknown one stops synth."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def run_app(tmp_path, context: dict) -> subprocess.CompletedProcess:
    """Run app.py the way the CLI does: context in CDK_CONTEXT_JSON, output folder in CDK_OUTDIR."""
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps(context), "CDK_OUTDIR": str(tmp_path)}
    return subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_unknown_stage_stops_synth_and_lists_the_valid_ones(tmp_path):
    result = run_app(tmp_path, {"stage": "qa"})
    assert result.returncode == 1
    assert (
        "error: unknown stage 'qa' (from --context stage=...); valid stages: dev, staging, prod "
        "(and pipeline, ci-bootstrap for the CI stacks)"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.template.json")), "nothing may be synthesized for a bad stage"


def test_stage_selects_one_stack_and_no_stage_builds_all():
    """With ``stage`` one stack; without it all three, so ``cdk deploy`` alone refuses to guess."""
    from aws_cdk import App

    from stacks.app_builder import build_app

    assert list(build_app(App(), stage="dev")) == ["dev"]
    assert [s.stack_name for s in build_app(App()).values()] == [
        "version-demo-dev",
        "version-demo-staging",
        "version-demo-prod",
    ]


def test_bad_test_event_file_stops_synth_with_its_name(tmp_path, monkeypatch, capsys):
    """Test events feed the stack (console schema, hook); a broken file is reported, not a traceback."""
    from aws_cdk import App

    import stacks.version_demo_stack as stack_module
    from service_model.test_events import load_events
    from stacks.app_builder import synth_from_context

    events = tmp_path / "events"
    events.mkdir()
    (events / "Broken.json").write_text('{"name": "Broken"}')
    monkeypatch.setattr(stack_module, "load_events", lambda *_: load_events(events))
    outdir = tmp_path / "out"
    assert synth_from_context(App(outdir=str(outdir), context={"stage": "dev"})) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: ") and "Broken.json" in error
    assert not list(outdir.glob("*.template.json"))


def test_templates_do_not_depend_on_the_python_that_synthesized_them(synthesized) -> None:
    """No CDKMetadata resource: it embeds ``Python/3.x.y``, so another supported Python would show a
    change on every stage against the committed baselines."""
    for stage, template in synthesized.templates.items():
        assert template.find_resources("AWS::CDK::Metadata") == {}, stage
