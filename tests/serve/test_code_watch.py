"""``release serve --reload``'s view of a code folder (``release_cli.code_watch``): what counts as a change."""

from __future__ import annotations

import os
from pathlib import Path

from release_cli.code_watch import code_version


def test_an_edit_a_new_file_and_a_deletion_each_change_the_version(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    handler = tmp_path / "handler.py"
    handler.write_text("A = 1\n")
    (tmp_path / "pkg" / "mod.py").write_text("")
    versions = [code_version(tmp_path)]
    stat = handler.stat()
    handler.write_text("A = 2\n")  # same size: only the modification time tells
    os.utime(handler, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    versions.append(code_version(tmp_path))
    (tmp_path / "pkg" / "new.py").write_text("")
    versions.append(code_version(tmp_path))
    (tmp_path / "pkg" / "mod.py").unlink()
    versions.append(code_version(tmp_path))
    assert len(set(versions)) == 4
    assert [path for path, _, _ in versions[-1]] == ["handler.py", os.path.join("pkg", "new.py")]


def test_bytecode_and_hidden_files_do_not_count(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text("")
    before = code_version(tmp_path)
    for folder in ("__pycache__", ".git", "pkg/__pycache__"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "x.pyc").write_text("")
    (tmp_path / ".handler.py.swp").write_text("")
    assert code_version(tmp_path) == before
