"""The comment at the top of stages.toml is where people learn how the file is read: every file it
names must exist (it named stacks/stage_config.py long after that module became service_model/stages.py)."""

from __future__ import annotations

import re

from service_model.project import project_root

PATH = re.compile(r"(?<![\w$])((?:[\w.-]+/)+[\w.-]+\.\w+|[\w.-]+\.(?:py|toml|json))\b")
"""A path with a folder (``service_model/stages.py``) or a bare file name with a project extension."""


def header_lines() -> list[str]:
    lines = (project_root() / "stages.toml").read_text(encoding="utf-8").splitlines()
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    return header


def test_the_header_names_the_module_that_reads_the_file() -> None:
    assert any("service_model/stages.py" in line for line in header_lines())


def test_every_path_the_header_names_exists() -> None:
    named = [match for line in header_lines() for match in PATH.findall(line)]
    assert named, "the header names no file: is the pattern still right?"
    missing = [path for path in named if not (project_root() / path).exists()]
    assert missing == [], f"stages.toml's header names files that do not exist: {missing}"
