"""A signal a test sends to its own process while a command runs in-process, as ``kill`` or Ctrl-C
would, only once a ``SignalGuard`` is there to catch it.

Without a guard (code that forgot to install one) SIGTERM would end the whole test run and SIGINT
would stop it as if the user had pressed Ctrl-C; checking first makes that a plain test failure.
"""

from __future__ import annotations

import os
import signal


def send_guarded(signum: int, *, kill: bool = False) -> None:
    """``signal.raise_signal(signum)``, or ``os.kill`` to this process with ``kill``, after checking that
    a ``SignalGuard`` handles ``signum`` right now (AssertionError otherwise, nothing sent)."""
    from release_cli.ops.interrupts import SignalGuard

    handler = signal.getsignal(signum)
    guard = getattr(handler, "__self__", None)
    assert isinstance(guard, SignalGuard), f"no SignalGuard handles {signal.Signals(signum).name} here: {handler!r}"
    if kill:
        os.kill(os.getpid(), signum)
    else:
        signal.raise_signal(signum)
