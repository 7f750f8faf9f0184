"""A prune that stops partway (SIGINT, SIGTERM, DeleteFunction denied on one version) records exactly
what it deleted, says what was and was not deleted, and exits non-zero.

The signals are real: ``release prune`` runs as a subprocess against the moto server through a proxy
that slows DeleteFunction (``slow_proxy``), and the test signals it once the first batch is recorded.
The denied delete is an ``AccessDeniedException`` answered by a botocore event hook on the Nth call.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from release_cli.ops.prune_run import BATCH
from tests.conftest import ROOT
from tests.release_ops.aws_hooks import aws_error, hook_cli_clients, request_body
from tests.release_ops.conftest import Lab, new_lab
from tests.release_ops.self_signal import send_guarded
from tests.release_ops.slow_proxy import slow_deletes


def _recorded(lab: Lab) -> list[str]:
    (item,) = lab.audit_items()
    return [v["S"] for v in item["deletedVersions"]["L"]]


def _many_versions(count: int) -> Lab:
    lab = new_lab()
    for n in range(1, count + 1):
        lab.publish(f"code {n}")
    lab.alias("prod", str(count))
    return lab


@pytest.mark.parametrize(
    ("signum", "when"),
    [(signal.SIGINT, "before"), (signal.SIGTERM, "after")],
    ids=["SIGINT-delete-not-yet-sent", "SIGTERM-delete-done-unanswered"],
)
def test_a_signal_mid_prune_records_exactly_what_was_deleted(aws_env: str, signum: int, when: str) -> None:
    """With ``after`` the signal lands while Lambda has deleted a version but not answered yet; with
    ``before`` the request is on its way and is carried out after the client stopped. Either way the
    prune sends that delete once more and records it (a record of the answered deletes only would miss it)."""
    lab = _many_versions(41)  # 40 to delete: four batches
    before = lab.versions()
    with slow_deletes(aws_env, delay=0.15, when=when) as proxy:
        env = {**os.environ, "AWS_ENDPOINT_URL": proxy}
        command = [sys.executable, "-m", "release_cli", "prune", *lab.target_args(), "--keep", "1",
                   "--no-stack", "--apply", "--yes", "--reason", "quota"]  # fmt: skip
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)  # fmt: skip
        assert process.stderr is not None
        first = process.stderr.readline()  # the first batch is deleted and recorded
        assert first.startswith(f"prune: {BATCH} of 40 version(s) deleted and recorded"), first
        assert _recorded(lab) == before[:BATCH]  # recorded batch by batch, while the prune still runs
        time.sleep(0.4)  # two or three deletes into the next batch: one of them is in flight
        process.send_signal(signum)
        out, rest = process.communicate(timeout=60)
    name = signal.Signals(signum).name
    assert process.returncode == 128 + signum, rest
    assert f"stopped by {name}" in rest and "not deleted (" in rest
    gone = [v for v in before if v not in lab.versions()]
    assert BATCH <= len(gone) < 40  # it really stopped partway
    assert _recorded(lab) == gone  # every deletion that happened, and none that did not
    assert f"deleted ({len(gone)} of 40): {', '.join(gone)}" in rest
    assert "Traceback" not in rest and out == ""


def test_delete_denied_on_one_version_stops_the_prune_and_records_what_was_deleted(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3, 19):
        lab.publish(f"v{n}")  # 3..17 go (15 versions: two batches), 18 is the newest
    calls: list[int] = []

    def deny_the_13th(**_: Any) -> Any:
        calls.append(1)
        if len(calls) == 13:
            return aws_error("AccessDeniedException", "not authorized to delete this version", 403)
        return None

    hook_cli_clients(monkeypatch, {"before-call.lambda.DeleteFunction": deny_the_13th})
    result = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply", "--reason", "quota")
    assert result.code == 2
    deleted = [str(n) for n in range(3, 15)]  # 12 deleted before the 13th delete (version 15) was denied
    assert lab.versions() == ["1", "2", "15", "16", "17", "18"]
    assert _recorded(lab) == deleted
    assert "stopped by an error: deleting version 15" in result.err and "AccessDeniedException" in result.err
    assert f"deleted (12 of 15): {', '.join(deleted)}" in result.err
    assert "not deleted (3): 15, 16, 17" in result.err
    assert "lists exactly the deleted versions" in result.err


def test_a_stop_before_the_next_batch_deletes_anything_does_not_write_the_record_again(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record is written after each batch that deleted something, and only then: a stop on the first
    delete of the second batch leaves the first batch's record as it is (no second, identical PutItem)."""
    from release_cli.ops.audit_log import PROBE_CONDITION

    for n in range(3, 19):
        lab.publish(f"v{n}")  # 3..17 go: 3..12 in the first batch, 13..17 in the second
    writes: list[dict[str, Any]] = []

    def keep_record_writes(params: dict[str, Any], **_: Any) -> None:
        body = request_body(params)
        if body.get("ConditionExpression") != PROBE_CONDITION:
            writes.append(body)

    deny = _on_deletes({BATCH + 1: lambda: aws_error("AccessDeniedException", "not authorized", 403)})
    hook_cli_clients(
        monkeypatch, {"before-call.lambda.DeleteFunction": deny, "before-call.dynamodb.PutItem": keep_record_writes}
    )
    result = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply")
    assert result.code == 2
    first_batch = [str(n) for n in range(3, 3 + BATCH)]
    assert _recorded(lab) == first_batch
    assert len(writes) == 1, [w["Item"]["deletedVersions"] for w in writes]
    sk = lab.audit_items()[0]["SK"]["S"]
    assert result.err.splitlines()[0] == f"prune: {BATCH} of 15 version(s) deleted and recorded (record {sk})"
    assert "stopped by an error: deleting version 13" in result.err


