"""SIGINT and SIGTERM as an exception for the length of a change, so its clean-up runs on either.

Python turns SIGINT (Ctrl-C) into ``KeyboardInterrupt``, but SIGTERM (what ``kill``, a CI job's
cancel button and a container stop send) ends the process at once and skips every ``finally``.
``SignalGuard`` installs one handler for both while a change runs and restores the previous
handlers after:

1. the first signal raises ``Interrupted`` (a ``KeyboardInterrupt``, so code that already handles
   Ctrl-C handles it) at whatever line the program is on;
2. from then on, and after ``hold()``, signals are noted in ``held`` instead of raised: a second
   Ctrl-C while the clean-up writes its record cannot interrupt that write;
3. outside the main thread (where Python allows no handlers) it installs nothing.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType
from typing import Any

HANDLED = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A SIGINT or SIGTERM that arrived while a change was running."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)

    @property
    def exit_code(self) -> int:
        """The shell's convention for a process ended by a signal: 128 + its number (130, 143)."""
        return 128 + self.signum


class SignalGuard:
    """``with SignalGuard() as guard:`` SIGINT/SIGTERM raise ``Interrupted`` once, then are held."""

    def __init__(self) -> None:
        self.raising = True
        self.held: list[int] = []
        self._previous: dict[int, Any] = {}

    def hold(self) -> None:
        """From now on note signals instead of raising them (the clean-up must not be interrupted)."""
        self.raising = False

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if not self.raising:
            self.held.append(signum)
            return
        self.raising = False  # the clean-up this raise starts is not interrupted by a second signal
        raise Interrupted(signum)

    def __enter__(self) -> SignalGuard:
        if threading.current_thread() is threading.main_thread():
            for signum in HANDLED:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
        self._previous.clear()
