"""Runs a walkthrough document (``LAB.md``) the way a person would: every command, in order, in one shell.

The document is the one source: its ```` ```console ```` blocks hold ``$ command`` lines, each followed
by the output it must print. Other blocks (``text``, ``sh``) are shown, not run. The commands run in one
``bash`` (so ``eval``, ``export`` and ``cd`` carry over, as in a terminal), stdin closed, stderr merged
into stdout, in a copy of the project (``project_copy``: the lab edits code, and the checkout under
test must not change). Each command must exit 0; a step whose failure is the point says so by printing
its exit code (``...; echo "exit $?"``), which the expected output then pins.

Expected output is matched line by line, doctest-style: ``...`` inside a line matches any text on that
line; a line that is only ``...`` matches any number of lines (none included). Trailing spaces and
trailing blank lines are ignored.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

PROMPT = "$ "
ANY_LINES = "..."
LINKED = (".venv", ".venv-emulator", "node_modules")
"""Installed, not part of the source: linked into the copy rather than copied (hundreds of MB)."""
COMMAND_TIMEOUT_S = 300.0


class WalkthroughError(AssertionError):
    """A step whose answer differs from the document's, or a document that cannot be run."""


@dataclass(frozen=True)
class Step:
    command: str
    expected: str
    line: int
    """The document line of the ``$`` prompt, for the failure message."""


def steps(document: str) -> list[Step]:
    """Every ``$ command`` of the document's ``console`` blocks, with the output that follows it."""
    found: list[Step] = []
    for start, block in _console_blocks(document):
        current: tuple[str, int] | None = None
        output: list[str] = []
        for offset, line in enumerate(block):
            if line.startswith(PROMPT):
                if current is not None:
                    found.append(Step(current[0], "\n".join(output), current[1]))
                current, output = (line[len(PROMPT) :], start + offset), []
            elif current is None:
                raise WalkthroughError(f"line {start + offset}: a console block must start with a '$ ' command")
            else:
                output.append(line)
        if current is not None:
            found.append(Step(current[0], "\n".join(output), current[1]))
    return found


def _console_blocks(document: str) -> Iterator[tuple[int, list[str]]]:
    lines = document.splitlines()
    index = 0
    while index < len(lines):
        if lines[index].strip() == "```console":
            end = index + 1
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            if end == len(lines):
                raise WalkthroughError(f"line {index + 1}: a console block is not closed")
            yield index + 2, lines[index + 1 : end]
            index = end
        index += 1


def output_pattern(expected: str) -> re.Pattern[str]:
    """The regular expression ``expected`` stands for (see the module docstring)."""
    parts: list[str] = []
    for line in _normalized(expected).splitlines():
        if line.strip() == ANY_LINES:
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(piece) for piece in line.split(ANY_LINES)) + r"\n")
    return re.compile("".join(parts))


def matches(expected: str, actual: str) -> bool:
    return output_pattern(expected).fullmatch(_normalized(actual)) is not None


def _normalized(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "".join(line + "\n" for line in lines)


class Shell:
    """One ``bash`` session: commands run in it one after another, like a person's terminal."""

    def __init__(self, cwd: Path, env: Mapping[str, str]) -> None:
        self._process = subprocess.Popen(
            ["bash", "--noprofile", "--norc"],
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._buffer = b""
        self._count = 0

    def run(self, command: str, timeout_s: float = COMMAND_TIMEOUT_S) -> tuple[int, str]:
        """``command``'s exit code and output (stdout and stderr, as a terminal shows them)."""
        self._count += 1
        marker = f"__walkthrough_step_{self._count}_exit="
        script = f"{{ {command}\n}} </dev/null 2>&1\nprintf '\\n{marker}%s\\n' \"$?\"\n"
        assert self._process.stdin is not None
        self._process.stdin.write(script.encode())
        self._process.stdin.flush()
        text = self._read_until(marker.encode(), timeout_s, command)
        before, _, after = text.partition(marker)
        return int(after.strip()), before.removesuffix("\n").removesuffix("\n")

    def _read_until(self, marker: bytes, timeout_s: float, command: str) -> str:
        assert self._process.stdout is not None
        descriptor = self._process.stdout.fileno()
        deadline = time.monotonic() + timeout_s
        while True:
            position = self._buffer.find(marker)
            if position >= 0:
                end = self._buffer.find(b"\n", position)
                if end >= 0:
                    text, self._buffer = self._buffer[: end + 1], self._buffer[end + 1 :]
                    return text.decode(errors="replace")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WalkthroughError(f"`{command}` did not finish in {timeout_s:.0f} s; so far:\n{self._buffer!r}")
            ready, _, _ = select.select([descriptor], [], [], remaining)
            if ready:
                chunk = os.read(descriptor, 65536)
                if not chunk:
                    raise WalkthroughError(
                        f"the shell ended during `{command}`:\n{self._buffer.decode(errors='replace')}"
                    )
                self._buffer += chunk

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, 9)
                self._process.wait()


def project_copy(root: Path, destination: Path) -> Path:
    """The project's source files (tracked and new, as ``git ls-files`` lists them) copied to
    ``destination`` and committed there, so the lab can change code and put it back with git; the
    installed environments are linked, not copied."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = root / name
        if not source.is_file():  # deleted in the work tree but still in the index
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    for name in LINKED:
        if (root / name).exists():
            (destination / name).symlink_to(root / name)
    git = ["git", "-c", "user.name=walkthrough", "-c", "user.email=walkthrough@example.invalid"]
    subprocess.run(["git", "init", "-q"], cwd=destination, check=True)
    subprocess.run(["git", "add", "-A"], cwd=destination, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the project as tested"], cwd=destination, check=True)
    return destination


@dataclass(frozen=True)
class Outcome:
    step: Step
    exit_code: int
    output: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and matches(self.step.expected, self.output)

    def explain(self) -> str:
        why = f"exit {self.exit_code}" if self.exit_code != 0 else "its output differs"
        return (
            f"LAB.md line {self.step.line}: `{self.step.command}`: {why}\n"
            f"--- expected (the document)\n{self.step.expected}\n--- actual\n{self.output}"
        )
