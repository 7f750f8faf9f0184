"""A release train against the moto server: both functions of prod move as one release, a failure in the
second move puts the first back, a release is rolled back whole, and audit lists it by its id."""

from __future__ import annotations

from typing import Any

import pytest

from release_cli.ops.release_train import new_release_id
from tests.release_ops.aws_hooks import deny_update_alias_of, hook_cli_clients
from tests.release_ops.conftest import Service

PROMOTE = ("promote", "--stage", "prod", "--all", "--alias", "prod", "--from-alias", "staging", "--yes")


def _release(run_cli: Any, *argv: str) -> Any:
    result = run_cli(*argv, "--json")
    assert result.code == 0, result.err
    return result.json()


def test_the_train_moves_every_function_with_one_release_id(service: Service, run_cli: Any) -> None:
    api, worker = service
    document = _release(run_cli, *PROMOTE, "--reason", "v2 everywhere")
    assert (api.state("prod"), worker.state("prod")) == (("2", {}), ("2", {}))
    release = document["releaseId"]
    assert [(m["function"], m["from"]["version"], m["to"]["version"], m["changed"]) for m in document["moves"]] == [
        ("order-api", "1", "2", True), ("order-worker", "1", "2", True)
    ]  # fmt: skip
    assert {m["audit"]["releaseId"] for m in document["moves"]} == {release}
    listed = _release(run_cli, "audit", "--stage", "prod", "--release", release)
    assert [(r["function"], r["alias"], r["action"], r["reason"]) for r in listed] == [
        (api.function, "prod", "promote", "v2 everywhere"), (worker.function, "prod", "promote", "v2 everywhere")
    ]  # fmt: skip


