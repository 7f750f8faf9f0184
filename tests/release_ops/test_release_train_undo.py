"""The release train's plan and its undoing, against the moto server: each function's trigger alias by
default, the code another stage runs, signals (SIGTERM between and during moves), put-backs that must
not overwrite someone else's move, a move whose record failed, and rollback --release when the release
failed, was already undone, or an alias moved since (refused unless --force)."""

from __future__ import annotations

import signal
from typing import Any

import pytest

from tests.release_ops.aws_hooks import aws_error, deny_update_alias_of, hook_cli_clients, request_body
from tests.release_ops.conftest import Service, new_lab, prod_states, two_function_stack
from tests.release_ops.self_signal import send_guarded

TRAIN = ("promote", "--stage", "prod", "--all", "--from-alias", "staging", "--yes")
"""No --alias: each function's trigger alias in prod (both: prod)."""


def _ok(run_cli: Any, *argv: str) -> Any:
    result = run_cli(*argv, "--json")
    assert result.code == 0, result.err
    return result.json()


def _release_id(err: str) -> str:
    return err.split("release ", 1)[1].split(":", 1)[0]


def test_the_train_moves_each_functions_trigger_alias_by_default(service: Service, run_cli: Any) -> None:
    document = _ok(run_cli, *TRAIN)
    assert [(m["function"], m["alias"], m["to"]["version"]) for m in document["moves"]] == [
        ("order-api", "prod", "2"), ("order-worker", "prod", "2")
    ]  # fmt: skip
    assert prod_states(service) == (("2", {}), ("2", {}))


def test_from_stage_alone_promotes_the_code_that_stage_runs(service: Service, run_cli: Any) -> None:
    """staging's functions run other code per function; prod finds each one's version by code SHA-256."""
    api = service[0]
    api.publish("a3")  # prod's Order API: 1 v1, 2 v2, 3 a3; prod's worker: 1 v1, 2 v2
    staging_api, staging_worker = new_lab("stapi"), new_lab("stworker")
    staging_api.publish("a3")
    staging_api.alias("staging", "1")  # staging's Order API runs a3 (prod's version 3)
    staging_worker.publish("v2")
    staging_worker.alias("staging", "1")  # staging's worker runs v2 (prod's version 2)
    with two_function_stack("staging", staging_api, staging_worker, api_new="1", worker_new="1"):
        document = _ok(run_cli, "promote", "--stage", "prod", "--all", "--from-stage", "staging", "--yes")
    assert [(m["function"], m["to"]["version"]) for m in document["moves"]] == [
        ("order-api", "3"),
        ("order-worker", "2"),
    ]
    assert prod_states(service) == (("3", {}), ("2", {}))


def test_no_version_with_staging_code_refuses_before_any_move(service: Service, run_cli: Any) -> None:
    staging_api, staging_worker = new_lab("stapi"), new_lab("stworker")
    staging_api.publish("v2")
    staging_api.alias("staging", "1")
    staging_worker.publish("never-in-prod")
    staging_worker.alias("staging", "1")
    with two_function_stack("staging", staging_api, staging_worker, api_new="1", worker_new="1"):
        result = run_cli("promote", "--stage", "prod", "--all", "--from-stage", "staging", "--yes")
    assert result.code == 1, result.err
    assert "order-worker: no version of" in result.err
    assert prod_states(service) == (("1", {}), ("1", {}))


