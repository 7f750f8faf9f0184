"""``interrupts.Interrupted`` as an exception: it reads as the signal that raised it, like Python's
own ``KeyboardInterrupt`` reads as what stopped the program."""

from __future__ import annotations

import signal

import pytest

from release_cli.ops.interrupts import Interrupted


@pytest.mark.parametrize(("signum", "name", "code"), [(signal.SIGINT, "SIGINT", 130), (signal.SIGTERM, "SIGTERM", 143)])
def test_an_interrupted_names_its_signal_in_its_message_and_exits_as_the_shell_expects(
    signum: int, name: str, code: int
) -> None:
    stop = Interrupted(signum)
    assert (str(stop), stop.args, stop.name, stop.exit_code) == (name, (name,), name, code)
    assert isinstance(stop, KeyboardInterrupt)


def test_a_previous_handler_python_cannot_name_is_given_back_as_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """``signal.signal`` answers None for a handler not installed from Python (one a C library set);
    handing None back would raise TypeError, so the guard restores the default action instead."""
    from release_cli.ops.interrupts import HANDLED, SignalGuard

    installed: list[tuple[int, object]] = []

    def fake_signal(signum: int, handler: object) -> None:
        installed.append((signum, handler))
        return None

    monkeypatch.setattr(signal, "signal", fake_signal)
    with SignalGuard() as guard:
        assert installed == [(s, guard._handle) for s in HANDLED]
    assert installed[len(HANDLED) :] == [(s, signal.SIG_DFL) for s in HANDLED]
