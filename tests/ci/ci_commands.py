"""The project commands a CI file runs, found in its shell lines: ``release <command>`` and ``scripts/...``.

Tools that are not the project's (pytest, aws, mkdir) are left out: only what this repository must
provide is checked to exist.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from typing import Any

SHELL_SEPARATORS = re.compile(r"&&|\|\||[;|()]")


def shell_lines(text: str) -> list[str]:
    """A ``run:`` block or buildspec command as separate commands (continuations joined)."""
    joined = re.sub(r"\\\n", " ", text)
    return [part.strip() for line in joined.splitlines() for part in SHELL_SEPARATORS.split(line) if part.strip()]


def project_commands(commands: Iterable[str]) -> set[str]:
    """``release review``, ``scripts/ci/deploy-stage.sh``, ... for every command line in ``commands``."""
    found: set[str] = set()
    for command in commands:
        for line in shell_lines(command):
            try:
                words = shlex.split(line, comments=True)
            except ValueError:
                words = line.split()
            words = [w for w in words if not re.fullmatch(r"[A-Z_]+=.*", w)]  # VAR=value prefixes
            for index, word in enumerate(words):
                if (word == "release" or word.endswith("/release")) and index + 1 < len(words):
                    found.add(f"release {words[index + 1]}")
                elif word.startswith("scripts/"):
                    found.add(word)
    return found


def buildspec_commands(spec: dict[str, Any]) -> list[str]:
    return [command for phase in spec.get("phases", {}).values() for command in phase.get("commands", [])]


def workflow_commands(workflow: dict[str, Any]) -> list[str]:
    return [step["run"] for job in workflow["jobs"].values() for step in job.get("steps", []) if "run" in step]
