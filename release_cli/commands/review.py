"""``review``: list every resource change as a change set would, and fail on changes that lose data.

Three sources, one report and one gate:

* ``review [--stage S]``: each stage's synthesized template against its baseline (``--baselines``);
  no stage = every stage; no AWS credentials needed. The templates come from the cloud assembly in
  ``--cdk-out`` as its manifest lists them: a stage the last synth did not write, or an assembly
  older than the sources, is bad input, never judged (``release_cli.review.assembly``); the report
  names the assembly it read;
* ``review --old A --new B``: any two template files (JSON or YAML);
* ``review --change-set NAME --stage S``: a real change set, read with boto3 (needs credentials).

Exit codes: 0 safe (no data-losing change, or every one has an allowance); 1 danger; 2 bad input
(a missing or unparsable file, not a template, missing options, a stale or partial cloud assembly,
an allowance file with a mistake, an AWS error).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from release_cli.commands._options import (
    add_baselines,
    add_cdk_out,
    add_stack_name,
    add_stage,
    cloudformation_client_for,
    command_parser,
    default_stack_name,
    load_synthesized,
    stack_name_for,
)
from release_cli.locations import ALLOWANCES, all_stages, baseline_template, project_path
from release_cli.review.allowances import check_allowances_match, load_allowances
from release_cli.review.assembly import CloudAssembly
from release_cli.review.changeset import ChangeSetTarget, review_change_set
from release_cli.review.errors import ReviewInputError
from release_cli.review.model import Allowance, Report
from release_cli.review.render import RENDERERS
from release_cli.review.review import review_templates
from release_cli.review.templates import Template, load_template_file

EXIT_SAFE, EXIT_DANGER, EXIT_INPUT = 0, 1, 2


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``review`` subcommand."""
    parser = command_parser(
        subparsers, "review", help_text="review template changes and fail on data loss", description=__doc__
    )
    parser.add_argument("--old", type=Path, help="old template file (with --new): review two files")
    parser.add_argument("--new", type=Path, help="new template file (with --old)")
    parser.add_argument("--change-set", help="review this CloudFormation change set of the stage's stack")
    add_stack_name(parser, purpose="stack of the change set")
    add_cdk_out(parser)
    add_baselines(parser)
    parser.add_argument(
        "--allowances", type=Path, help=f"allowance file (default: {project_path(ALLOWANCES)}, if present)"
    )
    parser.add_argument("--format", choices=sorted(RENDERERS), default="table", help="output format")
    add_stage(parser, help_text="stage to review (default: every stage)")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Review, print the report, and return the exit code."""
    try:
        reports = collect_reports(args)
    except ReviewInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_INPUT
    sys.stdout.write(RENDERERS[args.format](reports))
    return EXIT_SAFE if all(report.safe for report in reports) else EXIT_DANGER


def collect_reports(args: argparse.Namespace) -> list[Report]:
    """One report per comparison the options ask for."""
    stage: str | None = getattr(args, "stage", None)
    allowances_file = args.allowances or project_path(ALLOWANCES)
    allowances = load_allowances(path=allowances_file, required=args.allowances is not None)
    reports = _reports(args=args, stage=stage, allowances=allowances)
    check_allowances_match(allowances=allowances, reports=reports)
    for report in reports:
        report.allowances_file = str(allowances_file)
    return reports


def _reports(*, args: argparse.Namespace, stage: str | None, allowances: list[Allowance]) -> list[Report]:
    if args.old is not None or args.new is not None:
        if args.old is None or args.new is None or args.change_set:
            raise ReviewInputError("--old and --new go together, and not with --change-set")
        return [_files_report(old=args.old, new=args.new, stage=stage, allowances=allowances)]
    if args.change_set:
        if stage is None:
            raise ReviewInputError(f"--change-set needs --stage (the stack is {default_stack_name()})")
        return [_change_set_report(args=args, stage=stage, allowances=allowances)]
    stages = [stage] if stage else list(all_stages())
    assembly, templates = load_synthesized(args, stages)
    return [
        _stage_report(args=args, stage=s, new=templates[s], assembly=assembly, allowances=allowances) for s in stages
    ]


def _files_report(*, old: Path, new: Path, stage: str | None, allowances: list[Allowance]) -> Report:
    label = f"{old} -> {new}" + (f" (stage {stage})" if stage else "")
    return review_templates(
        old=load_template_file(path=old),
        new=load_template_file(path=new),
        label=label,
        stage=stage,
        allowances=allowances,
    )


def _stage_report(
    *, args: argparse.Namespace, stage: str, new: Template, assembly: CloudAssembly, allowances: list[Allowance]
) -> Report:
    baseline = baseline_template(baselines=args.baselines, stage=stage)
    notices = []
    if baseline.exists():
        old = load_template_file(path=baseline)
    else:
        old = {"Resources": {}}
        notices.append(f"no baseline at {baseline}: first release, every resource is an Add")
    report = review_templates(
        old=old, new=new, label=f"stage {stage}", stage=stage, allowances=allowances, notices=notices
    )
    report.assembly = assembly.record()
    return report


def _change_set_report(*, args: argparse.Namespace, stage: str, allowances: list[Allowance]) -> Report:
    client = cloudformation_client_for(args)
    target = ChangeSetTarget(stack_name=stack_name_for(args, stage), change_set_name=args.change_set)
    try:
        assembly, templates = load_synthesized(args, [stage])
    except ReviewInputError:
        assembly, fallback = None, None  # the synthesized template is only a fallback: never a stale one
    else:
        fallback = templates[stage]
    report = review_change_set(
        client=client,
        target=target,
        label=f"stage {stage}, change set {args.change_set}",
        stage=stage,
        allowances=allowances,
        fallback_new=fallback,
    )
    if assembly is not None and any("classified against the synthesized template" in n for n in report.notices):
        report.assembly = assembly.record()
    return report
