"""Every command that takes ``--function`` says the same thing of it: a stages.toml KEY, or a function's
name or ARN."""

from __future__ import annotations

import argparse

from release_cli.cli import build_parser

WORDING = "KEY (stages.toml) or a function name/ARN"


def function_options() -> dict[str, argparse.Action]:
    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {
        name: action
        for name, parser in subparsers.choices.items()
        for action in parser._actions
        if "--function" in action.option_strings
    }


def test_every_function_option_names_key_or_name_or_arn() -> None:
    options = function_options()
    assert {"local", "serve", "invoke", "smoke"} <= set(options)
    assert {name: action.help for name, action in options.items() if WORDING not in (action.help or "")} == {}
    assert {name: action.metavar for name, action in options.items()} == dict.fromkeys(options, "KEY")
