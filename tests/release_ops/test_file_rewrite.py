"""``file_rewrite.rewrite`` where a process can stop mid-write: what a crash leaves beside the file, and
a signal that lands right after the rename.

A crash (SIGKILL, power loss) between creating the temporary file and the rename leaves that file
behind: it is hidden and named after the file it belongs to (``.stages.toml.<random>.tmp``), so a
person can tell what it is and ``ls`` does not show it among the project files. A Ctrl-C that lands
after the rename, before ``rewrite`` returns, finds the temporary file already gone: it must still
reach the caller as the interrupt, not as a FileNotFoundError from the clean-up.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from release_cli.ops.file_rewrite import rewrite


def test_a_crash_before_the_rename_leaves_a_hidden_temporary_file_named_after_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "stages.toml"
    path.write_bytes(b"old\n")
    left: list[str] = []

    def crash(source: str, _destination: object) -> None:
        left.extend(p.name for p in tmp_path.iterdir() if p != path)  # what SIGKILL here would leave
        assert Path(source).read_bytes() == b"new\n"
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="Input/output error"):
        rewrite(path, b"new\n")
    (name,) = left
    assert re.fullmatch(r"\.stages\.toml\.[^/]+\.tmp", name), name
    assert path.read_bytes() == b"old\n" and [p.name for p in tmp_path.iterdir()] == ["stages.toml"]


def test_an_interrupt_right_after_the_rename_reaches_the_caller_as_the_interrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "stages.toml"
    path.write_bytes(b"old\n")
    real_replace = os.replace

    def replace_then_ctrl_c(source: str, destination: object) -> None:
        real_replace(source, destination)
        raise KeyboardInterrupt  # the signal handler runs right after the rename returned

    monkeypatch.setattr(os, "replace", replace_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        rewrite(path, b"new\n")
    assert path.read_bytes() == b"new\n" and [p.name for p in tmp_path.iterdir()] == ["stages.toml"]
