"""``status --pin``: write the live alias into ``stages.toml`` so the next deploy agrees with it.

Edits the text (``tomllib`` only reads), in the ``[[stages.<stage>.aliases]]`` block whose ``name``
is the alias: its ``target`` line is replaced, its ``weighted`` line replaced, added or removed;
comments and every other line are kept. The result is parsed and validated by
``service_model.stages`` before the file is replaced (atomically), so a pin never half-writes.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path

from release_cli.ops.drift import Drift
from release_cli.ops.errors import OpsError
from service_model.stages import StageConfigError, parse_stages

_HEADER = re.compile(r"^\s*\[\[\s*stages\.([A-Za-z0-9_-]+)\.aliases\s*\]\]\s*(#.*)?$")
_SECTION = re.compile(r"^\s*\[")


def pin(path: Path, stage: str, drifts: list[Drift]) -> list[str]:
    """Apply every pinnable drift of ``stage`` to ``path``; the aliases pinned. Raises ``OpsError``."""
    text = path.read_text(encoding="utf-8")
    pinned: list[str] = []
    for drift in drifts:
        if drift.kind != "moved":
            continue
        if not drift.pinnable:
            raise OpsError(f"cannot pin alias {drift.alias}: {drift.note}; nothing was written")
        text = pin_text(text, stage, drift)
        pinned.append(drift.alias)
    if not pinned:
        return []
    try:
        parse_stages(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, StageConfigError) as err:
        raise OpsError(f"the pinned {path.name} would not be valid ({err}); nothing was written") from None
    _replace(path, text)
    return pinned


def pin_text(text: str, stage: str, drift: Drift) -> str:
    lines = text.splitlines(keepends=True)
    start, end = _alias_block(lines, stage, drift.alias)
    if start is None:
        raise OpsError(
            f"alias {drift.alias} of stage {stage} is not a [[stages.{stage}.aliases]] block in stages.toml; "
            f"write these lines in its entry by hand: {'; '.join(drift.toml)}"
        )
    block = [line for line in lines[start:end] if not re.match(r"^\s*weighted\s*=", line)]
    new_lines = [f"{line}\n" for line in drift.toml]
    for index, line in enumerate(block):
        if re.match(r"^\s*target\s*=", line):
            block[index : index + 1] = new_lines
            break
    else:
        raise OpsError(f"alias {drift.alias} of stage {stage} has no target line to pin; nothing was written")
    return "".join(lines[:start] + block + lines[end:])


def _alias_block(lines: list[str], stage: str, alias: str) -> tuple[int | None, int]:
    index = 0
    while index < len(lines):
        header = _HEADER.match(lines[index])
        if header and header.group(1) == stage:
            end = index + 1
            while end < len(lines) and not _SECTION.match(lines[end]):
                end += 1
            if any(re.match(rf'^\s*name\s*=\s*"{re.escape(alias)}"\s*(#.*)?$', line) for line in lines[index:end]):
                return index, end
            index = end
            continue
        index += 1
    return None, 0


def _replace(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
