"""Lambda's concurrency model for ``release serve`` (``release_cli.execution_environments``): concurrent
requests overlap up to the limit, each in an environment of its own with its own module state, the rest
wait (never refused), a failed load frees its place, and a code change retires old environments."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from release_cli.execution_environments import EnvironmentInitError, ExecutionEnvironments
from release_cli.local_invoke import isolated_handler

SLOW_SECONDS = 0.3


class Tracker:
    """Entries that sleep and record how many ran at once."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.loads = 0
        self.lock = threading.Lock()

    def load(self) -> Callable[[Any, Any], Any]:
        self.loads += 1
        number = self.loads

        def entry(event: Any, context: Any) -> Any:
            with self.lock:
                self.running += 1
                self.most = max(self.most, self.running)
            time.sleep(event)
            with self.lock:
                self.running -= 1
            return number

        return entry


def together(environments: ExecutionEnvironments, count: int, seconds: float = SLOW_SECONDS) -> list[Any]:
    """``count`` requests sent at once; their answers in order of sending."""
    answers: list[Any] = [None] * count

    def one(index: int) -> None:
        answers[index] = environments.run(lambda entry: entry(seconds, None))

    threads = [threading.Thread(target=one, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


@pytest.mark.parametrize(("size", "count", "most"), [(1, 3, 1), (2, 2, 2), (3, 6, 3)])
def test_requests_overlap_up_to_the_limit_and_the_rest_wait(size: int, count: int, most: int) -> None:
    tracker = Tracker()
    started = time.monotonic()
    answers = together(ExecutionEnvironments(tracker.load, size), count)
    elapsed = time.monotonic() - started
    assert None not in answers  # every request was answered: queued, not refused
    assert (tracker.most, tracker.loads) == (most, most)
    rounds = -(-count // size)
    assert rounds * SLOW_SECONDS <= elapsed < (rounds + 1) * SLOW_SECONDS


def test_a_free_environment_is_reused_warm() -> None:
    tracker = Tracker()
    environments = ExecutionEnvironments(tracker.load, 4)
    assert [environments.run(lambda entry: entry(0, None)) for _ in range(3)] == [1, 1, 1]
    assert tracker.loads == 1


HANDLER = """
import time

CALLS = 0


def handler(event, context):
    global CALLS
    CALLS += 1
    time.sleep(event)
    return {"environment": id(handler), "calls": CALLS}
"""


def test_each_environment_has_its_own_module_state(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text(HANDLER)
    environments = ExecutionEnvironments(lambda: isolated_handler(tmp_path, "handler.handler"), 2)
    first, second = together(environments, 2)
    assert first["environment"] != second["environment"]
    assert first["calls"] == second["calls"] == 1  # a shared module would have counted 2
    again = environments.run(lambda entry: entry(0, None))
    assert again["calls"] == 2 and again["environment"] in {first["environment"], second["environment"]}


def test_a_load_that_fails_is_an_init_error_with_the_traceback_and_frees_its_place() -> None:
    attempts: list[int] = []

    def load() -> Callable[[Any, Any], Any]:
        attempts.append(1)
        if len(attempts) == 1:
            compile("def broken(:\n", "handler.py", "exec")
        return lambda event, context: "ok"

    environments = ExecutionEnvironments(load, 1)
    with pytest.raises(EnvironmentInitError) as raised:
        environments.run(lambda entry: entry(0, None))
    assert str(raised.value).startswith("SyntaxError: ")
    assert (
        "Traceback (most recent call last)" in raised.value.detail
        and 'File "handler.py", line 1' in raised.value.detail
    )
    assert environments.run(lambda entry: entry(0, None)) == "ok"  # the one place was given back


def test_a_suppressed_cause_is_still_in_the_traceback(tmp_path: Path) -> None:
    """``isolated_handler`` raises its own error ``from None``; the import error under it is what a reader needs."""
    (tmp_path / "handler.py").write_text("import no_such_module_here\n")
    environments = ExecutionEnvironments(lambda: isolated_handler(tmp_path, "handler.handler"), 1)
    with pytest.raises(EnvironmentInitError) as raised:
        environments.run(lambda entry: entry(0, None))
    assert "ModuleNotFoundError: No module named 'no_such_module_here'" in raised.value.detail
    assert "LocalInvokeError" in raised.value.detail


def test_a_code_change_retires_idle_and_busy_environments() -> None:
    tracker = Tracker()
    version = ["v1"]
    lines: list[str] = []
    environments = ExecutionEnvironments(tracker.load, 2, code_version=lambda: version[0], log=lines.append)
    assert environments.run(lambda entry: entry(0, None)) == 1
    busy = threading.Thread(target=lambda: environments.run(lambda entry: entry(SLOW_SECONDS, None)))
    busy.start()  # takes environment 1, busy while the code changes
    time.sleep(SLOW_SECONDS / 3)
    version[0] = "v2"
    assert environments.run(lambda entry: entry(0, None)) == 2  # a fresh environment, not the busy old one
    busy.join()
    assert [environments.run(lambda entry: entry(0, None)) for _ in range(2)] == [2, 2]  # 1 was not kept
    assert tracker.loads == 2
    assert lines == ["code changed: the next requests start fresh execution environments"]


def test_without_a_code_version_nothing_is_reloaded() -> None:
    tracker = Tracker()
    environments = ExecutionEnvironments(tracker.load, 1)
    for _ in range(3):
        environments.run(lambda entry: entry(0, None))
    assert tracker.loads == 1


def test_the_limit_is_at_least_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ExecutionEnvironments(Tracker().load, 0)


def test_waiting_requests_are_served_in_order_of_arrival() -> None:
    environments = ExecutionEnvironments(Tracker().load, 1)
    served: list[int] = []

    def send(number: int, seconds: float) -> threading.Thread:
        def one() -> None:
            environments.run(lambda entry: (served.append(number), entry(seconds, None)))

        thread = threading.Thread(target=one)
        thread.start()
        time.sleep(0.05)  # the next one arrives later
        return thread

    threads = [send(0, SLOW_SECONDS)] + [send(number, 0.01) for number in range(1, 6)]
    for thread in threads:
        thread.join(timeout=30)
    assert served == [0, 1, 2, 3, 4, 5]
