"""Argument parsing and dispatch for the release CLI (the ``release`` console command).

Each command lives in its own module under ``release_cli.commands`` (modules whose names start with
``_`` are helpers) and has ``register(subparsers)``; the parser finds them, so a new command (status,
canary, promote, ...) is one new module and nothing else. Command ``foo_bar`` is ``release foo-bar``.
Exit codes: 0 success, 1 the command's check failed (danger found, a mismatch), 2 bad input.
Nothing here imports aws-cdk-lib: the CLI depends on ``service_model``, never on the CDK side.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from release_cli import commands
from release_cli.commands._options import HelpFormatter, add_aws_options
from release_cli.version import project_version
from service_model.project import ProjectNotFoundError
from service_model.stages import StageConfigError

EXIT_USAGE = 2


def command_modules() -> list[str]:
    """The command modules in ``release_cli.commands``, sorted by name."""
    return sorted(info.name for info in pkgutil.iter_modules(commands.__path__) if not info.name.startswith("_"))


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser; the AWS options (--region, --profile) are on every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    add_aws_options(common)
    parser = argparse.ArgumentParser(
        prog="release",
        description=(
            "Release tooling for the version-demo stages: review changes before a deploy, record baselines, "
            "protect stacks, run test events locally, and move aliases safely (status, invoke, smoke, canary, "
            "promote, rollback, prune, audit). Works from any directory inside the repository."
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {project_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    subparsers.common_parent = common  # type: ignore[attr-defined]  # read by command modules
    for name in command_modules():
        importlib.import_module(f"{commands.__name__}.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (StageConfigError, ProjectNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """The ``release`` console command's entry point (``[project.scripts]`` in pyproject.toml)."""
    sys.exit(main())
