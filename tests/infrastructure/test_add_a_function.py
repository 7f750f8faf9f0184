"""Adding a function is a handler folder, a ``[functions.<key>]`` table and its test events, nothing else.

A temporary copy of the project gets a third function (a scheduled job) that way, and every stage is
synthesized from the copy: the job has its own versioned function, aliases, alarms, console test
events, rollout where its stage has one, and a schedule that invokes its alias, while the functions
already there keep every logical ID they had.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Synthesized, synthesize

JOB_TABLE = """
[functions.nightly-report]
code = "nightly_report"
name = "NightlyReport"
trigger = { type = "schedule", expression = "cron(0 3 * * ? *)" }
permissions = { orders = ["dynamodb:Query"] }
"""
HANDLER = '''"""Counts yesterday's orders (a stand-in for a real report)."""

from version import VERSION


def lambda_handler(event, context):
    body = {"message": "Report done", "version": VERSION, "functionVersion": context.function_version,
            "action": "report"}
    import json

    return {"statusCode": 200, "body": json.dumps(body)}
'''
EVENT = {
    "name": "NightlyRun",
    "description": "What EventBridge sends at 03:00; the report only reads, so it is safe in production.",
    "production_safe": True,
    "payload": {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}},
    "expected": {"statusCode": 200, "body": {"action": "report"}},
}


@pytest.fixture(scope="module")
def with_job(tmp_path_factory: pytest.TempPathFactory, synthesized: Synthesized) -> Iterator[Synthesized]:
    """The copy with the job, synthesized; ``synthesized`` (the project itself) is made first, outside the copy."""
    copy = tmp_path_factory.mktemp("project")
    for name in ("cdk.json", "stages.toml"):
        shutil.copy(ROOT / name, copy / name)
    ignore = shutil.ignore_patterns("__pycache__", "tests")
    shutil.copytree(ROOT / "lambda_src", copy / "lambda_src", ignore=ignore)
    shutil.copytree(ROOT / "test_events", copy / "test_events", ignore=ignore)
    # the three additions: a handler folder, a stages.toml table, its test events
    job = copy / "lambda_src" / "nightly_report"
    job.mkdir()
    (job / "version.py").write_text('VERSION = "1.0.0"\n')
    (job / "handler.py").write_text(HANDLER)
    (copy / "stages.toml").write_text((copy / "stages.toml").read_text() + JOB_TABLE)
    events = copy / "test_events" / "nightly_report"
    events.mkdir()
    (events / "NightlyRun.json").write_text(json.dumps(EVENT))

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.chdir(copy)  # project_root(): the nearest folder with cdk.json and stages.toml
    try:
        yield synthesize(copy / "cdk.out")
    finally:
        monkeypatch.undo()


def _resources(template: Any, kind: str) -> dict[str, Any]:
    return dict(template.find_resources(kind))


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_the_third_function_is_built_whole_on_every_stage(with_job: Synthesized, stage: str) -> None:
    template = with_job.templates[stage]
    functions = {r["Properties"].get("FunctionName") for r in _resources(template, "AWS::Lambda::Function").values()}
    assert f"{stage}-NightlyReport" in functions
    job = with_job.stacks[stage].functions["nightly-report"]
    alias_id = with_job.stacks[stage].get_logical_id(job.trigger_alias.node.default_child)
    (rule,) = _resources(template, "AWS::Events::Rule").values()
    assert rule["Properties"]["ScheduleExpression"] == "cron(0 3 * * ? *)"
    assert rule["Properties"]["Targets"][0]["Arn"] == {"Ref": alias_id}  # the alias, never the function
    assert rule["Properties"]["Targets"][0]["DeadLetterConfig"]  # undelivered invocations are kept
    alarms = {r["Properties"]["AlarmName"] for r in _resources(template, "AWS::CloudWatch::Alarm").values()}
    assert f"{stage}-NightlyReport-{stage}-errors" in alarms
    assert (stage != "dev") == bool(job.rollouts)  # staging and prod roll it out through CodeDeploy
    outputs = template.to_json()["Outputs"]
    assert "NightlyReportFunctionName" in outputs and "FunctionName" in outputs


def test_the_functions_already_there_keep_every_logical_id(with_job: Synthesized, synthesized: Synthesized) -> None:
    for stage, template in synthesized.templates.items():
        before = set(template.to_json()["Resources"])
        after = set(with_job.templates[stage].to_json()["Resources"])
        assert before <= after, f"{stage}: {sorted(before - after)} would be replaced"
        added = after - before
        assert added and all("NightlyReport" in logical_id for logical_id in added), sorted(added)


def test_provisioned_concurrency_is_set_per_alias(tmp_path: Path) -> None:
    """The seed's table: provisioned concurrency per version, through an alias; only where declared."""
    import dataclasses

    from aws_cdk import App
    from aws_cdk.assertions import Template

    from service_model.stages import load_stages
    from stacks.version_demo_stack import VersionDemoStack
    from tests.conftest import cdk_json_context

    prod = load_stages()["prod"]
    worker = prod.function("order-worker")
    warm = dataclasses.replace(worker.aliases[0], provisioned_concurrency=3)
    config = dataclasses.replace(
        prod,
        functions=tuple(
            dataclasses.replace(f, aliases=(warm,)) if f.key == "order-worker" else f for f in prod.functions
        ),
    )
    app = App(context=cdk_json_context(), outdir=str(tmp_path), analytics_reporting=False)
    template = Template.from_stack(VersionDemoStack(app, "pc", config=config)).to_json()["Resources"]
    configs = {k: r["Properties"].get("ProvisionedConcurrencyConfig") for k, r in template.items()
               if r["Type"] == "AWS::Lambda::Alias"}  # fmt: skip
    assert {k for k, v in configs.items() if v} == {k for k in configs if k.startswith("OrderWorkerAliasProd")}
    assert [v for v in configs.values() if v] == [{"ProvisionedConcurrentExecutions": 3}]
