"""What ``release local`` and ``release serve`` share: the options that say which handler runs, how.

Both run the Order API handler in-process on moto tables built from a synthesized template, so
they take the same stage, template, alias, reported version and sample-data switch, with one help
text each, and find the alias the same way.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from release_cli.commands._options import add_stage
from service_model.stages import load_stage

DEFAULT_STAGE = "dev"


def add_local_function_options(parser: argparse.ArgumentParser, *, template_gives: str) -> None:
    """``--stage/--template/--alias/--function-version/--[no-]sample-data``; ``template_gives`` says what the
    command reads from the template ("tables", "routes and tables")."""
    add_stage(parser, help_text="stage whose synthesized template and API alias to use", default=DEFAULT_STAGE)
    parser.add_argument(
        "--template",
        type=Path,
        help=f"template to read {template_gives} from, used as given (default: the stage's in the project's "
        "cdk.out, whose manifest must list the stage and be newer than the infrastructure sources)",
    )
    parser.add_argument("--alias", help="alias in the invoked ARN (default: the stage's API alias)")
    parser.add_argument("--function-version", default="$LATEST", help="version the context reports")
    parser.add_argument(  # --sample-data/--no-sample-data: the default shown is the positive switch's
        "--sample-data",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="load the sample orders of sample_data/orders.json into the local tables (--no-sample-data: empty tables)",
    )


def invoked_alias(args: argparse.Namespace) -> str:
    """``--alias``, else the stage's API alias (the one its HTTP API invokes)."""
    return str(args.alias or load_stage(args.stage).api_alias)
