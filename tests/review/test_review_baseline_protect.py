"""``baseline`` writes the stage's template as released; ``protect`` sets termination protection and a
stack policy denying Update:Replace and Update:Delete on stateful resources (moto stores both, and
enforces neither -- FACTS, moto here)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from botocore.stub import ANY

from tests.conftest import CliResult
from tests.review.conftest import corpus_pair, write_assembly

TEMPLATE = corpus_pair("add").old


def _synth(tmp_path: Path) -> Path:
    return write_assembly(tmp_path / "cdk.out", {"dev": TEMPLATE.read_text()})


def _stack(aws: Any) -> str:
    name = f"version-demo-prod-{uuid.uuid4().hex[:8]}"
    queue = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": name}}
    topic = {"Type": "AWS::SNS::Topic", "Properties": {}}
    aws.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": {"Jobs": queue, "Alerts": topic}}))
    return name


def test_baseline_from_synth_is_the_template_with_sorted_keys(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    baselines = tmp_path / "baselines"
    result = run_cli("baseline", "--stage", "dev", "--cdk-out", str(_synth(tmp_path)), "--baselines", str(baselines))
    written = (baselines / "dev.template.json").read_text()
    assert result.code == 0
    assert json.loads(written) == json.loads(TEMPLATE.read_text())
    assert written == json.dumps(json.loads(written), indent=2, sort_keys=True) + "\n"


def test_review_against_fresh_baseline_has_no_changes(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    cdk_out, baselines = _synth(tmp_path), str(tmp_path / "baselines")
    run_cli("baseline", "--stage", "dev", "--cdk-out", str(cdk_out), "--baselines", baselines)
    result = run_cli("review", "--stage", "dev", "--cdk-out", str(cdk_out), "--baselines", baselines)
    assert (result.code, result.out.rstrip().endswith("SAFE: no changes")) == (0, True)


def test_baseline_from_stack_uses_the_deployed_template(
    aws: Any, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    stack = _stack(aws)
    result = run_cli("baseline", "--stage", "prod", "--from-stack", "--stack-name", stack, "--baselines", str(tmp_path))
    assert result.code == 0
    assert set(json.loads((tmp_path / "prod.template.json").read_text())["Resources"]) == {"Jobs", "Alerts"}


def test_protect_dry_run_prints_policy_denying_stateful_only(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    cdk_out = write_assembly(tmp_path / "cdk.out", {"prod": TEMPLATE.read_text()})
    result = run_cli("protect", "--stage", "prod", "--dry-run", "--from-synth", "--cdk-out", str(cdk_out))
    policy = json.loads(result.out.split("\n", 1)[1])
    deny = next(s for s in policy["Statement"] if s["Effect"] == "Deny")
    assert deny["Resource"] == ["LogicalResourceId/ApiLogs", "LogicalResourceId/OrdersTable"]
    assert deny["Action"] == ["Update:Replace", "Update:Delete"]


def test_protect_enables_termination_protection(monkeypatch: Any, run_cli: Callable[..., CliResult]) -> None:
    # moto 5.2.5 has no UpdateTerminationProtection (HTTP 500): check the calls with botocore's Stubber.
    import boto3
    from botocore.stub import Stubber

    from release_cli.commands import protect

    client = boto3.client("cloudformation", region_name="us-east-1")
    stubber = Stubber(client)
    template = json.dumps({"Resources": {"Jobs": {"Type": "AWS::SQS::Queue"}}})
    stubber.add_response("get_template", {"TemplateBody": template}, {"StackName": "version-demo-prod"})
    stubber.add_response("set_stack_policy", {}, {"StackName": "version-demo-prod", "StackPolicyBody": ANY})
    expected = {"StackName": "version-demo-prod", "EnableTerminationProtection": True}
    stubber.add_response("update_termination_protection", {"StackId": "id"}, expected)
    monkeypatch.setattr(protect, "cloudformation_client_for", lambda args: client)
    with stubber:
        result = run_cli("protect", "--stage", "prod")
        stubber.assert_no_pending_responses()
    assert (result.code, "termination protection enabled on version-demo-prod" in result.out) == (0, True)


def test_protect_on_moto_sets_policy_then_reports_missing_api(aws: Any, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("protect", "--stage", "prod", "--stack-name", _stack(aws))
    assert (result.code, "enabling termination protection" in result.err) == (2, True)


def test_protect_stores_the_stack_policy(aws: Any, run_cli: Callable[..., CliResult]) -> None:
    stack = _stack(aws)
    run_cli("protect", "--stage", "prod", "--stack-name", stack)
    policy = json.loads(aws.get_stack_policy(StackName=stack)["StackPolicyBody"])
    deny = next(s for s in policy["Statement"] if s["Effect"] == "Deny")
    assert deny["Resource"] == ["LogicalResourceId/Jobs"]


def test_protect_needs_a_stage(run_cli: Callable[..., CliResult]) -> None:
    assert run_cli("protect", "--dry-run", "--from-synth").code == 2
