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
from typing import Any

import pytest

from release_cli.ops.prune_run import BATCH
from tests.conftest import ROOT
from tests.release_ops.aws_hooks import aws_error, hook_cli_clients
from tests.release_ops.conftest import Lab, new_lab
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


def test_nothing_deleted_means_no_record(lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    lab.publish("v3")
    lab.publish("v4")
    hook_cli_clients(
        monkeypatch, {"before-call.lambda.DeleteFunction": lambda **_: aws_error("AccessDeniedException", "no", 403)}
    )
    result = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply")
    assert result.code == 2 and "nothing was deleted, so no audit record was written" in result.err
    assert lab.versions() == ["1", "2", "3", "4"] and lab.audit_items() == []


def test_the_signal_guard_restores_the_previous_handlers() -> None:
    from release_cli.ops.interrupts import Interrupted, SignalGuard

    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    with pytest.raises(Interrupted) as stopped, SignalGuard() as guard:
        signal.raise_signal(signal.SIGTERM)
    assert stopped.value.exit_code == 143 and guard.held == []
    assert {s: signal.getsignal(s) for s in before} == before
    assert threading.current_thread() is threading.main_thread()
