"""Lambda's concurrency model for ``release serve``: each concurrent request in an execution environment
of its own, up to a limit, the rest waiting their turn.

An execution environment here is one separately loaded instance of the function's code (``load``:
``local_invoke.isolated_handler``), so module state (the DynamoDB client, the config cache, any global)
is never shared between two environments, as it is not between two Lambda containers. A request takes
an idle environment (the most recently used: the warmest, as Lambda reuses them), or starts a new one
while fewer than ``size`` exist (a cold start), or waits until one is free: queued in order of
arrival (each freed environment goes to the request that has waited longest; a newcomer never
overtakes), never refused. The data store behind them
is one for all (``local_tables``).

Cold starts run one at a time: loading code swaps modules in and out of ``sys.modules`` and
``sys.path``, which belong to the whole process. A load that fails (an import or syntax error) is an
``EnvironmentInitError`` with the traceback, and takes no place in the pool: the next request tries again.

With ``code_version`` (``release serve --reload``) each request first asks for the code's version
(``code_watch.code_version``); when it changed, idle environments are dropped and busy ones are dropped
when their request ends, so every request that starts after a change runs the new code, in fresh
environments, without a restart.
"""

from __future__ import annotations

import threading
import traceback
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

Entry = Callable[[Any, Any], Any]


class EnvironmentInitError(Exception):
    """The function's code could not be loaded into a new environment; ``detail`` is the traceback."""

    def __init__(self, summary: str, detail: str) -> None:
        super().__init__(summary)
        self.detail = detail


@dataclass(eq=False)
class Environment:
    entry: Entry
    generation: int
    number: int


class ExecutionEnvironments:
    def __init__(
        self,
        load: Callable[[], Entry],
        size: int,
        *,
        code_version: Callable[[], Hashable] | None = None,
        log: Callable[[str], None] = lambda line: None,
    ) -> None:
        if size < 1:
            raise ValueError(f"concurrency must be at least 1, not {size}")
        self.size = size
        self._load = load
        self._code_version = code_version
        self._version = code_version() if code_version else None
        self._log = log
        self._generation = 0
        self._started = 0
        self._live = 0  # idle and busy, of any generation: never more than size
        self._idle: list[Environment] = []
        self._waiting: deque[_Turn] = deque()  # requests in order of arrival
        self._lock = threading.Lock()
        self._cold_start = threading.Lock()

    def run(self, call: Callable[[Entry], Any]) -> Any:
        """``call(entry)`` in an environment of its own (waiting for one if all ``size`` are busy)."""
        self._notice_code_change()
        environment = self._acquire()
        try:
            return call(environment.entry)
        finally:
            self._release(environment)

    def _notice_code_change(self) -> None:
        if self._code_version is None:
            return
        version = self._code_version()
        with self._lock:
            if version == self._version:
                return
            self._version = version
            self._generation += 1
            self._live -= len(self._idle)
            self._idle.clear()  # nobody waits while one is idle: the places freed need no hand-over
        self._log("code changed: the next requests start fresh execution environments")

    def _acquire(self) -> Environment:
        """An idle environment, a new one while fewer than ``size`` exist, else the next one freed (in turn)."""
        with self._lock:
            if self._waiting or (not self._idle and self._live >= self.size):
                turn = _Turn()
                self._waiting.append(turn)
            elif self._idle:
                return self._idle.pop()
            else:
                self._live += 1
                turn = None
        if turn is not None:
            turn.given.wait()
            if turn.environment is not None:
                return turn.environment
        return self._start()

    def _start(self) -> Environment:
        """A cold start in a place already counted in ``_live``; a failure hands the place on."""
        with self._lock:
            generation = self._generation
            self._started += 1
            number = self._started
        try:
            with self._cold_start:
                entry = self._load()
        except BaseException as err:
            with self._lock:
                self._live -= 1
                self._hand_over(None)
            if isinstance(err, Exception):
                raise _init_error(err) from err
            raise
        return Environment(entry, generation, number)

    def _release(self, environment: Environment) -> None:
        with self._lock:
            if environment.generation != self._generation:  # old code: retired, its place handed on
                self._live -= 1
                self._hand_over(None)
            elif not self._hand_over(environment):
                self._idle.append(environment)

    def _hand_over(self, environment: Environment | None) -> bool:
        """Give ``environment`` (or, with None, a free place for a cold start) to the first waiting request.
        Called with the lock held; False when nobody waits (or no place is free)."""
        if not self._waiting:
            return False
        if environment is None:
            if self._live >= self.size:
                return False
            self._live += 1
        turn = self._waiting.popleft()
        turn.environment = environment
        turn.given.set()
        return True


class _Turn:
    """A request waiting for an environment: handed one (or a place to start one) when its turn comes."""

    def __init__(self) -> None:
        self.given = threading.Event()
        self.environment: Environment | None = None


def _init_error(err: Exception) -> EnvironmentInitError:
    """The error with its whole traceback: the cause too when it was suppressed (``raise ... from None``)."""
    chain = traceback.format_exception(err.__context__) if err.__suppress_context__ and err.__context__ else []
    detail = "".join([*chain, *traceback.format_exception(err)])
    return EnvironmentInitError(f"{type(err).__name__}: {err}", detail)
