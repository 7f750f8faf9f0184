"""Bad command-line syntax (an unknown stage, a word where a number goes, a missing option) reported
like every other bad input: ``error: ...`` first on stderr, exit 2, and the error object on stdout in
JSON mode (``release_cli.error_report``).

argparse would print its usage block first and exit from inside ``parse_args``: CI logs then start
with ``usage:`` and a tool parsing ``--json`` output gets an empty stdout. ``ReleaseArgumentParser``
raises ``UsageError`` instead; ``main`` reports it and points at ``--help`` for the usage.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from typing import NoReturn


class UsageError(Exception):
    """The command line does not parse; ``str`` names the command, the argument and the problem."""


class ReleaseArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors raise ``UsageError`` (subparsers inherit the class)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def wants_json(argv: Sequence[str]) -> bool:
    """Whether the raw command line asks for JSON on stdout (it did not parse, so no ``args`` to ask)."""
    words = list(argv)
    pairs = itertools.pairwise(words)
    return "--json" in words or "--format=json" in words or any(a == "--format" and b == "json" for a, b in pairs)
