"""``review``: list every resource change as a change set would, and fail on changes that lose data.

Three sources, one report and one gate:

* ``review [--stage S]``: each stage's synthesized template against its baseline (``--baselines``);
  no stage = every stage; no AWS credentials needed. The templates come from the cloud assembly in
  ``--cdk-out`` as its manifest lists them: a stage the last synth did not write, or an assembly
  older than the sources, is bad input, never judged (``release_cli.review.assembly``); the report
  names the assembly it read. A stage with no baseline (or a baselines folder that does not exist)
  is bad input too, naming the path looked in: a mistyped path must never switch the gate off. Only
  ``--first-release`` reviews a stage with no baseline, every resource as an Add;
* ``review --old A --new B``: any two template files (JSON or YAML);
* ``review --change-set NAME --stage S``: a real change set, read with boto3 (needs credentials),
  once CloudFormation has created it (waited for up to 5 minutes; Ctrl-C stops the wait, exit 130);
  one that failed because it changes nothing is "no changes", one that failed for any other reason
  is bad input naming CloudFormation's reason, never reviewed.

Paths given on the command line are taken from the current directory, as every CLI does; only the
defaults (cdk.out, baselines/, review_allowances.toml) come from the project root.

--format json prints one document (keys are camelCase, as in every command's JSON):
  {"safe": bool, "reports": [{
     "label", "safe", "verdict", "notices": [str],
     "assembly": null | {"manifest", "writtenAt", "stacks": [str]},
     "changes": [{"action": "Add|Modify|Remove", "logicalId", "type", "replacement", "source", "churn",
                  "notes": [str], "attributeChanges": [str], "causes": [{"property", "replacement", "reason"}]}],
     "findings": [{"kind", "logicalIds": [str], "type", "message", "allowed", "allowance": null | ALLOWANCE}],
     "allowancesUsed": [ALLOWANCE], "unusedAllowances": [ALLOWANCE],
     "howToAllow": null | {"file", "stage", "logicalIds": [str], "entries": "<[[allow]] TOML to paste>",
                           "requiredFields": [str], "optionalFields": [str]}}]}
  ALLOWANCE = {"logicalId", "stage", "reason"}
  On bad input (exit 2) it prints {"error": {"message", "exitCode"}} instead.

Exit codes: 0 safe (no data-losing change, or every one has an allowance); 1 danger; 2 bad input
(a missing, unreadable or unparsable file, not a template, missing options, a stale or partial cloud
assembly, a missing baseline without --first-release, an allowance file with a mistake, an AWS error,
a change set that failed or is still being created after the wait); 130 interrupted (it only reads).
"""

from __future__ import annotations

import argparse
import os
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
from release_cli.error_report import report_error
from release_cli.locations import (
    ALLOWANCES,
    BASELINES,
    all_stages,
    baseline_template,
    project_path,
    relative_path_hint,
)
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
    parser.add_argument(
        "--first-release",
        action="store_true",
        help="a stage with no baseline was never released: review every resource as an Add (without it, a "
        "missing baseline or baselines folder is bad input, exit 2)",
    )
    parser.add_argument(
        "--format", choices=sorted(RENDERERS), default="table", help="output format (json: the shape is above)"
    )
    add_stage(parser, help_text="stage to review (default: every stage)")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Review, print the report, and return the exit code."""
    try:
        reports = collect_reports(args)
    except ReviewInputError as err:
        return report_error(args, str(err), EXIT_INPUT)
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
    if args.first_release and (args.old is not None or args.new is not None or args.change_set):
        raise ReviewInputError(
            "--first-release applies to a stage review against its baseline, not to --old/--new or --change-set"
        )
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
    reports = [
        _stage_report(args=args, stage=s, new=templates[s], assembly=assembly, allowances=allowances) for s in stages
    ]
    if args.first_release and all(baseline_template(baselines=args.baselines, stage=s).exists() for s in stages):
        raise ReviewInputError(
            f"--first-release, but every stage reviewed has a baseline in {args.baselines}: drop the flag "
            "(left in a CI job it would let a missing baseline pass later)"
        )
    return reports


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
    old, notices = _baseline(args=args, stage=stage)
    report = review_templates(
        old=old, new=new, label=f"stage {stage}", stage=stage, allowances=allowances, notices=notices
    )
    report.assembly = assembly.record()
    return report


def _baseline(*, args: argparse.Namespace, stage: str) -> tuple[Template, list[str]]:
    """The stage's baseline, or (with ``--first-release`` only) an empty template when it has none.

    A missing baseline used to read as a first release: a mistyped ``--baselines`` turned every resource
    into an Add and the gate into SAFE. So a missing folder or file is bad input naming the path looked
    in, unless the user says, with ``--first-release``, that the stage was never released.
    """
    folder: Path = args.baselines
    path = baseline_template(baselines=folder, stage=stage)
    if os.path.lexists(folder) and not folder.is_dir():
        raise ReviewInputError(f"{folder}: not a folder; --baselines takes the folder of <stage>.template.json files")
    if os.path.lexists(path):
        return load_template_file(path=path), []
    if args.first_release:
        return {"Resources": {}}, [f"no baseline at {path} and --first-release: every resource is an Add"]
    where = "no such baselines folder" if not os.path.lexists(folder) else f"no baseline for stage {stage}"
    raise ReviewInputError(
        f"{path}: {where}; check --baselines (default: the project's {BASELINES}/), record one after a release "
        f"with `release baseline --stage {stage}`, or pass --first-release if stage {stage} was never released"
        + relative_path_hint(folder)
    )


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
