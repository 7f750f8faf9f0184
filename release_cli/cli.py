"""Argument parsing and dispatch for the release CLI.

Each command lives in its own module under ``release_cli.commands`` and registers itself, so new
commands (status, canary, promote, ...) are added by naming one more module in ``COMMANDS``.
Exit codes: 0 success, 1 the command's check failed (danger found, a mismatch), 2 bad input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from service_model.stages import STAGE_NAMES, StageConfigError

COMMANDS = ("review", "baseline", "protect", "local")
"""Modules under ``release_cli.commands``; a module that does not exist yet is skipped."""

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser; common AWS options are on every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--stage", choices=STAGE_NAMES, help="stage to act on (default: every stage, where that makes sense)"
    )
    common.add_argument("--region", help="AWS Region (default: from the environment or profile)")
    common.add_argument("--profile", help="AWS named profile (default: the environment's credentials)")

    parser = argparse.ArgumentParser(
        prog="release",
        description="Release tooling for the version-demo stages: review changes, baselines, protection, local runs.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    subparsers.common_parent = common  # type: ignore[attr-defined]  # read by command modules
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"release_cli.commands.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"release_cli.commands.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except StageConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
