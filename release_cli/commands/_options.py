"""What ``review``, ``baseline`` and ``protect`` share: their parser set-up, options and option-derived inputs.

* ``command_parser``: the subcommand with the common ``--stage/--region/--profile`` options and the
  module docstring as its description;
* ``add_stack_name``, ``add_cdk_out``, ``add_baselines``: the shared options, one help text each
  (``--stack-name`` says what the stack is for in that command; its default comes from the stage
  settings, the single source of stack names);
* ``cloudformation_client_for`` and ``load_synthesized``: what those options point at.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from release_cli.locations import BASELINES, CDK_OUT, project_path, synthesized_template
from release_cli.review.aws import cloudformation_client
from release_cli.review.errors import ReviewInputError
from release_cli.review.templates import Template, load_template_file
from service_model import naming


def command_parser(subparsers: Any, name: str, *, help_text: str, description: str | None) -> argparse.ArgumentParser:
    """Add subcommand ``name``; the common options come from the top-level parser when it provides them."""
    parents = [subparsers.common_parent] if hasattr(subparsers, "common_parent") else []
    return subparsers.add_parser(
        name,
        parents=parents,
        help=help_text,
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def default_stack_name() -> str:
    """How help texts show the default stack: the stage settings' name with ``<stage>`` in it."""
    return naming.stack_name("<stage>")


def add_stack_name(parser: argparse.ArgumentParser, *, purpose: str) -> None:
    """``--stack-name``; ``purpose`` says which stack it names in this command."""
    parser.add_argument("--stack-name", help=f"{purpose} (default: {default_stack_name()})")


def add_cdk_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cdk-out", type=Path, default=project_path(CDK_OUT), help="synthesized cloud assembly (default: %(default)s)"
    )


def add_baselines(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--baselines",
        type=Path,
        default=project_path(BASELINES),
        help="directory of stage baselines (default: %(default)s)",
    )


def stack_name_for(args: argparse.Namespace, stage: str) -> str:
    """``--stack-name`` when given, else the stage's stack."""
    return str(args.stack_name or naming.stack_name(stage))


def cloudformation_client_for(args: argparse.Namespace) -> Any:
    """A CloudFormation client for ``--region`` and ``--profile`` (either may come from the environment)."""
    return cloudformation_client(region=getattr(args, "region", None), profile=getattr(args, "profile", None))


def load_synthesized(args: argparse.Namespace, stage: str) -> Template:
    """The stage's template in ``--cdk-out``; an input error that says to synthesize when it is missing."""
    synthesized = synthesized_template(cdk_out=args.cdk_out, stage=stage)
    if not synthesized.exists():
        raise ReviewInputError(f"{synthesized}: no synthesized template for stage {stage} (run cdk synth first)")
    return load_template_file(path=synthesized)
