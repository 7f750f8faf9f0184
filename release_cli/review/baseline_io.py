"""Write a stage baseline: the template exactly as synthesized or deployed, in a stable JSON layout.

Nothing is masked or stripped (CDK metadata and asset hashes stay) so that the next review diffs
against what was really released; only the layout is normalised (sorted keys, two-space indent) so
that a baseline's git diff shows real changes only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from release_cli.review.errors import ReviewInputError
from release_cli.review.templates import Template
from service_model.input_files import describe_os_error


def render_baseline(template: Template) -> str:
    """The normalised JSON text of ``template``."""
    return json.dumps(template, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_baseline(*, template: Template, path: Path) -> bool:
    """Write the baseline; return True when the file changed. Compared as bytes, so an old file that is not
    UTF-8 is simply replaced; every file problem is ``<path>: cannot write baseline: <problem>``."""
    data = render_baseline(template).encode("utf-8")
    if os.path.lexists(path.parent) and not path.parent.is_dir():
        raise ReviewInputError(f"{path}: cannot write baseline: {path.parent} is not a folder (check --baselines)")
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as err:
        where = err.filename if err.filename and str(err.filename) != str(path) else None
        problem = describe_os_error(err) + (f" ({where})" if where else "")
        raise ReviewInputError(f"{path}: cannot write baseline: {problem}") from None
    return True
