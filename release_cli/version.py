"""The project's version, as ``release --version`` prints it: ``pyproject.toml``'s ``[project] version``
of the checkout the code runs from, or the installed distribution's metadata outside a checkout."""

from __future__ import annotations

import tomllib
from importlib import metadata

from service_model.project import SOURCE_ROOT

DISTRIBUTION = "version-demo"


def project_version() -> str:
    """The checkout's own ``pyproject.toml`` first (an editable install's metadata can lag behind it)."""
    pyproject = SOURCE_ROOT / "pyproject.toml"
    if pyproject.is_file():
        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    return metadata.version(DISTRIBUTION)
