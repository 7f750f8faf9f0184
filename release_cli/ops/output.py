"""How results are printed: aligned text tables for people, one JSON document for tools.

The JSON convention, for every command's ``--json`` (and review's ``--format json``): one document on
stdout; every key the tool names is camelCase (``executedVersion``, ``dryRun``), at any depth; on an
error the document is ``{"error": {"message", "exitCode"}}`` (``release_cli.error_report``). Keys that
are data, not names, are kept as they are: the values under ``JSON_DATA_KEYS`` are maps keyed by
version numbers, or documents in someone else's shape (an AWS API request, the handler's response),
and the convention stops there. Each command's ``--help`` states its shape.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

JSON_DATA_KEYS = frozenset({"weights", "fromWeights", "toWeights", "configured", "request", "response"})
"""Keys whose values are data: ``{version: weight}`` maps (``weights``, ``fromWeights``, ``toWeights``,
smoke's ``configured``), an AWS API request as sent (``calls[].request``, PascalCase as the API names
it), and the Lambda handler's own response (``response``: ``statusCode``, ``headers`` ...)."""


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, out: TextIO | None = None) -> None:
    """Columns padded to their widest cell; ``-`` for empty cells."""
    out = out or sys.stdout
    cells = [[("-" if c in (None, "") else str(c)) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(), file=out)
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)


def print_json(document: Any, *, out: TextIO | None = None) -> None:
    print(json.dumps(document, indent=2, sort_keys=True, default=str), file=out or sys.stdout)


def human_bytes(size: int | None) -> str:
    if size is None:
        return "unknown"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


def readable_response(response: Any) -> Any:
    """A Lambda proxy response with its JSON ``body`` string parsed, so it prints as a tree (else as it is)."""
    if isinstance(response, dict) and isinstance(response.get("body"), str):
        try:
            return {**response, "body": json.loads(response["body"])}
        except ValueError:
            return response
    return response
