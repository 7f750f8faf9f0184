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