def test_sigterm_during_the_second_move_finishes_it_then_puts_both_back_and_exits_143(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, worker = service

    def terminate_in_worker_move(params: dict[str, Any], **_: Any) -> None:
        if worker.function in params.get("url_path", ""):
            send_guarded(signal.SIGTERM, kill=True)  # arrives while the worker's UpdateAlias is being sent

    hook_cli_clients(monkeypatch, {"before-call.lambda.UpdateAlias": terminate_in_worker_move})
    result = run_cli(*TRAIN)
    assert result.code == 143, result.err
    assert "the move of order-worker (alias prod) was interrupted (SIGTERM)" in result.err
    assert "order-worker: alias prod put back to 1 (audited)" in result.err
    assert "order-api: alias prod put back to 1 (audited)" in result.err
    assert prod_states(service) == (("1", {}), ("1", {}))
    trail = _ok(run_cli, "audit", "--stage", "prod", "--release", _release_id(result.err))
    assert sorted((r["function"] == api.function, r["action"]) for r in trail) == [
        (False, "promote"), (False, "release-undo"), (True, "promote"), (True, "release-undo")
    ]  # fmt: skip


def test_sigterm_between_moves_puts_the_first_back_and_exits_143(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signal comes while the worker's move checks its audit table, outside any move's hold."""
    described: list[str] = []

    def terminate_before_worker(params: dict[str, Any], **_: Any) -> None:
        described.append("DescribeTable")
        if len(described) == 3:  # the plan's check, the Order API's move, then the worker's move
            send_guarded(signal.SIGTERM, kill=True)

    hook_cli_clients(monkeypatch, {"before-call.dynamodb.DescribeTable": terminate_before_worker})
    result = run_cli(*TRAIN)
    assert result.code == 143, result.err
    assert "the move of order-worker (alias prod) was interrupted (SIGTERM)" in result.err
    assert "order-api: alias prod put back to 1 (audited)" in result.err
    assert prod_states(service) == (("1", {}), ("1", {}))


def test_a_put_back_leaves_an_alias_someone_else_moved_meanwhile(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, worker = service

    def someone_edits_api_then_worker_fails(params: dict[str, Any], **_: Any) -> Any:
        if worker.function in params.get("url_path", ""):
            api.lam.update_alias(  # by hand, while the release runs
                FunctionName=api.function, Name="prod", RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}}
            )
            return aws_error("ServiceException", "Lambda was unable to update the alias", status=500)
        return None

    hook_cli_clients(monkeypatch, {"before-call.lambda.UpdateAlias": someone_edits_api_then_worker_fails})
    result = run_cli(*TRAIN, "--json")
    assert result.code == 2
    assert "order-api: ALIAS prod COULD NOT BE PUT BACK to 1" in result.err
    assert "changed since this release moved it" in result.err and "half applied" in result.err
    assert "release rollback --stage prod --function order-api --alias prod --to 1" in result.err
    assert result.json()["error"]["exitCode"] == 2 and "COULD NOT BE PUT BACK" in result.json()["error"]["message"]
    assert prod_states(service) == (("2", {"1": 0.5}), ("1", {}))  # the hand edit stands; nothing overwrote it


def test_a_move_whose_record_failed_is_named_and_the_earlier_move_put_back(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = service[1]

    def deny_worker_record(params: dict[str, Any], **_: Any) -> Any:
        item = request_body(params).get("Item", {})
        if item.get("function", {}).get("S") == worker.function and item.get("action", {}).get("S") == "promote":
            return aws_error("AccessDeniedException", "not authorized to perform: dynamodb:PutItem")
        return None

    hook_cli_clients(monkeypatch, {"before-call.dynamodb.PutItem": deny_worker_record})
    result = run_cli(*TRAIN)
    assert result.code == 2
    assert "BUT ITS AUDIT RECORD WAS NOT WRITTEN" in result.err
    assert "order-worker: ALIAS prod MOVED WITHOUT ITS AUDIT RECORD and was not put back" in result.err
    assert "order-api: alias prod put back to 1 (audited)" in result.err
    assert prod_states(service) == (("1", {}), ("2", {}))


def test_rollback_of_a_failed_release_finds_nothing_left_to_undo(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = service[1]

    deny_worker = deny_update_alias_of(worker.function)

    with monkeypatch.context() as patch:
        hook_cli_clients(patch, {"before-call.lambda.UpdateAlias": deny_worker})
        failed = run_cli(*TRAIN)
    assert failed.code == 2 and prod_states(service) == (("1", {}), ("1", {}))
    undo = run_cli("rollback", "--stage", "prod", "--release", _release_id(failed.err), "--yes")
    assert undo.code == 1, undo.err
    assert "left nothing moved" in undo.err
    assert prod_states(service) == (("1", {}), ("1", {}))


def test_a_release_undone_once_names_the_release_that_undid_it(service: Service, run_cli: Any) -> None:
    release = _ok(run_cli, *TRAIN)["releaseId"]
    undone = _ok(run_cli, "rollback", "--stage", "prod", "--release", release, "--yes")["releaseId"]
    again = run_cli("rollback", "--stage", "prod", "--release", release, "--yes")
    assert again.code == 1
    assert f"already undone by release {undone}" in again.err and "nothing was changed" in again.err
    assert prod_states(service) == (("1", {}), ("1", {}))


def test_rollback_of_a_release_an_alias_moved_since_needs_force(service: Service, run_cli: Any) -> None:
    worker = service[1]
    release = _ok(run_cli, *TRAIN)["releaseId"]
    worker.publish("hotfix")
    worker.lam.update_alias(FunctionName=worker.function, Name="prod", FunctionVersion="3")  # by hand
    refused = run_cli("rollback", "--stage", "prod", "--release", release, "--yes")
    assert refused.code == 1
    assert "order-worker: alias prod moved since release" in refused.err and "--force" in refused.err
    assert prod_states(service) == (("2", {}), ("3", {}))  # the Order API did not go back either
    forced = run_cli("rollback", "--stage", "prod", "--release", release, "--force", "--yes", "--json")
    assert forced.code == 0, forced.err
    assert "--force: order-worker: alias prod moved since release" in forced.err
    assert prod_states(service) == (("1", {}), ("1", {}))
    moves = forced.json()["moves"]
    assert [(m["function"], m["from"]["version"], m["to"]["version"]) for m in moves] == [
        ("order-api", "2", "1"), ("order-worker", "3", "1")
    ]  # fmt: skip
    originals = {r["function"]: r for r in _ok(run_cli, "audit", "--stage", "prod", "--release", release)}
    for move in moves:
        original = originals[move["audit"]["function"]]
        assert move["audit"]["undoes"] == f"MOVE#{original['at']}#{original['recordId']}"
        assert move["audit"]["releaseId"] == forced.json()["releaseId"] != release


def test_force_is_only_for_a_release(service: Service, run_cli: Any) -> None:
    result = run_cli("rollback", "--stage", "prod", "--function", "order-api", "--alias", "prod", "--force")
    assert result.code == 2 and "--force belongs to --release" in result.err
