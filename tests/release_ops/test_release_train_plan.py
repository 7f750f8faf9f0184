"""A release train's plan and its one confirmation: CodeDeploy deployments that refuse a release (and
ones that do not), the question a production release asks and a non-production one does not, the
canary each function promotes without --from-alias, production never going back to $LATEST, which
move a signal stopped, and the release id's clock."""

from __future__ import annotations

import io
import json
import re
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.release_ops.aws_hooks import deny_update_alias_of, hook_cli_clients
from tests.release_ops.conftest import Service, two_function_stack
from tests.release_ops.self_signal import send_guarded

TRAIN = ("promote", "--stage", "prod", "--all", "--from-alias", "staging")


def _answer(parsed: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from botocore.awsrequest import AWSResponse

    return AWSResponse("https://hooked.invalid", 200, {}, None), {**parsed, "ResponseMetadata": {"HTTPStatusCode": 200}}


def _deployment(deployment_id: str, *, function: str = "", alias: str = "", application: str = "app") -> dict[str, Any]:
    appspec = json.dumps({"version": 0.0, "Resources": [{"fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "Name": function, "Alias": alias, "CurrentVersion": "1", "TargetVersion": "2"}}}]})  # fmt: skip
    return {"deploymentId": deployment_id, "status": "InProgress", "computePlatform": "Lambda",
            "applicationName": application, "deploymentGroupName": "group",
            "revision": {"revisionType": "AppSpecContent",
                         "appSpecContent": {"content": appspec if function else "{unreadable"}}}  # fmt: skip


def _live(monkeypatch: pytest.MonkeyPatch, *infos: dict[str, Any]) -> None:
    """CodeDeploy answers as if ``infos`` were the account's live deployments (moto has none)."""
    ids = [i["deploymentId"] for i in infos]
    hook_cli_clients(monkeypatch, {
        "before-call.codedeploy.ListDeployments": lambda **_: _answer({"deployments": ids}),
        "before-call.codedeploy.BatchGetDeployments": lambda **_: _answer({"deploymentsInfo": list(infos)}),
    })  # fmt: skip


def _stop_hint(deployment_id: str) -> str:
    return (
        f"aws deploy stop-deployment --deployment-id {deployment_id} --auto-rollback-enabled, or add --stop-deployment"
    )


def test_a_deployment_shifting_one_functions_alias_refuses_the_release_naming_the_first(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, _ = service
    _live(
        monkeypatch,
        _deployment("d-A", function=api.function, alias="prod"),
        _deployment("d-B", application="version-demo-prod-RolloutApp"),  # its AppSpec cannot be read
    )
    result = run_cli(*TRAIN, "--yes")
    assert result.code == 1
    assert result.err == (
        "error: order-api: alias prod is being shifted by CodeDeploy deployment d-A; nothing was changed. A release "
        f"moves no alias CodeDeploy is shifting: wait for it to end, or stop it ({_stop_hint('d-A')})\n"
    )
    assert [lab.state("prod") for lab in service] == [("1", {}), ("1", {})]


def test_a_deployment_known_only_by_the_stages_stack_refuses_the_release(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _live(monkeypatch, _deployment("d-B", application="version-demo-prod-RolloutApp"))
    result = run_cli(*TRAIN, "--yes")
    assert result.code == 1
    assert "error: order-api: alias prod is being shifted by CodeDeploy deployment d-B;" in result.err


def test_a_deployment_of_another_alias_does_not_stop_the_release(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, _ = service
    _live(monkeypatch, _deployment("d-C", function=api.function, alias="staging"))
    result = run_cli(*TRAIN, "--yes")
    assert result.code == 0, result.err
    assert [lab.state("prod") for lab in service] == [("2", {}), ("2", {})]


def test_a_production_release_without_a_terminal_asks_for_yes_once_naming_every_move(
    service: Service, run_cli: Any
) -> None:
    result = run_cli(*TRAIN)
    assert result.code == 1
    release = result.err.split("release ", 1)[1].split(":", 1)[0]
    assert result.err.splitlines() == [
        f"release {release}: promote of 2 function(s)",
        f"error: release {release} (promote): order-api: prod 1 -> 2; order-worker: prod 1 -> 2: a change to "
        "production needs --yes when there is no terminal to ask (stage prod is a production stage (stages.toml: "
        "production = true)); nothing changed",
    ]
    assert [lab.state("prod") for lab in service] == [("1", {}), ("1", {})]


def test_a_release_of_a_stage_that_is_not_production_asks_nothing_and_promotes_each_canary(
    service: Service, run_cli: Any
) -> None:
    api, worker = service
    for lab in service:
        lab.lam.update_alias(FunctionName=lab.function, Name="staging", FunctionVersion="1",
                             RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})  # fmt: skip
    with two_function_stack("staging", api, worker, api_new="2", worker_new="2"):
        result = run_cli("promote", "--stage", "staging", "--all", "--json")  # no --yes, no terminal
    assert result.code == 0, result.err
    assert [(m["function"], m["to"]["version"]) for m in result.json()["moves"]] == [
        ("order-api", "2"), ("order-worker", "2")
    ]  # fmt: skip
    assert [lab.state("staging") for lab in service] == [("2", {}), ("2", {})]


def test_a_promote_of_every_function_without_a_source_needs_a_canary(service: Service, run_cli: Any) -> None:
    result = run_cli("promote", "--stage", "prod", "--all", "--yes")
    assert result.code == 2
    assert result.err == (
        "error: order-api: alias prod has no canary to promote (it points at 1 alone); "
        "give --from-stage S or --from-alias A\n"
    )


def test_an_undo_never_takes_production_back_to_latest(service: Service, run_cli: Any) -> None:
    api, _ = service
    api.lam.update_alias(FunctionName=api.function, Name="prod", FunctionVersion="$LATEST")  # by hand, long ago
    done = run_cli(*TRAIN, "--yes", "--json")
    assert done.code == 0, done.err
    refused = run_cli("rollback", "--stage", "prod", "--release", done.json()["releaseId"], "--yes")
    assert refused.code == 1
    assert "error: alias prod: production never runs $LATEST (stage prod is a production stage" in refused.err
    assert [lab.state("prod") for lab in service] == [("2", {}), ("2", {})]


def test_a_signal_during_the_first_move_names_that_move_and_puts_it_back(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, _ = service
    sent: list[int] = []

    def terminate_in_api_move(params: dict[str, Any], **_: Any) -> None:
        if api.function in params.get("url_path", "") and not sent:
            sent.append(signal.SIGTERM)
            send_guarded(signal.SIGTERM, kill=True)  # held until the Order API's move and record are done

    hook_cli_clients(monkeypatch, {"before-call.lambda.UpdateAlias": terminate_in_api_move})
    result = run_cli(*TRAIN, "--yes")
    assert result.code == 143, result.err
    assert "the move of order-api (alias prod) was interrupted (SIGTERM)" in result.err
    assert "order-api: alias prod put back to 1 (audited)" in result.err
    assert [lab.state("prod") for lab in service] == [("1", {}), ("1", {})]


def test_a_release_id_is_stamped_in_utc_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    from release_cli.ops.release_train import new_release_id

    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+05:30 all year
    time.tzset()
    try:
        release = new_release_id()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", release), release
    stamped = datetime.strptime(release[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - stamped) < timedelta(seconds=60)


class _Terminal(io.StringIO):
    """Standard input as a terminal on which the user types the given lines."""

    def isatty(self) -> bool:
        return True


def test_a_production_release_on_a_terminal_asks_once_then_moves_every_function(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("yes\n"))  # one answer: a second question would read EOF
    result = run_cli(*TRAIN)
    assert result.code == 0, result.err
    assert result.out.count("Type 'yes' to go ahead") == 1
    assert [lab.state("prod") for lab in service] == [("2", {}), ("2", {})]


def test_after_the_one_question_a_failed_release_puts_back_without_asking_again(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = service[1]

    deny_worker = deny_update_alias_of(worker.function)

    hook_cli_clients(monkeypatch, {"before-call.lambda.UpdateAlias": deny_worker})
    monkeypatch.setattr(sys, "stdin", _Terminal("yes\n"))  # one answer, for the release itself
    result = run_cli(*TRAIN)
    assert result.code == 2
    assert result.out.count("Type 'yes' to go ahead") == 1
    assert "  order-api: alias prod put back to 1 (audited)" in result.err.splitlines()
    assert [lab.state("prod") for lab in service] == [("1", {}), ("1", {})]
