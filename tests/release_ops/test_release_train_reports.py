"""What a failed release says, word for word, and what its put-backs and undos do: which move failed,
what was put back (a weighted route in full), what was not changed, what someone else moved, a signal
during the put-backs, and the refusals of ``rollback --release`` naming what moved the alias since."""

from __future__ import annotations

import signal
from typing import Any

import pytest

from tests.release_ops.aws_hooks import aws_error, hook_cli_clients, request_body
from tests.release_ops.conftest import REGION, Lab, Service, prod_states
from tests.release_ops.self_signal import send_guarded

TRAIN = ("promote", "--stage", "prod", "--all", "--from-alias", "staging", "--yes")
DENIED = "not authorized to perform: lambda:UpdateAlias"


def _release_id(err: str) -> str:
    return err.split("release ", 1)[1].split(":", 1)[0]


def _ok(run_cli: Any, *argv: str) -> Any:
    result = run_cli(*argv, "--json")
    assert result.code == 0, result.err
    return result.json()


def _deny_update_alias_of(lab: Lab) -> Any:
    def deny(params: dict[str, Any], **_: Any) -> Any:
        if lab.function in params.get("url_path", ""):
            return aws_error("AccessDeniedException", DENIED)
        return None

    return deny


def _canary(lab: Lab) -> None:
    lab.lam.update_alias(FunctionName=lab.function, Name="prod", RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})


REFUSED_ADVICE = "(check the credentials and Region (--profile, --region) have the permission named above)"


def _failure(release: str, key: str) -> list[str]:
    return [
        f"release {release}: promote of 2 function(s)",
        f"error: release {release}: the move of {key} (alias prod) failed: updating alias prod: "
        f"AccessDeniedException: {DENIED} {REFUSED_ADVICE}",
        f"release {release} did not complete; putting back the moves already made:",
    ]


