"""``baseline``: record a stage's released template as the baseline the next review compares against.

* ``baseline [--stage S]``: from the synthesized template in ``--cdk-out`` (run after a release);
* ``baseline --stage S --from-stack``: from the deployed stack's template (needs credentials).

No stage = every stage. The file is ``<baselines>/<stage>.template.json``, written with sorted keys
and nothing masked. Exit codes: 0 written or unchanged; 2 bad input (no template, AWS error).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from release_cli.review.aws import cloudformation_client, get_template, stack_name_for
from release_cli.review.baseline_io import write_baseline
from release_cli.review.errors import ReviewInputError
from release_cli.review.locations import (
    DEFAULT_BASELINES,
    DEFAULT_CDK_OUT,
    all_stages,
    baseline_template,
    synthesized_template,
)
from release_cli.review.templates import Template, load_template_file

EXIT_OK, EXIT_INPUT = 0, 2


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``baseline`` subcommand."""
    parents = [subparsers.common_parent] if hasattr(subparsers, "common_parent") else []
    parser = subparsers.add_parser(
        "baseline",
        parents=parents,
        help="update a stage's review baseline",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--from-stack", action="store_true", help="take the deployed stack's template")
    parser.add_argument(
        "--stack-name", help="with --from-stack and one stage: the stack (default: version-demo-<stage>)"
    )
    parser.add_argument("--cdk-out", type=Path, default=DEFAULT_CDK_OUT, help="synthesized cloud assembly")
    parser.add_argument("--baselines", type=Path, default=DEFAULT_BASELINES, help="directory of stage baselines")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the baseline of each selected stage and say which changed."""
    stage: str | None = getattr(args, "stage", None)
    try:
        if args.stack_name and not stage:
            raise ReviewInputError("--stack-name needs --stage")
        for one in [stage] if stage else list(all_stages()):
            template = _source_template(args=args, stage=one)
            path = baseline_template(baselines=args.baselines, stage=one)
            changed = write_baseline(template=template, path=path)
            print(f"{'wrote' if changed else 'unchanged'} {path}")
    except ReviewInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_INPUT
    return EXIT_OK


def _source_template(*, args: argparse.Namespace, stage: str) -> Template:
    if args.from_stack:
        client = cloudformation_client(region=getattr(args, "region", None), profile=getattr(args, "profile", None))
        return get_template(client=client, stack_name=args.stack_name or stack_name_for(stage))
    synthesized = synthesized_template(cdk_out=args.cdk_out, stage=stage)
    if not synthesized.exists():
        raise ReviewInputError(f"{synthesized}: no synthesized template for stage {stage} (run cdk synth first)")
    return load_template_file(path=synthesized)