def test_a_failure_in_the_second_move_puts_the_first_back(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, worker = service

    deny_worker = deny_update_alias_of(worker.function)

    hook_cli_clients(monkeypatch, {"before-call.lambda.UpdateAlias": deny_worker})
    result = run_cli(*PROMOTE)
    assert result.code == 2
    assert (api.state("prod"), worker.state("prod")) == (("1", {}), ("1", {}))  # as if nothing had happened
    assert "the move of order-worker (alias prod) failed" in result.err and "AccessDeniedException" in result.err
    assert "order-api: alias prod put back to 1 (audited)" in result.err
    release = result.err.split("release ", 1)[1].split(":", 1)[0]
    trail = _release(run_cli, "audit", "--stage", "prod", "--release", release)
    assert [(r["function"], r["action"], r["fromVersion"], r["toVersion"]) for r in trail] == [
        (api.function, "release-undo", "2", "1"),
        (api.function, "promote", "1", "2"),
    ]  # fmt: skip  (newest first within the alias)
    undo, promote = trail
    assert undo["undoes"] == f"MOVE#{promote['at']}#{promote['recordId']}"


def test_a_refusal_in_the_plan_moves_nothing(service: Service, run_cli: Any) -> None:
    api, worker = service
    worker.lam.update_alias(FunctionName=worker.function, Name="staging", FunctionVersion="$LATEST")
    result = run_cli(*PROMOTE)
    assert result.code == 1 and "points at $LATEST" in result.err
    assert (api.state("prod"), worker.state("prod")) == (("1", {}), ("1", {}))  # the Order API's move never ran


def test_a_dry_run_prints_every_call_and_moves_nothing(service: Service, run_cli: Any) -> None:
    api, worker = service
    result = run_cli(*PROMOTE, "--dry-run")
    assert result.code == 0, result.err
    for lab in (api, worker):
        assert f'"FunctionName": "{lab.function}"' in result.out
    assert result.out.count("lambda.UpdateAlias") == 2 and result.out.count("dynamodb.PutItem") == 2
    assert (api.state("prod"), worker.state("prod")) == (("1", {}), ("1", {}))


def test_a_release_is_rolled_back_whole_and_only_while_nothing_moved_since(service: Service, run_cli: Any) -> None:
    api, worker = service
    release = _release(run_cli, *PROMOTE)["releaseId"]
    undone = _release(run_cli, "rollback", "--stage", "prod", "--release", release, "--yes")
    assert (api.state("prod"), worker.state("prod")) == (("1", {}), ("1", {}))
    assert undone["releaseId"] != release and undone["action"] == "rollback"
    originals = {r["function"]: r for r in _release(run_cli, "audit", "--stage", "prod", "--release", release)}
    for move in undone["moves"]:
        original = originals[move["audit"]["function"]]
        assert move["audit"]["undoes"] == f"MOVE#{original['at']}#{original['recordId']}"
    again = run_cli("rollback", "--stage", "prod", "--release", release, "--yes")
    assert again.code == 1 and "moved since release" in again.err  # it goes back once, never forth


def test_an_unknown_release_and_bad_combinations_are_named() -> None:
    from release_cli.cli import main

    assert main(["promote", "--stage", "prod", "--all", "--alias", "prod", "--to", "3"]) == 2
    assert main(["promote", "--stage", "prod", "--function", "order-api", "--all", "--alias", "prod"]) == 2
    assert main(["rollback", "--stage", "prod"]) == 2


def test_release_ids_sort_by_time_and_differ() -> None:
    from datetime import UTC, datetime

    early = new_release_id(datetime(2026, 11, 28, 7, 45, 12, tzinfo=UTC))
    late = new_release_id(datetime(2026, 11, 28, 7, 45, 13, tzinfo=UTC))
    assert early.startswith("20261128T074512Z-") and len(early) == len("20261128T074512Z-") + 6
    assert early < late and new_release_id() != new_release_id()


def test_every_rule_is_checked_for_every_function_before_the_first_move(service: Service, run_cli: Any) -> None:
    """The worker's live route cannot be recorded (a weight finer than the audit table stores): the
    release is refused before the Order API moves, so there is nothing to put back and no record."""
    api, worker = service
    worker.lam.update_alias(
        FunctionName=worker.function, Name="prod", RoutingConfig={"AdditionalVersionWeights": {"2": 1e-131}}
    )
    result = run_cli(*PROMOTE)
    assert result.code == 1, result.err
    assert "put back" not in result.err
    assert api.state("prod") == ("1", {})
    trail = run_cli("audit", "--stage", "prod", "--function", "order-api", "--alias", "prod", "--json")
    assert trail.code == 0 and trail.json() == []


def test_ctrl_c_between_moves_puts_the_first_back_and_exits_130(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, worker = service

    def interrupt_before_worker(params: dict[str, Any], **_: Any) -> Any:
        if worker.function in params.get("url_path", ""):
            raise KeyboardInterrupt  # Ctrl-C as the worker's move is about to be sent
        return None

    hook_cli_clients(monkeypatch, {"before-call.lambda.UpdateAlias": interrupt_before_worker})
    result = run_cli(*PROMOTE)
    assert result.code == 130
    assert "order-api: alias prod put back to 1 (audited)" in result.err and "interrupted" in result.err
    assert (api.state("prod"), worker.state("prod")) == (("1", {}), ("1", {}))


def test_audit_of_a_stage_merges_every_functions_trail_newest_first(service: Service, run_cli: Any) -> None:
    api, worker = service
    release = _release(run_cli, *PROMOTE)["releaseId"]
    assert run_cli("rollback", "--stage", "prod", "--function", "order-worker", "--alias", "prod", "--yes").code == 0
    trail = _release(run_cli, "audit", "--stage", "prod", "--alias", "prod")
    assert [(r["function"], r["action"], r["releaseId"]) for r in trail] == [
        (worker.function, "rollback", ""),
        (worker.function, "promote", release),
        (api.function, "promote", release),
    ]  # fmt: skip  (the train moved the Order API first)
    assert {r["function"] for r in trail} == {api.function, worker.function} and len(trail) == 3
    assert [r["at"] for r in trail] == sorted((r["at"] for r in trail), reverse=True)
    limited = _release(run_cli, "audit", "--stage", "prod", "--alias", "prod", "--limit", "1")
    assert [r["action"] for r in limited] == ["rollback"]


def test_audit_release_prints_a_line_per_record_with_routes_who_and_reason(service: Service, run_cli: Any) -> None:
    """One line per record, in function order: when, the function's key, the alias, the action, the route
    before and after (a weighted route in full), who, and the reason only when one was given."""
    api, _ = service
    api.lam.update_alias(FunctionName=api.function, Name="prod", RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
    first = _release(run_cli, *PROMOTE, "--reason", "v2 everywhere")["releaseId"]
    second = _release(run_cli, "rollback", "--stage", "prod", "--release", first, "--yes")["releaseId"]
    routes = {first: ["1 @ 90% + 2 @ 10% -> 2", "1 -> 2"], second: ["2 -> 1 @ 90% + 2 @ 10%", "2 -> 1"]}
    for release, reason in ((first, "  (v2 everywhere)"), (second, "")):
        records = _release(run_cli, "audit", "--stage", "prod", "--release", release)
        shown = run_cli("audit", "--stage", "prod", "--release", release)
        assert shown.code == 0, shown.err
        assert [r["reason"] for r in records] == [reason[3:-1]] * 2
        assert shown.out.splitlines() == [
            f"{r['at']}  {key}  alias prod  {r['action']}  {route}  by {r['who']}{reason}"
            for r, key, route in zip(records, ("order-api", "order-worker"), routes[release], strict=True)
        ]
