"""Ctrl-C or SIGTERM during a move never leaves the alias moved without its record.

Once UpdateAlias is on its way the move is a change that has happened (Lambda does not need the
client to wait), so a signal that arrives then waits until the audit record is written
(``alias_move`` guarantee 7); the command says the signal came and finished what it had started.
"""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

from tests.release_ops.aws_hooks import hook_cli_clients
from tests.release_ops.conftest import Lab


class Terminated(Exception):
    """What SIGTERM raises in this test process when nothing else handles it (never kill pytest)."""


@pytest.fixture
def survivable_sigterm() -> Any:
    def terminated(signum: int, _frame: Any) -> None:
        raise Terminated(signum)

    previous = signal.signal(signal.SIGTERM, terminated)
    yield terminated
    signal.signal(signal.SIGTERM, previous)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_update_alias_is_in_flight_waits_for_the_record(
    lab: Lab, run_cli: Any, monkeypatch: pytest.MonkeyPatch, signum: int, survivable_sigterm: Any
) -> None:
    def signal_self(**_: Any) -> None:
        os.kill(os.getpid(), signum)  # Lambda has moved the alias; its answer is still being read

    hook_cli_clients(monkeypatch, {"after-call.lambda.UpdateAlias": signal_self})
    try:
        result = run_cli("promote", *lab.target_args(), "--alias", "staging", "--to", "1", "--reason", "r")
    except Terminated:
        result = None  # today's code: the signal stopped the command between the move and its record
    assert lab.state("staging") == ("1", {})
    records = lab.audit_items()
    assert len(records) == 1 and records[0]["toVersion"] == {"S": "1"}
    assert result is not None and result.code == 0, result and result.err
    assert f"{signal.Signals(signum).name} arrived during the move" in result.err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers given back
    assert signal.getsignal(signal.SIGTERM) is survivable_sigterm
