"""``baseline``: record a stage's released template as the baseline the next review compares against.

* ``baseline [--stage S]``: from the cloud assembly in ``--cdk-out`` (run after a release): only stacks
  its manifest lists, and only when it is newer than the sources (``release_cli.review.assembly``);
* ``baseline --stage S --from-stack``: from the deployed stack's template (needs credentials).

No stage = every stage. The file is ``<baselines>/<stage>.template.json``, written with sorted keys
and nothing masked. Exit codes: 0 written or unchanged; 2 bad input (a stage the last synth did not
write, an assembly older than the sources, AWS error); nothing is written then.
"""

from __future__ import annotations

import argparse
from typing import Any

from release_cli.commands._options import (
    add_baselines,
    add_cdk_out,
    add_stack_name,
    add_stage,
    cloudformation_client_for,
    command_parser,
    load_synthesized,
    stack_name_for,
)
from release_cli.error_report import report_error
from release_cli.locations import all_stages, baseline_template
from release_cli.review.aws import get_template
from release_cli.review.baseline_io import write_baseline
from release_cli.review.errors import ReviewInputError
from release_cli.review.templates import Template

EXIT_OK, EXIT_INPUT = 0, 2


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``baseline`` subcommand."""
    parser = command_parser(subparsers, "baseline", help_text="update a stage's review baseline", description=__doc__)
    parser.add_argument("--from-stack", action="store_true", help="take the deployed stack's template")
    add_stack_name(parser, purpose="with --from-stack and one stage: the stack")
    add_cdk_out(parser)
    add_baselines(parser)
    add_stage(parser, help_text="stage whose baseline to write (default: every stage)")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the baseline of each selected stage and say which changed."""
    stage: str | None = getattr(args, "stage", None)
    try:
        if args.stack_name and not stage:
            raise ReviewInputError("--stack-name needs --stage")
        stages = [stage] if stage else list(all_stages())
        templates = _source_templates(args=args, stages=stages)  # every stage read before any file is written
        for one in stages:
            template = templates[one]
            path = baseline_template(baselines=args.baselines, stage=one)
            changed = write_baseline(template=template, path=path)
            print(f"{'wrote' if changed else 'unchanged'} {path}")
    except ReviewInputError as err:
        return report_error(args, str(err), EXIT_INPUT)
    return EXIT_OK


def _source_templates(*, args: argparse.Namespace, stages: list[str]) -> dict[str, Template]:
    if args.from_stack:
        client = cloudformation_client_for(args)
        return {stage: get_template(client=client, stack_name=stack_name_for(args, stage)) for stage in stages}
    return load_synthesized(args, stages)[1]
