"""What the commands share: their parser set-up, options and option-derived inputs.

* ``command_parser``: the subcommand with the common ``--region/--profile`` options and the module
  docstring as its description (reStructuredText backticks removed for the terminal);
* ``add_stage``: ``--stage``, with the default and help each command means (no command pretends a
  default it does not have);
* ``add_stack_name``, ``add_cdk_out``, ``add_baselines``: the shared options, one help text each
  (``--stack-name`` says what the stack is for in that command; its default comes from
  ``service_model.naming``, the single source of names);
* ``cloudformation_client_for`` and ``load_synthesized``: what those options point at.

boto3 is imported only when a command makes a client, so ``release --help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import textwrap
from pathlib import Path
from typing import Any

from release_cli.locations import BASELINES, CDK_OUT, project_path
from release_cli.review.assembly import CloudAssembly, read_assembly, require_fresh, stage_templates
from release_cli.review.templates import Template, load_template_file
from service_model import naming
from service_model.project import ProjectNotFoundError, project_root
from service_model.stages import STAGE_NAMES


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions keep their line breaks; an option's default is shown unless it is empty or the help says it."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        """Wrap at spaces only: a default path such as /work/my-project/cdk.out stays one word to copy."""
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        shown = action.default not in (None, False, argparse.SUPPRESS, [], "")
        if shown and "default" not in text and action.option_strings:
            text += " (default: %(default)s)"
        return text


def terminal_text(docstring: str | None) -> str | None:
    """A module docstring as a terminal shows it: RST double backticks dropped."""
    return docstring.replace("``", "") if docstring else docstring


def command_parser(subparsers: Any, name: str, *, help_text: str, description: str | None) -> argparse.ArgumentParser:
    """Add subcommand ``name``; the common options come from the top-level parser when it provides them."""
    parents = [subparsers.common_parent] if hasattr(subparsers, "common_parent") else []
    return subparsers.add_parser(  # type: ignore[no-any-return]
        name,
        parents=parents,
        help=help_text,
        description=terminal_text(description),
        formatter_class=HelpFormatter,
    )


def add_aws_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--region", help="AWS Region (default: AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region)"
    )
    parser.add_argument("--profile", help="AWS named profile (default: AWS_PROFILE, else the default credentials)")


def add_stage(parser: argparse.ArgumentParser, *, help_text: str, default: str | None = None) -> None:
    """``--stage``; ``help_text`` says what no stage means for this command (or that it is required)."""
    parser.add_argument("--stage", choices=STAGE_NAMES, default=default, help=help_text)


def aws_region(args: argparse.Namespace) -> str | None:
    """``--region``, else ``AWS_REGION`` (what Lambda and most SDKs set), else ``AWS_DEFAULT_REGION``;
    None lets boto3 take the profile's. botocore itself reads only ``AWS_DEFAULT_REGION``."""
    explicit = getattr(args, "region", None)
    return explicit or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None


def default_stack_name() -> str:
    """How help texts show the default stack: the naming module's name with ``<stage>`` in it."""
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
    from release_cli.review.aws import cloudformation_client

    return cloudformation_client(region=aws_region(args), profile=getattr(args, "profile", None))


def load_synthesized(args: argparse.Namespace, stages: list[str]) -> tuple[CloudAssembly, dict[str, Template]]:
    """Each stage's template from the cloud assembly in ``--cdk-out``: only stacks its manifest lists, and
    only when it is newer than every source file (``release_cli.review.assembly``); an input error that
    says what to synthesize otherwise. All stages are checked before any template is used."""
    assembly = read_assembly(args.cdk_out)
    paths = stage_templates(assembly=assembly, stages=stages)
    try:
        root = project_root()
    except ProjectNotFoundError:
        root = None
    if root is not None:
        require_fresh(assembly=assembly, root=root)
    return assembly, {stage: load_template_file(path=path) for stage, path in paths.items()}
