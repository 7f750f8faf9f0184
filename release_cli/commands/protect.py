"""``protect``: termination protection plus a stack policy that keeps stateful resources from being
replaced or deleted by an update (CDK has no stack-policy support, so the CLI applies it with boto3).

* ``protect --stage prod``: read the deployed stack's template, find its stateful resources, turn
  on termination protection and set the stack policy;
* ``--dry-run``: print the policy and change nothing; ``--from-synth``: take the logical IDs from
  the synthesized template instead of the deployed one (works offline with ``--dry-run``); the
  cloud assembly's manifest must list the stage and be newer than the sources.

Run it after the first deploy of prod and after any release that adds a stateful resource.
Exit codes: 0 applied (or printed); 2 bad input (no stage, no template, AWS error).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from release_cli.commands._options import (
    add_cdk_out,
    add_stack_name,
    add_stage,
    cloudformation_client_for,
    command_parser,
    load_synthesized,
    stack_name_for,
)
from release_cli.review.aws import aws_errors, get_template
from release_cli.review.errors import ReviewInputError
from release_cli.review.stack_policy import build_stack_policy, policy_json, stateful_logical_ids
from release_cli.review.stateful import load_stateful_types
from release_cli.review.templates import Template

EXIT_OK, EXIT_INPUT = 0, 2


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``protect`` subcommand."""
    parser = command_parser(
        subparsers,
        "protect",
        help_text="termination protection and a stack policy for a stage's stack",
        description=__doc__,
    )
    parser.add_argument("--dry-run", action="store_true", help="print the stack policy; change nothing")
    parser.add_argument("--from-synth", action="store_true", help="find stateful resources in the synthesized template")
    add_stack_name(parser, purpose="the stack")
    add_cdk_out(parser)
    add_stage(parser, help_text="stage whose stack to protect (required; usually prod)")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Build the policy, then print it (dry run) or apply it with termination protection."""
    stage: str | None = getattr(args, "stage", None)
    try:
        if not stage:
            raise ReviewInputError("protect needs --stage (usually prod)")
        stack_name = stack_name_for(args, stage)
        client = None if (args.dry_run and args.from_synth) else cloudformation_client_for(args)
        template = _template(args=args, stage=stage, stack_name=stack_name, client=client)
        logical_ids = stateful_logical_ids(template=template, stateful=load_stateful_types())
        policy = policy_json(build_stack_policy(logical_ids=logical_ids))
        if args.dry_run:
            print(f"# dry run: would enable termination protection on {stack_name} and set this stack policy")
            print(policy)
            return EXIT_OK
        client = client or cloudformation_client_for(args)
        with aws_errors(f"setting the stack policy of {stack_name}"):
            client.set_stack_policy(StackName=stack_name, StackPolicyBody=policy)
        print(f"stack policy set: Update:Replace and Update:Delete denied on {', '.join(logical_ids) or 'nothing'}")
        with aws_errors(f"enabling termination protection on {stack_name} (the stack policy is set)"):
            client.update_termination_protection(EnableTerminationProtection=True, StackName=stack_name)
        print(f"termination protection enabled on {stack_name}")
    except ReviewInputError as err:
        print(f"error: {err}", file=sys.stderr)
        if args.dry_run and not args.from_synth:
            print(
                "hint: with no AWS access, add --from-synth to take the stateful resources from the synthesized "
                "template (release protect --stage prod --dry-run --from-synth)",
                file=sys.stderr,
            )
        return EXIT_INPUT
    return EXIT_OK


def _template(*, args: argparse.Namespace, stage: str, stack_name: str, client: Any) -> Template:
    if args.from_synth:
        return load_synthesized(args, [stage])[1][stage]
    return get_template(client=client, stack_name=stack_name)
