"""Where the project lives: the checkout the code was loaded from, and the one the user stands in.

The CLI is installed as a console command (``pip install -e .``) and must work from any directory
inside the repository, so data files (``stages.toml``, ``test_events/``, ``cdk.out``, baselines) are
found from the nearest project root above the current directory, not from the current directory
itself. Outside any checkout it falls back to the checkout this package was loaded from.
"""

from __future__ import annotations

from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parent.parent
"""The checkout this package's code was loaded from (its handler code, hook matcher, data schemas)."""

MARKERS = ("cdk.json", "stages.toml")
"""A directory holding both is a project root."""


class ProjectNotFoundError(RuntimeError):
    """Neither the current directory's ancestors nor the installed checkout are a project root."""


def is_project_root(path: Path) -> bool:
    return all((path / marker).is_file() for marker in MARKERS)


def project_root(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` (default: the current directory) with cdk.json and
    stages.toml; else the checkout the code came from. Not cached: tests and callers may change
    directory, and the walk is a handful of ``stat`` calls."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if is_project_root(candidate):
            return candidate
    if is_project_root(SOURCE_ROOT):
        return SOURCE_ROOT
    raise ProjectNotFoundError(
        f"{here} is not inside a version-demo checkout (no {' and '.join(MARKERS)} above it); "
        "run the command from inside the repository"
    )