def test_nothing_deleted_means_no_record(lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    lab.publish("v3")
    lab.publish("v4")
    hook_cli_clients(
        monkeypatch, {"before-call.lambda.DeleteFunction": lambda **_: aws_error("AccessDeniedException", "no", 403)}
    )
    result = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply")
    assert result.code == 2
    assert result.err.splitlines()[1:] == [
        "deleted (0 of 1): none",
        "not deleted (1): 3",
        "nothing was deleted, so no audit record was written",
        "run the same prune again to go on (it plans afresh)",
    ]
    assert lab.versions() == ["1", "2", "3", "4"] and lab.audit_items() == []


def test_the_signal_guard_restores_the_previous_handlers() -> None:
    from release_cli.ops.interrupts import Interrupted, SignalGuard

    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    with pytest.raises(Interrupted) as stopped, SignalGuard() as guard:
        send_guarded(signal.SIGTERM)
    assert stopped.value.exit_code == 143 and guard.held == []
    assert {s: signal.getsignal(s) for s in before} == before
    assert threading.current_thread() is threading.main_thread()


def _on_deletes(actions: dict[int, Callable[[], Any]]) -> Callable[..., Any]:
    """A DeleteFunction hook that runs ``actions[n]`` on the nth call (every other call goes through)."""
    calls: list[int] = []

    def hook(**_: Any) -> Any:
        calls.append(1)
        action = actions.get(len(calls))
        return action() if action else None

    return hook


def _signal(signum: int) -> Callable[[], None]:
    def send() -> None:
        send_guarded(signum)

    return send


def _prune_3_to_7(lab: Lab, run_cli) -> Any:
    for n in range(3, 9):
        lab.publish(f"v{n}")  # 1, 2 aliased, 8 the newest: 3..7 go
    return run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply", "--yes")


@pytest.mark.parametrize(
    ("signum", "event"),
    [(signal.SIGINT, "before-call"), (signal.SIGTERM, "after-call")],
    ids=["SIGINT-delete-not-yet-sent", "SIGTERM-delete-done-unanswered"],
)
def test_a_signal_cutting_a_delete_short_sends_it_again_and_records_the_answer(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch, signum: int, event: str
) -> None:
    """In-process twin of the subprocess test: the signal lands on the third DeleteFunction, before
    the request went (the resend deletes it) or after Lambda deleted it (the resend finds it gone).
    Either way version 5 is deleted, recorded and reported, and the exit code is the signal's."""
    hook_cli_clients(monkeypatch, {f"{event}.lambda.DeleteFunction": _on_deletes({3: _signal(signum)})})
    result = _prune_3_to_7(lab, run_cli)
    name = signal.Signals(signum).name
    assert result.code == 128 + signum, result.err
    assert f"prune of {lab.function} stopped by {name}" in result.err
    assert "deleted (3 of 5): 3, 4, 5" in result.err and "not deleted (2): 6, 7" in result.err
    assert lab.versions() == ["1", "2", "6", "7", "8"]
    assert _recorded(lab) == ["3", "4", "5"]
    assert result.out == "" and "Traceback" not in result.err


def test_a_delete_cut_short_that_lambda_then_refuses_is_skipped_and_not_recorded(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An alias took version 5 while its delete was cut short: the resend is refused as referenced,
    so 5 is reported as skipped with Lambda's message and stays out of the record."""
    refused = "Unable to delete version because the following aliases reference it: [late]"
    actions = {3: _signal(signal.SIGINT), 4: lambda: aws_error("ResourceConflictException", refused, 409)}
    hook_cli_clients(monkeypatch, {"before-call.lambda.DeleteFunction": _on_deletes(actions)})
    result = _prune_3_to_7(lab, run_cli)
    assert result.code == 130, result.err
    assert f"skipped 5: {refused}" in result.err
    assert "deleted (2 of 5): 3, 4" in result.err and "not deleted (2): 6, 7" in result.err
    assert "5" in lab.versions() and _recorded(lab) == ["3", "4"]


def test_a_delete_cut_short_that_cannot_be_resent_is_reported_unknown(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No answer to the resend (the endpoint is unreachable): version 5 is neither recorded nor
    claimed deleted, but named as unknown with what to do."""
    from botocore.exceptions import EndpointConnectionError

    def unreachable() -> None:
        raise EndpointConnectionError(endpoint_url="https://lambda.invalid")

    actions = {3: _signal(signal.SIGTERM), 4: unreachable}
    hook_cli_clients(monkeypatch, {"before-call.lambda.DeleteFunction": _on_deletes(actions)})
    result = _prune_3_to_7(lab, run_cli)
    assert result.code == 143, result.err
    assert "unknown (DeleteFunction was cut short and Lambda could not be asked; not recorded): 5;" in result.err
    assert "deleted (2 of 5): 3, 4" in result.err and "not deleted (2): 6, 7" in result.err
    assert _recorded(lab) == ["3", "4"]


def test_a_signal_during_the_clean_up_write_waits_for_it(lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """An AWS error stops the prune; a Ctrl-C while the record of what was deleted is being written
    does not interrupt that write: the record lists the deletions and the error's exit code stands."""
    from release_cli.ops.audit_log import PROBE_CONDITION

    def ctrl_c_on_record(params: dict[str, Any], **_: Any) -> None:
        if request_body(params).get("ConditionExpression") != PROBE_CONDITION:
            send_guarded(signal.SIGINT)

    deny = _on_deletes({3: lambda: aws_error("AccessDeniedException", "not authorized", 403)})
    hook_cli_clients(
        monkeypatch, {"before-call.lambda.DeleteFunction": deny, "before-call.dynamodb.PutItem": ctrl_c_on_record}
    )
    result = _prune_3_to_7(lab, run_cli)
    assert result.code == 2, result.err
    assert "stopped by an error: deleting version 5" in result.err
    assert "lists exactly the deleted versions" in result.err and "Traceback" not in result.err
    assert _recorded(lab) == ["3", "4"]


def test_a_second_signal_is_noted_not_raised() -> None:
    from release_cli.ops.interrupts import Interrupted, SignalGuard

    with SignalGuard() as guard:
        with pytest.raises(Interrupted) as first:
            send_guarded(signal.SIGINT)
        try:
            send_guarded(signal.SIGTERM)  # the clean-up the first one started goes on
            send_guarded(signal.SIGINT)
        except Interrupted as again:  # caught here, or it would stop the test run as a Ctrl-C
            pytest.fail(f"a second signal was raised, not held: {again.name}")
    assert (first.value.name, first.value.exit_code) == ("SIGINT", 130)
    assert guard.held == [signal.SIGTERM, signal.SIGINT]


def test_a_signal_whose_record_cannot_be_written_warns_first_and_keeps_its_exit_code(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM on the third delete, then the record write is denied: the capitals warning naming every
    deleted version comes first, with the command to record them by hand, then the usual account of
    the stop; the exit code stays the signal's (143), not the error's."""
    from release_cli.ops.audit_log import PROBE_CONDITION

    def deny_record(params: dict[str, Any], **_: Any) -> Any:
        if request_body(params).get("ConditionExpression") == PROBE_CONDITION:
            return None
        return aws_error("AccessDeniedException", "denied after the check")

    hook_cli_clients(
        monkeypatch,
        {
            "before-call.lambda.DeleteFunction": _on_deletes({3: _signal(signal.SIGTERM)}),
            "before-call.dynamodb.PutItem": deny_record,
        },
    )
    result = _prune_3_to_7(lab, run_cli)
    assert result.code == 143, result.err
    lines = result.err.splitlines()
    assert lines[0].startswith("error: VERSIONS 3, 4, 5 WERE DELETED BUT THE AUDIT RECORD WAS NOT WRITTEN: ")
    assert lines[1] == "Record it by hand (the command is quoted for a POSIX shell; paste it as is):"
    assert lines[2].startswith(f"  aws dynamodb put-item --table-name {lab.table} --item ")
    assert lines[3:6] == [
        f"prune of {lab.function} stopped by SIGTERM",
        "deleted (3 of 5): 3, 4, 5",
        "not deleted (2): 6, 7",
    ]
    assert lines[-1] == "run the same prune again to go on (it plans afresh)"
    assert lab.versions() == ["1", "2", "6", "7", "8"] and lab.audit_items() == []


def test_a_plain_keyboard_interrupt_is_a_sigint(lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's own KeyboardInterrupt (a Ctrl-C the guard did not turn into ``Interrupted``) stops the
    prune like SIGINT: exit 130, and what was deleted is recorded."""

    def ctrl_c() -> None:
        raise KeyboardInterrupt

    hook_cli_clients(monkeypatch, {"after-call.lambda.DeleteFunction": _on_deletes({2: ctrl_c})})
    result = _prune_3_to_7(lab, run_cli)
    assert result.code == 130, result.err
    assert f"prune of {lab.function} stopped by SIGINT\n" in result.err
    assert "deleted (2 of 5): 3, 4\n" in result.err and _recorded(lab) == ["3", "4"]
