"""No merge conflict markers in a tracked text file: a merge once left them in the README's
command table, and nothing else noticed (Markdown renders them as text)."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import ROOT

MARKER = re.compile(rb"^(<{7} |>{7} |={7}$)", re.MULTILINE)


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in listed.decode().split("\0") if name]


def test_no_tracked_file_holds_a_conflict_marker() -> None:
    found = []
    for name in tracked_files():
        path = ROOT / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary
        found += [f"{name}: {match.group(0).decode()!r}" for match in MARKER.finditer(data)]
    assert found == []


def test_the_marker_pattern_finds_what_git_writes() -> None:
    sample = b"a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> branch\n"
    assert len(MARKER.findall(sample)) == 3
