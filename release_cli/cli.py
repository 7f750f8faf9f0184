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
import os
import pkgutil
import sys
from collections.abc import Sequence

from release_cli import commands
from release_cli.commands._options import HelpFormatter, add_aws_options
from release_cli.error_report import report_error
from release_cli.ops.errors import OpsError
from release_cli.review.errors import ReviewInputError
from release_cli.usage_errors import ReleaseArgumentParser, UsageError, wants_json
from release_cli.version import project_version
from service_model.input_files import InputFileError, describe_os_error
from service_model.project import ProjectNotFoundError
from service_model.stages import StageConfigError
from service_model.test_events import TestEventError

EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 128 + 13  # what a Unix tool killed by SIGPIPE reports
EXIT_INTERRUPTED = 128 + 2  # and by SIGINT


def command_modules() -> list[str]:
    """The command modules in ``release_cli.commands``, sorted by name."""
    return sorted(info.name for info in pkgutil.iter_modules(commands.__path__) if not info.name.startswith("_"))


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser; the AWS options (--region, --profile) are on every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    add_aws_options(common)
    parser = ReleaseArgumentParser(
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
    """Run one command; every way it can stop on bad input is ``error: ...`` and exit code 2 (see
    ``release_cli.error_report``), never a traceback and never 1, which means a failed check."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as err:  # argparse's own checks: error line first, usage behind --help
        words = sys.argv[1:] if argv is None else argv
        return report_error(argparse.Namespace(json=wants_json(words)), str(err), EXIT_USAGE)
    try:
        return int(args.func(args))
    except OpsError as err:
        return report_error(args, str(err), err.exit_code)
    except (StageConfigError, ProjectNotFoundError, InputFileError, ReviewInputError) as err:
        return report_error(args, str(err), EXIT_USAGE)
    except TestEventError as err:
        return report_error(args, f"{err} (fix the event file; release local checks them offline)", EXIT_USAGE)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as err:  # a file problem no command anticipated: still a named path, still bad input
        where = f"{err.filename}: " if err.filename else ""
        return report_error(args, f"{where}{describe_os_error(err)}", EXIT_USAGE)
    except KeyboardInterrupt:  # a change in flight reports itself (prune, a move holds the signal)
        return report_error(args, "interrupted (Ctrl-C)", EXIT_INTERRUPTED)


def _silence_stdout() -> None:
    """After the reader went away (``release status | head``): point stdout at /dev/null so the
    interpreter's final flush cannot raise again, and exit quietly, as Unix tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run() -> None:
    """The ``release`` console command's entry point (``[project.scripts]`` in pyproject.toml)."""
    sys.exit(main())