def test_a_failed_first_move_names_it_and_has_nothing_to_put_back(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, _ = service
    hook_cli_clients(monkeypatch, {"before-call.lambda.UpdateAlias": _deny_update_alias_of(api)})
    result = run_cli(*TRAIN)
    assert result.code == 2
    release = _release_id(result.err)
    assert result.err.splitlines() == [*_failure(release, "order-api"), "  no earlier move of this release to put back"]
    assert prod_states(service) == (("1", {}), ("1", {}))


def test_an_alias_the_release_did_not_change_is_not_put_back(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, worker = service
    api.lam.update_alias(FunctionName=api.function, Name="prod", FunctionVersion="2")  # already where it goes
    hook_cli_clients(monkeypatch, {"before-call.lambda.UpdateAlias": _deny_update_alias_of(worker)})
    result = run_cli(*TRAIN)
    assert result.code == 2
    release = _release_id(result.err)
    assert result.err.splitlines() == [
        *_failure(release, "order-worker"),
        "  order-api: alias prod was not changed; nothing to put back",
    ]


def test_a_put_back_restores_a_weighted_route_and_records_why(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, worker = service
    _canary(api)
    with monkeypatch.context() as patch:
        hook_cli_clients(patch, {"before-call.lambda.UpdateAlias": _deny_update_alias_of(worker)})
        result = run_cli(*TRAIN)
    assert result.code == 2
    release = _release_id(result.err)
    assert result.err.splitlines() == [
        *_failure(release, "order-worker"),
        "  order-api: alias prod put back to 1 @ 90% + 2 @ 10% (audited)",
    ]
    assert prod_states(service) == (("1", {"2": 0.1}), ("1", {}))
    undo, promote = _ok(run_cli, "audit", "--stage", "prod", "--release", release)
    assert (undo["action"], undo["reason"]) == ("release-undo", f"put back: release {release} failed")
    assert (promote["action"], promote["reason"]) == ("promote", "")


def test_two_aliases_moved_by_hand_meanwhile_are_both_left_and_counted(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM during the worker's move stops the release after it; by then someone moved both aliases
    by hand, so neither put-back may overwrite them: two loud failures, counted."""
    api, worker = service
    worker.publish("hotfix")  # version 3

    def on_worker_update(params: dict[str, Any], **_: Any) -> None:
        if worker.function in params.get("url_path", ""):
            api.lam.update_alias(FunctionName=api.function, Name="prod", FunctionVersion="1")
            send_guarded(signal.SIGTERM, kill=True)  # held until the worker's record is written

    def after_worker_record(params: dict[str, Any], **_: Any) -> None:
        item = request_body(params).get("Item", {})
        if item.get("function") == {"S": worker.function} and item.get("action") == {"S": "promote"}:
            worker.lam.update_alias(FunctionName=worker.function, Name="prod", FunctionVersion="3")

    hook_cli_clients(
        monkeypatch,
        {"before-call.lambda.UpdateAlias": on_worker_update, "before-call.dynamodb.PutItem": after_worker_record},
    )
    result = run_cli(*TRAIN)
    assert result.code == 143, result.err
    lines = result.err.splitlines()
    release = _release_id(result.err)
    assert lines[1:4] == [
        "SIGTERM arrived during the move: the alias had been sent its change, so the move and its audit record were "
        "finished first",
        f"error: release {release}: the move of order-worker (alias prod) was interrupted (SIGTERM)",
        f"release {release} did not complete; putting back the moves already made:",
    ]
    for key, now in (("order-worker", "3"), ("order-api", "1")):
        line = next(
            n for n, text in enumerate(lines) if text.startswith(f"  {key}: ALIAS prod COULD NOT BE PUT BACK to 1: ")
        )
        assert lines[line].endswith("someone or something else moved it, so it is left as it is"), lines[line]
        assert f"; now {now}, revision " in lines[line]
        assert lines[line + 1] == (
            f"    it is not back on 1; put it back by hand: release rollback --stage prod --function {key} "
            "--alias prod --to 1"
        )
    assert lines[-1] == "  2 ALIAS(ES) COULD NOT BE PUT BACK: the release is half applied"
    assert prod_states(service) == (("1", {}), ("3", {}))


def test_signals_during_the_put_backs_wait_for_them_and_are_named_once_each(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signals come while the put-back reads the Order API's alias (outside its move, which holds
    signals itself): the put-backs are finished first, and each signal is named once."""
    api, worker = service
    deny = _deny_update_alias_of(worker)
    denied: list[int] = []
    sent: list[int] = []

    def on_update(params: dict[str, Any], **kwargs: Any) -> Any:
        answer = deny(params, **kwargs)
        denied.extend([1] if answer else [])
        return answer

    def on_get_alias(params: dict[str, Any], **_: Any) -> None:
        if denied and not sent and api.function in params.get("url_path", ""):
            for signum in (signal.SIGTERM, signal.SIGTERM, signal.SIGINT):
                sent.append(signum)
                send_guarded(signum)

    hook_cli_clients(
        monkeypatch, {"before-call.lambda.UpdateAlias": on_update, "before-call.lambda.GetAlias": on_get_alias}
    )
    result = run_cli(*TRAIN)
    assert result.code == 2 and len(sent) == 3, result.err
    assert result.err.splitlines()[3:] == [
        "  order-api: alias prod put back to 1 (audited)",
        "  SIGTERM arrived while putting back: the put-backs were finished first",
        "  SIGINT arrived while putting back: the put-backs were finished first",
    ]
    assert prod_states(service) == (("1", {}), ("1", {}))


def test_a_release_recorded_in_another_audit_table_is_undone_from_that_table(service: Service, run_cli: Any) -> None:
    _, worker = service
    release = _ok(run_cli, *TRAIN, "--audit-table", worker.table)["releaseId"]
    missing = run_cli("rollback", "--stage", "prod", "--release", release, "--yes")
    assert missing.code == 2 and f"no record of release {release}" in missing.err
    undone = _ok(run_cli, "rollback", "--stage", "prod", "--release", release, "--audit-table", worker.table, "--yes")
    assert [(m["function"], m["to"]["version"]) for m in undone["moves"]] == [("order-api", "1"), ("order-worker", "1")]
    assert prod_states(service) == (("1", {}), ("1", {}))


def test_a_release_of_an_alias_stages_toml_does_not_declare_is_found_with_alias(service: Service, run_cli: Any) -> None:
    for lab in service:
        lab.alias("blue", "1")
    release = _ok(run_cli, "promote", "--stage", "prod", "--all", "--alias", "blue", "--from-alias", "staging",
                  "--yes")["releaseId"]  # fmt: skip
    assert [lab.state("blue") for lab in service] == [("2", {}), ("2", {})]
    missing = run_cli("rollback", "--stage", "prod", "--release", release, "--yes")
    assert missing.code == 2 and f"no record of release {release}" in missing.err
    _ok(run_cli, "rollback", "--stage", "prod", "--release", release, "--alias", "blue", "--yes")
    assert [lab.state("blue") for lab in service] == [("1", {}), ("1", {})]


def _revisions(err: str) -> tuple[str, str]:
    left = err.split("(revision ", 1)[1].split(";", 1)[0]
    now = err.split(", revision ", 1)[1].split(")", 1)[0]
    return left, now


def test_an_undo_refused_names_both_routes_in_full(service: Service, run_cli: Any) -> None:
    """The release took the Order API off a weighted route: the refusal says where the release left the
    alias, where it is now, and the weighted route --force would put back."""
    api, _ = service
    _canary(api)
    first = _ok(run_cli, *TRAIN)["releaseId"]
    api.lam.update_alias(FunctionName=api.function, Name="prod", FunctionVersion="1")  # by hand
    refused = run_cli("rollback", "--stage", "prod", "--release", first, "--yes")
    assert refused.code == 1
    left, now = _revisions(refused.err)
    assert refused.err == (
        f"error: order-api: alias prod moved since release {first} left it on 2 (revision {left}; now 1, "
        f"revision {now}); nothing was changed. Undo the release anyway with --force (that alias goes back to "
        "1 @ 90% + 2 @ 10% from where it is now), or roll that alias back on its own with --function and --to\n"
    )


def test_an_undo_of_a_release_that_restored_a_weighted_route_names_that_route(service: Service, run_cli: Any) -> None:
    api, _ = service
    _canary(api)
    first = _ok(run_cli, *TRAIN)["releaseId"]
    undone = run_cli("rollback", "--stage", "prod", "--release", first, "--yes")
    assert undone.code == 0, undone.err
    second = _release_id(undone.err)
    assert undone.out.splitlines() == [
        f"release {second} (rollback)",
        "  order-api: alias prod: 2 -> 1 @ 90% + 2 @ 10% (moved)",
        "  order-worker: alias prod: 2 -> 1 (moved)",
    ]
    assert api.state("prod") == ("1", {"2": 0.1})
    api.lam.update_alias(FunctionName=api.function, Name="prod", FunctionVersion="2", RoutingConfig={})  # by hand
    refused = run_cli("rollback", "--stage", "prod", "--release", second, "--yes")
    assert refused.code == 1
    left, now = _revisions(refused.err)
    assert refused.err.startswith(
        f"error: order-api: alias prod moved since release {second} left it on 1 @ 90% + 2 @ 10% (revision {left}; "
        f"now 2, revision {now}); nothing was changed. Undo the release anyway with --force (that alias goes back to "
        "2 from where it is now)"
    )


def test_an_undo_refused_names_the_plain_rollback_that_undid_the_move(service: Service, run_cli: Any) -> None:
    api, _ = service
    release = _ok(run_cli, *TRAIN)["releaseId"]
    _ok(run_cli, "rollback", "--stage", "prod", "--function", "order-api", "--alias", "prod", "--yes")
    newest = _ok(run_cli, "audit", "--stage", "prod", "--function", "order-api", "--alias", "prod")[0]
    assert (newest["action"], newest["releaseId"]) == ("rollback", "")
    refused = run_cli("rollback", "--stage", "prod", "--release", release, "--yes")
    assert refused.code == 1
    assert f"): it was already undone by a rollback at {newest['at']}; nothing was changed" in refused.err
    assert api.state("prod") == ("1", {})


def test_an_unknown_release_names_where_it_was_looked_for(service: Service, run_cli: Any) -> None:
    result = run_cli("audit", "--stage", "prod", "--release", "20260101T000000Z-000000")
    assert result.code == 2
    assert result.err == (
        "error: no record of release 20260101T000000Z-000000 in stage prod's audit trail (looked at the aliases "
        "of order-api, order-worker); release audit --stage prod --alias A lists the release ids\n"
    )


def test_a_release_is_read_from_each_functions_alias_partitions_only(
    service: Service, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One Query per alias the stage declares (and the one given): never the prune partition, never a Scan."""
    api, worker = service
    release = _ok(run_cli, *TRAIN)["releaseId"]
    partitions: list[str] = []

    def keep_partition(params: dict[str, Any], **_: Any) -> None:
        partitions.append(request_body(params)["ExpressionAttributeValues"][":pk"]["S"])

    hook_cli_clients(monkeypatch, {"before-call.dynamodb.Query": keep_partition})
    assert len(_ok(run_cli, "audit", "--stage", "prod", "--release", release)) == 2
    assert partitions == [f"RELEASE#{api.function}#ALIAS#prod", f"RELEASE#{worker.function}#ALIAS#prod"]


def test_the_text_report_of_a_release_and_of_its_dry_run(service: Service, run_cli: Any) -> None:
    planned = run_cli(*TRAIN, "--dry-run")
    assert planned.code == 0, planned.err
    release = _release_id(planned.err)
    lines = planned.out.splitlines()
    assert lines[:3] == [
        f"release {release} (promote): dry run",
        "  order-api: alias prod: 1 -> 2 (planned)",
        "  order-worker: alias prod: 1 -> 2 (planned)",
    ]
    document = _ok(run_cli, *TRAIN, "--dry-run")
    assert document["dryRun"] is True and [m["action"] for m in document["moves"]] == ["promote", "promote"]
    items = [c["request"]["Item"] for m in document["moves"] for c in m["calls"] if c["call"] == "dynamodb.PutItem"]
    assert [(i["action"], i["releaseId"]) for i in items] == [({"S": "promote"}, {"S": document["releaseId"]})] * 2
    done = run_cli(*TRAIN)
    assert done.code == 0, done.err
    assert done.out.splitlines() == [
        f"release {_release_id(done.err)} (promote)",
        "  order-api: alias prod: 1 -> 2 (moved)",
        "  order-worker: alias prod: 1 -> 2 (moved)",
    ]
    again = run_cli(*TRAIN)
    assert again.code == 0, again.err
    assert again.out.splitlines() == [
        f"release {_release_id(again.err)} (promote)",
        "  order-api: alias prod: 2 -> 2 (already there)",
        "  order-worker: alias prod: 2 -> 2 (already there)",
    ]
    document = _ok(run_cli, *TRAIN)
    assert document["dryRun"] is False and [m["changed"] for m in document["moves"]] == [False, False]


@pytest.mark.parametrize(
    ("function", "key"),
    [
        ("prod-VersionedOrderAPI", "order-api"),
        (f"arn:aws:lambda:{REGION}:123456789012:function:prod-VersionedOrderAPI", "order-api"),
        (f"arn:aws:lambda:{REGION}:123456789012:function:prod-VersionedOrderAPI:live", "order-api"),
        ("prod-some-other-function", None),
    ],
    ids=["name", "ARN", "qualified ARN", "no function of that name"],
)
def test_a_named_function_is_found_in_another_stage_by_its_name(function: str, key: str | None) -> None:
    from release_cli.ops.target import Target
    from release_cli.ops.version_source import source_key

    target = Target(function=function, audit_table=None, function_given=True)
    assert source_key(target, "staging") == key


def test_in_a_stage_of_one_function_any_named_function_is_that_one(one_function_project: Any) -> None:
    from release_cli.ops.target import Target
    from release_cli.ops.version_source import source_key

    target = Target(function="prod-some-other-function", audit_table=None, function_given=True)
    assert source_key(target, "staging") == "order-api"


def _leg(key: str) -> Any:
    from release_cli.ops.lambda_reads import AliasState
    from release_cli.ops.release_train import Leg
    from release_cli.ops.route_rules import Route
    from release_cli.ops.target import Target

    target = Target(function=f"prod-{key}", audit_table="audit", stage="prod", function_key=key)
    return Leg(target=target, before=AliasState(name="prod", version="1"), route=Route(version="2"), versions=[])


def _moved(leg: Any, *, changed: bool, signals: tuple[int, ...] = ()) -> Any:
    from release_cli.ops.alias_move import MoveResult
    from release_cli.ops.audit_log import AuditRecord

    record = AuditRecord(who="w", at="t", function=leg.target.function, action="promote", alias="prod",
                         revision_after="r2") if changed else None  # fmt: skip
    return MoveResult(alias="prod", action="promote", before=leg.before, route=leg.route, changed=changed,
                      dry_run=False, record=record, signals=list(signals))  # fmt: skip


def test_in_a_release_of_three_an_alias_already_there_does_not_stop_the_put_back_of_an_earlier_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stage of three functions: the first moved, the second was already there, the third failed.
    The put-backs go newest first, past the one that did not change, to the first."""
    from release_cli.ops import release_train
    from release_cli.ops.alias_move import MoveOptions
    from release_cli.ops.clients import AwsContext
    from release_cli.ops.lambda_reads import AliasState

    legs = [_leg("a"), _leg("b"), _leg("c")]
    result = release_train.TrainResult(release_id="R", action="promote", keys=["a", "b"])
    result.moved = [_moved(legs[0], changed=True), _moved(legs[1], changed=False)]
    monkeypatch.setattr(
        release_train, "get_alias", lambda _ctx, _function, alias: AliasState(name=alias, version="2", revision_id="r2")
    )
    put_back: list[tuple[str, str]] = []

    def move(_ctx: Any, target: Any, *, route: Any, **_: Any) -> None:
        put_back.append((target.function_key, route.version))

    report = release_train._put_back(AwsContext(region=REGION), legs, result, MoveOptions(), move)
    assert put_back == [("a", "1")]
    assert report.splitlines() == [
        "release R did not complete; putting back the moves already made:",
        "  b: alias prod was not changed; nothing to put back",
        "  a: alias prod put back to 1 (audited)",
    ]


def test_a_signal_after_the_last_move_finished_names_the_last_move() -> None:
    """Every leg has moved and the signal is not one a move held (it landed after the last move
    returned): the release names its last move as the one interrupted."""
    from release_cli.ops.interrupts import Interrupted
    from release_cli.ops.release_train import TrainResult, _failed_leg

    legs = [_leg("a"), _leg("b"), _leg("c")]
    result = TrainResult(release_id="R", action="promote", keys=["a", "b", "c"])
    result.moved = [_moved(leg, changed=True) for leg in legs]
    assert _failed_leg(legs, result, Interrupted(signal.SIGTERM)) == "release R: the move of c (alias prod)"
    result.moved[-1] = _moved(legs[-1], changed=True, signals=(signal.SIGTERM,))  # held during the last move
    assert _failed_leg(legs, result, Interrupted(signal.SIGTERM)) == "release R: the move of c (alias prod)"
    result.moved = result.moved[:1]
    assert _failed_leg(legs, result, RuntimeError("x")) == "release R: the move of b (alias prod)"
