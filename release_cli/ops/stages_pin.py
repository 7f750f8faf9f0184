"""``status --pin``: write the live alias into ``stages.toml`` so the next deploy agrees with it.

Edits the text (``tomllib`` only reads), in the block that declares the function's alias: its own
``[[stages.<stage>.functions.<key>.aliases]]`` block, or the stage's ``[[stages.<stage>.aliases]]``
when the function inherits the stage's aliases and no other function does (a stage-wide alias
declares every inheriting function's: pinning one function's live version there would move the
others' at the next deploy, so that is refused, naming the block to write instead). The file is a
person's file, so a pin changes the values and nothing else:

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

_HEADER = re.compile(r"^\s*\[\[\s*stages\.([A-Za-z0-9_-]+)(?:\.functions\.([A-Za-z0-9_-]+))?\.aliases\s*\]\]\s*(#.*)?$")
_SECTION = re.compile(r"^\s*\[")
_VALUE = r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|\{[^}]*\}|[^\s#]+'
"""A one-line TOML value as stages.toml writes them: a string, an inline table, a number."""


def pin(path: Path, stage: str, drifts: list[Drift], *, function: str | None = None) -> list[str]:
    """Apply every pinnable drift of ``function`` (a stages.toml key; None: the stage's only or first
    function) in ``stage`` to ``path``; the aliases pinned. Raises ``OpsError``, having written nothing."""
    return pin_functions(path, stage, {function: drifts}).get(function, [])


def pin_functions(path: Path, stage: str, drifts: dict[str | None, list[Drift]]) -> dict[str | None, list[str]]:
    """``pin`` for several functions at once: every edit is made and checked, then the file is written
    once, or not at all."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise OpsError(f"{path}: not UTF-8 (byte {err.start}); stages.toml must be UTF-8 text") from None
    document = _document(path, text) if any(function is not None for function in drifts) else {}
    pinned: dict[str | None, list[Drift]] = {}
    for function, found in drifts.items():
        for drift in found:
            if drift.kind != "moved":
                continue
            if not drift.pinnable:
                raise OpsError(f"cannot pin alias {drift.alias}: {drift.note}; nothing was written")
            block_owner = _block_owner(document, stage, function, drift.alias)
            text = pin_text(text, stage, drift, function=block_owner)
            pinned.setdefault(function, []).append(drift)
    if not pinned:
        return {}
    try:
        config = parse_stages(tomllib.loads(text))[stage]
    except (tomllib.TOMLDecodeError, StageConfigError, KeyError) as err:
        raise OpsError(f"the pinned {path.name} would not be valid ({err}); nothing was written") from None
    for function, done in pinned.items():
        for drift in done:
            _check_declares_live(config, drift, path, function=function)
    rewrite(path, text.encode("utf-8"))
    return {function: [drift.alias for drift in done] for function, done in pinned.items()}


def _document(path: Path, text: str) -> dict[str, object]:
    """The file as TOML, to tell whose block declares an alias (the line editor itself reads lines)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise OpsError(f"{path.name} is not valid TOML ({err}); nothing was written") from None


def _block_owner(document: dict[str, object], stage: str, function: str | None, alias: str) -> str | None:
    """Whose block declares ``alias`` of ``function``: the function's own (its key) or the stage's (None).
    Refuses a stage-wide alias that more than one function inherits."""
    if function is None:
        return None
    stages = document.get("stages")
    stage_table = stages.get(stage, {}) if isinstance(stages, dict) else {}
    overrides = stage_table.get("functions", {}) if isinstance(stage_table, dict) else {}
    functions = document.get("functions")
    tables = functions if isinstance(functions, dict) and functions else {function: {}}
    if isinstance(overrides, dict) and isinstance(overrides.get(function), dict) and "aliases" in overrides[function]:
        return function
    own = tables.get(function, {})
    if isinstance(own, dict) and "aliases" in own:
        raise OpsError(
            f"alias {alias} of function {function} is declared in [functions.{function}] for every stage; pinning "
            f"stage {stage}'s live version there would change the others: declare it under "
            f"[[stages.{stage}.functions.{function}.aliases]] and pin again; nothing was written"
        )
    inheriting = [
        key for key, table in tables.items()
        if not (isinstance(table, dict) and "aliases" in table)
        and not (isinstance(overrides, dict) and isinstance(overrides.get(key), dict) and "aliases" in overrides[key])
    ]  # fmt: skip
    if len(inheriting) > 1:
        raise OpsError(
            f"alias {alias} is declared for every function of stage {stage} ([[stages.{stage}.aliases]]: "
            f"{', '.join(inheriting)}); pinning {function}'s live version there would move the others' at the next "
            f"deploy: declare {function}'s aliases under [[stages.{stage}.functions.{function}.aliases]] and pin "
            "again; nothing was written"
        )
    return None


def pin_text(text: str, stage: str, drift: Drift, *, function: str | None = None) -> str:
    """``text`` with alias ``drift.alias`` of ``stage`` declaring the live version and route, in the
    function's own block (``function``) or the stage's (None)."""
    lines = text.splitlines(keepends=True)
    start, end = _alias_block(lines, stage, drift.alias, function)
    if start is None:
        where = f"stages.{stage}.functions.{function}.aliases" if function else f"stages.{stage}.aliases"
        raise OpsError(
            f"alias {drift.alias} of stage {stage} is not a [[{where}]] block in stages.toml; "
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


def _check_declares_live(config: StageConfig, drift: Drift, path: Path, *, function: str | None = None) -> None:
    """The pinned file must say what is live for the alias, or nothing is written."""
    spec = (config.function(function) if function else config.primary).alias(drift.alias)
    declared = (
        str(spec.target),
        {} if spec.weighted is None else {str(spec.weighted.version): float(spec.weighted.weight)},
    )
    if declared != (drift.version, drift.weights):
        raise OpsError(
            f"pinning alias {drift.alias} in {path.name} did not give what is live ({drift.live}); nothing was "
            f"written: set these lines in its entry by hand: {'; '.join(drift.toml)}"
        )


def _alias_block(lines: list[str], stage: str, alias: str, function: str | None) -> tuple[int | None, int]:
    index = 0
    while index < len(lines):
        header = _HEADER.match(lines[index])
        if header and header.group(1) == stage and header.group(2) == function:
            end = index + 1
            while end < len(lines) and not _SECTION.match(lines[end]):
                end += 1
            if any(re.match(rf'^\s*name\s*=\s*"{re.escape(alias)}"\s*(#.*)?$', line) for line in lines[index:end]):
                return index, end
            index = end
            continue
        index += 1
    return None, 0
