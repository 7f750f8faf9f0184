"""``status --pin``: write the live alias into ``stages.toml`` so the next deploy agrees with it.

Edits the text (``tomllib`` only reads), in the ``[[stages.<stage>.aliases]]`` block whose ``name``
is the alias. The file is a person's file, so a pin changes the values and nothing else:

1. only the ``target`` value changes on its line; the indentation, the spacing around ``=`` and a
   trailing ``# comment`` stay;
2. ``weighted``: its value is replaced in place (comment kept) when the live alias has a route, the
   line is added after ``target`` when it had none, and removed when the live alias has no route
   any more (a stale ``weighted`` would put the old canary back at the next deploy);
3. line endings stay as they are (a CRLF file stays CRLF; an added line takes the target line's, and
   when the target line is the last one, without a final newline, the added line becomes the last);
4. the result is parsed and validated by ``service_model.stages``, and must declare exactly what is
   live for every pinned alias, before anything is written: a pin never half-writes or writes a
   file that says something else;
5. the file is replaced atomically through a symlink, keeping its mode (``file_rewrite``).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from release_cli.ops.drift import Drift, toml_values
from release_cli.ops.errors import OpsError
from release_cli.ops.file_rewrite import rewrite
from service_model.stages import StageConfig, StageConfigError, parse_stages

_HEADER = re.compile(r"^\s*\[\[\s*stages\.([A-Za-z0-9_-]+)\.aliases\s*\]\]\s*(#.*)?$")
_SECTION = re.compile(r"^\s*\[")
_VALUE = r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|\{[^}]*\}|[^\s#]+'
"""A one-line TOML value as stages.toml writes them: a string, an inline table, a number."""


def pin(path: Path, stage: str, drifts: list[Drift]) -> list[str]:
    """Apply every pinnable drift of ``stage`` to ``path``; the aliases pinned. Raises ``OpsError``."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise OpsError(f"{path}: not UTF-8 (byte {err.start}); stages.toml must be UTF-8 text") from None
    pinned: list[Drift] = []
    for drift in drifts:
        if drift.kind != "moved":
            continue
        if not drift.pinnable:
            raise OpsError(f"cannot pin alias {drift.alias}: {drift.note}; nothing was written")
        text = pin_text(text, stage, drift)
        pinned.append(drift)
    if not pinned:
        return []
    try:
        config = parse_stages(tomllib.loads(text))[stage]
    except (tomllib.TOMLDecodeError, StageConfigError, KeyError) as err:
        raise OpsError(f"the pinned {path.name} would not be valid ({err}); nothing was written") from None
    for drift in pinned:
        _check_declares_live(config, drift, path)
    rewrite(path, text.encode("utf-8"))
    return [drift.alias for drift in pinned]


def pin_text(text: str, stage: str, drift: Drift) -> str:
    """``text`` with alias ``drift.alias`` of ``stage`` declaring the live version and route."""
    lines = text.splitlines(keepends=True)
    start, end = _alias_block(lines, stage, drift.alias)
    if start is None:
        raise OpsError(
            f"alias {drift.alias} of stage {stage} is not a [[stages.{stage}.aliases]] block in stages.toml; "
            f"write these lines in its entry by hand: {'; '.join(drift.toml)}"
        )
    block = lines[start:end]
    values = toml_values(drift.version, drift.weights)
    target_at = _key_line(block, "target")
    if target_at is None:
        raise OpsError(f"alias {drift.alias} of stage {stage} has no target line to pin; nothing was written")
    block[target_at] = _with_value(block[target_at], values["target"])
    weighted_at = _key_line(block, "weighted")
    if "weighted" not in values:
        if weighted_at is not None:
            del block[weighted_at]
    elif weighted_at is not None:
        block[weighted_at] = _with_value(block[weighted_at], values["weighted"])
    else:
        target_line = block[target_at]
        indent = target_line[: len(target_line) - len(target_line.lstrip())]
        ending = _ending(target_line)
        if not ending:  # the file's last line, without a final newline: end it as the file's lines end
            block[target_at] = target_line + next((e for e in map(_ending, lines) if e), "\n")
        block.insert(target_at + 1, f"{indent}weighted = {values['weighted']}{ending}")
    return "".join(lines[:start] + block + lines[end:])


def _key_line(block: list[str], key: str) -> int | None:
    for index, line in enumerate(block):
        if re.match(rf"^\s*{key}\s*=", line):
            return index
    return None


def _ending(line: str) -> str:
    """The line's own ending: CRLF, LF, or none (the last line of a file without a final newline)."""
    if line.endswith("\r\n"):
        return "\r\n"
    return "\n" if line.endswith("\n") else ""


def _with_value(line: str, value: str) -> str:
    """``line`` (``key = old  # note``) with ``value`` in place of ``old``: everything else kept."""
    ending = _ending(line)
    body = line[: len(line) - len(ending)]
    found = re.match(rf"^(\s*[A-Za-z_]+\s*=\s*)({_VALUE})(\s*(?:#.*)?)$", body)
    if found is None:  # a layout this does not read: write the plain line; the check after catches worse
        key = body.split("=", 1)[0].rstrip()
        return f"{key} = {value}{ending}"
    return f"{found.group(1)}{value}{found.group(3)}{ending}"


def _check_declares_live(config: StageConfig, drift: Drift, path: Path) -> None:
    """The pinned file must say what is live for the alias, or nothing is written."""
    spec = config.alias(drift.alias)
    declared = (
        str(spec.target),
        {} if spec.weighted is None else {str(spec.weighted.version): float(spec.weighted.weight)},
    )
    if declared != (drift.version, drift.weights):
        raise OpsError(
            f"pinning alias {drift.alias} in {path.name} did not give what is live ({drift.live}); nothing was "
            f"written: set these lines in its entry by hand: {'; '.join(drift.toml)}"
        )


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
