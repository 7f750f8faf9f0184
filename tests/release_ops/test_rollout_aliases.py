"""CodeDeploy is asked about an alias only when the stage's stack may shift it: a stack whose
``RolloutAliases`` output leaves the alias out (dev's ``none``, where an emulator without CodeDeploy
runs the stage) is moved and shown without a CodeDeploy call; an output that lists the alias, or no
output at all (a stack deployed before it existed, a worker without its own), still asks, and a live
deployment still refuses the move.

CodeDeploy's answers are botocore hooks on the CLI's clients (moto has no live deployments): either a
deployment shifting the alias, or the emulator's error for a service it does not have.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from release_cli.ops.target import Target
from tests.release_ops.aws_hooks import aws_error, hook_cli_clients
from tests.release_ops.conftest import Lab, prod_pair, two_function_stack

NO_CODEDEPLOY = "Unsupported service: codedeploy"


def _answer(parsed: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from botocore.awsrequest import AWSResponse

    return AWSResponse("https://hooked.invalid", 200, {}, None), {**parsed, "ResponseMetadata": {"HTTPStatusCode": 200}}


def _deployment(deployment_id: str, function: str, alias: str) -> dict[str, Any]:
    appspec = json.dumps({"version": 0.0, "Resources": [{"fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "Name": function, "Alias": alias, "CurrentVersion": "1", "TargetVersion": "2"}}}]})  # fmt: skip
    return {"deploymentId": deployment_id, "status": "InProgress", "computePlatform": "Lambda",
            "applicationName": "app", "deploymentGroupName": "group",
            "revision": {"revisionType": "AppSpecContent", "appSpecContent": {"content": appspec}}}  # fmt: skip


def _codedeploy(monkeypatch: pytest.MonkeyPatch, *infos: dict[str, Any]) -> list[str]:
    """CodeDeploy answers with ``infos`` as the live deployments, or, given none, as an endpoint without
    CodeDeploy does (HTTP 400). Returns the CodeDeploy operations called, in order, and each
    GetAccountSettings (code storage, which status reads whatever the stack says)."""
    called: list[str] = []

    def listing(**_: Any) -> Any:
        called.append("ListDeployments")
        if not infos:
            return aws_error("InvalidAction", NO_CODEDEPLOY)
        return _answer({"deployments": [i["deploymentId"] for i in infos]})

    def batch(**_: Any) -> Any:
        called.append("BatchGetDeployments")
        return _answer({"deploymentsInfo": list(infos)})

    hook_cli_clients(monkeypatch, {
        "before-call.codedeploy.ListDeployments": listing,
        "before-call.codedeploy.BatchGetDeployments": batch,
        "before-call.lambda.GetAccountSettings": lambda **_: called.append("GetAccountSettings"),  # still sent
    })  # fmt: skip
    return called


PROMOTE_DEV = ("promote", "--stage", "dev", "--function", "order-api", "--alias", "dev", "--to", "1")


def test_a_stack_with_no_rollout_moves_its_alias_without_asking_codedeploy(
    lab: Lab, stage_stack: Any, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage_stack("dev", lab, "2", RolloutAliases="none")
    called = _codedeploy(monkeypatch)  # any CodeDeploy call fails, as on the emulator
    result = run_cli(*PROMOTE_DEV)
    assert result.code == 0, result.err
    assert called == []
    assert lab.state("dev") == ("1", {})
    assert len(lab.audit_items()) == 1


def test_a_stack_whose_output_names_another_alias_moves_this_one_without_asking_codedeploy(
    lab: Lab, stage_stack: Any, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage_stack("dev", lab, "2", RolloutAliases="staging,prod")
    called = _codedeploy(monkeypatch)
    assert run_cli(*PROMOTE_DEV).code == 0
    assert called == [] and lab.state("dev") == ("1", {})


@pytest.mark.parametrize(
    "more",
    [{"RolloutAliases": "dev"}, {"RolloutAliases": "staging,dev"}, {}],
    ids=["output-lists-the-alias", "output-lists-it-second", "no-output"],
)
def test_a_live_deployment_still_refuses_the_move_when_the_stack_may_shift_the_alias(
    lab: Lab, stage_stack: Any, run_cli: Any, monkeypatch: pytest.MonkeyPatch, more: dict[str, str]
) -> None:
    stage_stack("dev", lab, "2", **more)
    called = _codedeploy(monkeypatch, _deployment("d-LIVE", lab.function, "dev"))
    result = run_cli(*PROMOTE_DEV)
    assert result.code == 1
    assert "alias dev is being shifted by CodeDeploy deployment d-LIVE (InProgress)" in result.err
    assert called == ["ListDeployments", "BatchGetDeployments"]
    assert lab.state("dev") == ("$LATEST", {}) and lab.audit_items() == []


def test_without_an_output_an_endpoint_without_codedeploy_still_fails_the_move(
    lab: Lab, stage_stack: Any, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage_stack("dev", lab, "2")  # deployed before the output existed: fail closed
    _codedeploy(monkeypatch)
    result = run_cli(*PROMOTE_DEV)
    assert result.code == 2
    assert "listing CodeDeploy deployments in progress" in result.err
    assert lab.state("dev") == ("$LATEST", {})


def test_a_function_named_by_arn_is_checked_whatever_the_stack_says(
    lab: Lab, stage_stack: Any, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage_stack("dev", lab, "2", RolloutAliases="none")
    called = _codedeploy(monkeypatch, _deployment("d-LIVE", lab.function, "dev"))
    result = run_cli("promote", "--stage", "dev", "--function", lab.function, "--alias", "dev", "--to", "1")
    assert result.code == 1 and "d-LIVE" in result.err
    assert called[:1] == ["ListDeployments"]


def _dev_pair(api_output: str | None, worker_output: str | None) -> dict[str, str]:
    outputs = {"RolloutAliases": api_output, "OrderWorkerRolloutAliases": worker_output}
    return {key: value for key, value in outputs.items() if value is not None}


@pytest.fixture
def dev_pair(aws_env: str) -> tuple[Lab, Lab]:
    from tests.release_ops.conftest import new_lab

    api, worker = new_lab("api"), new_lab("worker")
    for lab in (api, worker):
        lab.publish("v1")
        lab.alias("dev", "$LATEST")
    return api, worker


@pytest.mark.parametrize("only", [(), ("--function", "order-api"), ("--function", "order-worker")])
def test_status_of_a_stage_with_no_rollout_reads_no_deployments(
    dev_pair: tuple[Lab, Lab], run_cli: Any, monkeypatch: pytest.MonkeyPatch, only: tuple[str, ...]
) -> None:
    api, worker = dev_pair
    called = _codedeploy(monkeypatch)
    with two_function_stack("dev", api, worker, api_new="1", worker_new="1", more=_dev_pair("none", "none")):
        result = run_cli("status", "--stage", "dev", *only, "--json")
    assert result.code == 0, result.err
    assert called == ["GetAccountSettings"]  # once for the stage, and no CodeDeploy call
    document = result.json()
    assert [function["deployments"] for function in document.get("functions", [document])] in ([[]], [[], []])


@pytest.mark.parametrize(
    ("api_output", "worker_output"),
    [("none", None), (None, "none"), ("none", "dev"), (None, None)],
    ids=["worker-without-its-own", "api-without", "worker-rolls-out", "neither"],
)
def test_status_reads_deployments_when_any_function_may_be_shifted(
    dev_pair: tuple[Lab, Lab],
    run_cli: Any,
    monkeypatch: pytest.MonkeyPatch,
    api_output: str | None,
    worker_output: str | None,
) -> None:
    api, worker = dev_pair
    called = _codedeploy(monkeypatch, _deployment("d-W", worker.function, "dev"))
    more = _dev_pair(api_output, worker_output)
    with two_function_stack("dev", api, worker, api_new="1", worker_new="1", more=more):
        result = run_cli("status", "--stage", "dev", "--json")
    assert result.code == 0, result.err
    assert called == ["GetAccountSettings", "ListDeployments", "BatchGetDeployments"]
    shown = {f["key"]: [d["id"] for d in f["deployments"]] for f in result.json()["functions"]}
    assert shown == {"order-api": [], "order-worker": ["d-W"]}


def test_a_release_asks_codedeploy_only_for_the_legs_the_stack_may_shift(
    aws_env: str, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with prod_pair({"RolloutAliases": "none", "OrderWorkerRolloutAliases": "prod"}) as (api, worker):
        called = _codedeploy(monkeypatch, _deployment("d-W", worker.function, "prod"))
        result = run_cli("promote", "--stage", "prod", "--all", "--from-alias", "staging", "--yes")
        assert result.code == 1
        assert result.err.startswith("error: order-worker: alias prod is being shifted by CodeDeploy deployment d-W;")
        assert called == ["ListDeployments", "BatchGetDeployments"]  # the worker's leg only
        assert [lab.state("prod") for lab in (api, worker)] == [("1", {}), ("1", {})]


def test_a_release_of_a_stage_with_no_rollout_never_asks_codedeploy(
    aws_env: str, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with prod_pair({"RolloutAliases": "none", "OrderWorkerRolloutAliases": "none"}) as (api, worker):
        called = _codedeploy(monkeypatch)
        result = run_cli("promote", "--stage", "prod", "--all", "--from-alias", "staging", "--yes")
        assert result.code == 0, result.err
        assert called == []
        assert [lab.state("prod") for lab in (api, worker)] == [("2", {}), ("2", {})]


def _found(outputs: dict[str, str], **fields: Any) -> Target:
    return Target(function="fn", audit_table=None, stage="dev", stack_found=True, outputs=outputs, **fields)


@pytest.mark.parametrize(
    ("target", "alias", "may"),
    [
        (_found({"RolloutAliases": "none"}), "dev", False),
        (_found({"RolloutAliases": "none"}), None, False),
        (_found({"RolloutAliases": "staging,prod"}), "dev", False),
        (_found({"RolloutAliases": "staging,prod"}), "prod", True),
        (_found({"RolloutAliases": "staging,prod"}), None, True),
        (_found({}), "dev", True),  # a stack deployed before the output
        (_found({"RolloutAliases": ""}), "dev", True),  # not a value the stack writes
        (_found({"RolloutAliases": "none"}), "none", True),  # an alias called none reads as the empty list
        (_found({"RolloutAliases": "none"}, function_given=True), "dev", True),
        (Target(function="fn", audit_table=None, stage="dev", outputs={"RolloutAliases": "none"}), "dev", True),
    ],
)
def test_only_the_stacks_own_output_leaving_the_alias_out_skips_codedeploy(
    target: Target, alias: str | None, may: bool
) -> None:
    assert target.may_be_shifted(alias) is may
