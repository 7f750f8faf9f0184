"""Write a stage baseline: the template exactly as synthesized or deployed, in a stable JSON layout.

Nothing is masked or stripped (CDK metadata and asset hashes stay) so that the next review diffs
against what was really released; only the layout is normalised (sorted keys, two-space indent) so
that a baseline's git diff shows real changes only.
"""

from __future__ import annotations

import json
from pathlib import Path

from release_cli.review.errors import ReviewInputError
from release_cli.review.templates import Template


def render_baseline(template: Template) -> str:
    """The normalised JSON text of ``template``."""
    return json.dumps(template, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_baseline(*, template: Template, path: Path) -> bool:
    """Write the baseline; return True when the file changed."""
    text = render_baseline(template)
    try:
        if path.exists() and path.read_text(encoding="utf-8") == text:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise ReviewInputError(f"{path}: cannot write baseline: {err.strerror}") from None
    return True
