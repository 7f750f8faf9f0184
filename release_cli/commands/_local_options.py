"""What ``release local`` and ``release serve`` share: the options that say which handler runs, how.

Both run a function's handler in-process on moto tables built from a synthesized template, so they
take the same stage, function, template, alias, reported version and sample-data switch, with one
help text each, and find the function and its alias the same way: ``--function`` is the function's
``stages.toml`` key (``order-worker``) or its physical name or ARN (``dev-OrderWorker``), and the
alias defaults to that function's trigger alias (the one its HTTP API or event source invokes).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from release_cli.commands._options import add_stage
from release_cli.local_invoke import LocalFunction, LocalInvokeError
from release_cli.ops.function_config import function_name_of
from service_model.functions import FunctionConfig
from service_model.project import SOURCE_ROOT
from service_model.stages import StageConfig, StageConfigError, load_stage

DEFAULT_STAGE = "dev"
FUNCTION_HELP = "KEY (stages.toml) or a function name/ARN"


def add_local_function_options(parser: argparse.ArgumentParser, *, template_gives: str, function_help: str) -> None:
    """``--stage/--function/--template/--alias/--function-version/--[no-]sample-data``; ``template_gives`` says
    what the command reads from the template ("tables", "routes and tables"), ``function_help`` what it does
    without ``--function``."""
    add_stage(parser, help_text="stage whose synthesized template and aliases to use", default=DEFAULT_STAGE)
    parser.add_argument("--function", metavar="KEY", help=f"the function: {FUNCTION_HELP}; {function_help}")
    parser.add_argument(
        "--template",
        type=Path,
        help=f"template to read {template_gives} from, used as given (default: the stage's in the project's "
        "cdk.out, whose manifest must list the stage and be newer than the infrastructure sources)",
    )
    parser.add_argument(
        "--alias", help="alias in the invoked ARN (default: the function's trigger alias, from stages.toml)"
    )
    parser.add_argument("--function-version", default="$LATEST", help="version the context reports")
    parser.add_argument(  # --sample-data/--no-sample-data: the default shown is the positive switch's
        "--sample-data",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="load the sample orders of sample_data/orders.json into the local tables (--no-sample-data: empty tables)",
    )


def stage_config(args: argparse.Namespace) -> StageConfig:
    try:
        return load_stage(args.stage)
    except StageConfigError as err:
        raise LocalInvokeError(str(err)) from None


def chosen_function(config: StageConfig, given: str) -> FunctionConfig:
    """The stage's function ``--function`` names: a ``stages.toml`` key, a physical name or an ARN
    (``arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]``); anything else lists the keys."""
    name = function_name_of(given)
    found = next((f for f in config.functions if f.key == given), None) or config.function_named(name)
    if found is None:
        raise LocalInvokeError(
            f"stage {config.name!r}: unknown function {given!r}; functions: "
            + ", ".join(f"{f.key} ({f.name})" for f in config.functions)
        )
    return found


def invoked_alias(args: argparse.Namespace, function: FunctionConfig) -> str:
    """``--alias``, else the function's trigger alias (the one its HTTP API or event source invokes)."""
    return str(args.alias or function.trigger_alias)


def local_function(function: FunctionConfig) -> LocalFunction:
    """What the local runner needs to find and load ``function``: its physical name, code folder, handler."""
    code_dir = SOURCE_ROOT / "lambda_src" / function.code
    return LocalFunction(name=function.name, code_dir=code_dir, handler=function.handler)
