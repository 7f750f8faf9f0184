"""The JSON shape a command's ``--help`` states, read back from its module docstring.

The docstrings write shapes the way people read them::

    ``--json``: {function, alias, configured: {version: share}, split: [{version, count}], ok}.
    ``--json``: a list of records, each {who, at, action}.
    ``--json``: alias, action, from {version, weights}, to {version, weights}, changed.
    ``--json`` has the same shape (see ``release canary --help``)

``documented_shape`` turns that into a tree: a dict of key -> nested shape (None: no shape given),
wrapped in a one-item list for "a list of ...". Parenthesised notes are dropped. A reference to
another command's help is followed, as a reader would.
"""

from __future__ import annotations

import re
from typing import Any

SAME_SHAPE = re.compile(
    r"release ([\w-]+) --help\W*--json has the same shape|--json has the same shape\W*\(?see release ([\w-]+) --help"
)
"""``promote``/``rollback`` point at ``canary``'s help for the move document."""


def shape_text(docstring: str) -> str | None:
    """The text after ``--json``:, up to the end of the shape (None: the help states no shape)."""
    text = docstring.replace("``", "")
    start = text.find("--json:")
    if start < 0:
        return None
    rest = _drop_notes(text[start + len("--json:") :])
    lead = re.match(r"\s*(a list of [^,{]*,\s*each\s*)?", rest)
    assert lead is not None
    body = rest[lead.end() :]
    if body.startswith("{"):
        end = _balanced_end(body)
        shape = body[:end]
    else:  # a bare field list, ended by the sentence's full stop
        stop = re.search(r"\.(\s|$)", body)
        shape = "{" + (body[: stop.start()] if stop else body) + "}"
    return f"[{shape}]" if lead.group(1) else shape


def documented_shape(docstring: str, resolve: Any = None) -> Any:
    """The parsed shape; ``resolve(command)`` gives another command's docstring for "the same shape"."""
    text = shape_text(docstring)
    if text is None and resolve is not None:
        reference = SAME_SHAPE.search(" ".join(docstring.replace("``", "").split()))
        if reference:
            return documented_shape(resolve(reference.group(1) or reference.group(2)), resolve)
    if text is None:
        return None
    parsed, _ = _parse(text.strip(), 0)
    return parsed


def _drop_notes(text: str) -> str:
    """Text with every parenthesised note removed (they may hold colons and commas)."""
    out, depth = [], 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(char)
    return "".join(out)


def _balanced_end(text: str) -> int:
    depth = 0
    for index, char in enumerate(text):
        depth += char in "{["
        depth -= char in "}]"
        if depth == 0:
            return index + 1
    raise ValueError(f"unbalanced JSON shape: {text[:80]}")


def _parse(text: str, at: int) -> tuple[Any, int]:
    """Parse ``{...}`` or ``[...]`` at ``at``; returns the tree and the index after it."""
    at = _skip(text, at)
    if text[at] == "[":
        inner, at = _parse(text, at + 1)
        at = _skip(text, at)
        assert text[at] == "]", text[at:]
        return [inner], at + 1
    assert text[at] == "{", text[at:]
    fields: dict[str, Any] = {}
    at += 1
    while True:
        at = _skip(text, at)
        if text[at] == "}":
            return fields, at + 1
        name = re.match(r"[A-Za-z_][\w.-]*", text[at:])
        assert name is not None, text[at:]
        key = name.group(0)
        at = _skip(text, at + name.end())
        nested: Any = None
        if text[at] == ":":
            at = _skip(text, at + 1)
            if text[at] in "{[":
                nested, at = _parse(text, at)
            else:  # a placeholder value (``{version: share}``): no shape
                word = re.match(r"[^,}\]]*", text[at:])
                assert word is not None
                at += word.end()
        elif text[at] in "{[":
            nested, at = _parse(text, at)
        fields[key] = nested
        at = _skip(text, at)
        if text[at] == ",":
            at += 1


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at
