"""How every command reports the error that stops it: one contract, kept in one place.

* stderr: ``error: <message>``, always (people and CI logs read it);
* stdout, in JSON mode (``--json``, or review's ``--format json``): one JSON document
  ``{"error": {"message": ..., "exitCode": N}}``, so a tool that parses stdout always gets a
  document, never an empty stream;
* exit code: 2 for bad input or an AWS error, 1 only for a check that failed (danger, a refused
  move), never for a crash. Keys are camelCase in every command's JSON.
"""

from __future__ import annotations

import argparse
import json
import sys


def json_mode(args: argparse.Namespace | None) -> bool:
    """Whether the command was asked for JSON on stdout."""
    if args is None:
        return False
    return bool(getattr(args, "json", False)) or getattr(args, "format", None) == "json"


def report_error(args: argparse.Namespace | None, message: str, exit_code: int) -> int:
    """Print the error (stderr; and stdout in JSON mode) and return ``exit_code``."""
    print(f"error: {message}", file=sys.stderr)
    if json_mode(args):
        print(json.dumps({"error": {"message": message, "exitCode": exit_code}}, indent=2, sort_keys=True))
    return exit_code
