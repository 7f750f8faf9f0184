"""How LAB.md is read and its answers matched (offline): a matcher that accepts anything would let every
step of the lab pass, so what it refuses is pinned here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.emulator.walkthrough import Shell, Step, WalkthroughError, matches, project_copy, steps

DOCUMENT = """intro

```console
$ echo one
one
$ echo two; echo three
two
...
```

```text
$ not run
```

```console
$ true
```
"""


def test_only_console_blocks_are_steps_each_with_its_answer_and_line() -> None:
    assert steps(DOCUMENT) == [
        Step("echo one", "one", 4),
        Step("echo two; echo three", "two\n...", 6),
        Step("true", "", 16),
    ]


def test_a_console_block_must_start_with_a_command() -> None:
    with pytest.raises(WalkthroughError, match="line 2: a console block must start with a '\\$ ' command"):
        steps("```console\noutput first\n$ echo\n```\n")


def test_an_unclosed_block_is_an_error() -> None:
    with pytest.raises(WalkthroughError, match="not closed"):
        steps("```console\n$ echo\n")


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        ("exit 0", "exit 0", True),
        ("exit 0", "exit 1", False),
        ("exit 0", "exit 0\nmore", False),  # every line is accounted for
        ("a\n...\nb", "a\nb", True),  # a line of ... is any number of lines, none included
        ("a\n...\nb", "a\nx\ny\nb", True),
        ("a\n...\nb", "a\nx\ny", False),
        ("a\n...\nb", "a\nxb", False),  # whole lines only
        ("took ... ms", "took 12 ms", True),  # ... inside a line stays on that line
        ("took ... ms", "took 12\nms", False),
        ("version: 2", "version: 20", False),
        ("[x] (y)", "[x] (y)", True),  # the rest is literal, not a pattern
        ("[x] (y)", "x y", False),
        ("trailing  ", "trailing\n\n", True),
        ("", "", True),
        ("", "something", False),
    ],
)
def test_answers_match_line_by_line_with_ellipses(expected: str, actual: str, ok: bool) -> None:
    assert matches(expected, actual) is ok


def test_the_shell_keeps_its_state_between_commands_and_reports_each_exit(tmp_path: Path) -> None:
    shell = Shell(tmp_path, {"PATH": os.environ["PATH"]})
    try:
        assert shell.run("export GREETING=hello; cd /") == (0, "")
        assert shell.run("echo $GREETING from $PWD") == (0, "hello from /")
        assert shell.run("echo to stderr >&2; false") == (1, "to stderr")
        assert shell.run("read line; echo read $?") == (0, "read 1")  # stdin is closed: nothing hangs
    finally:
        shell.close()


def test_the_copy_is_a_committed_repository_with_the_environments_linked(tmp_path: Path) -> None:
    import subprocess

    copy = project_copy(ROOT, tmp_path / "copy")
    assert (copy / "LAB.md").read_text() == (ROOT / "LAB.md").read_text()
    assert (copy / ".venv").is_symlink()
    status = subprocess.run(["git", "status", "--porcelain"], cwd=copy, capture_output=True, text=True, check=True)
    assert status.stdout == ""  # the lab's `git checkout -- FILE` puts back exactly what was tested
    assert not (copy / "cdk.out").exists()
