"""Pick a renderer by name (the CLI's ``--format``)."""

from __future__ import annotations

from collections.abc import Callable

from release_cli.review.model import Report
from release_cli.review.render_json import render_json
from release_cli.review.render_markdown import render_markdown
from release_cli.review.render_table import render_table

RENDERERS: dict[str, Callable[[list[Report]], str]] = {
    "table": render_table,
    "markdown": render_markdown,
    "json": render_json,
}
