"""Stack names, file locations and shared options come from one place each.

The stack of a stage is ``service_model.naming.stack_name`` (the CDK app names stacks with it); the
commands' ``--stack-name`` defaults, the synthesized template's file name and messages follow it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest

from release_cli.cli import build_parser
from release_cli.locations import synthesized_template
from tests.conftest import ROOT, CliResult
from tests.review.conftest import corpus_pair, write_assembly

SHARED_COMMANDS = ("review", "baseline", "protect")


@pytest.fixture
def renamed_project(monkeypatch: pytest.MonkeyPatch) -> str:
    """The stage settings renamed: anything that still spells ``version-demo-`` itself shows up."""
    from service_model import naming

    monkeypatch.setattr(naming, "PROJECT", "renamed")
    return "renamed"


def _subparser(name: str) -> argparse.ArgumentParser:
    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    parser: argparse.ArgumentParser = subparsers.choices[name]
    return parser


def _help_of(parser: argparse.ArgumentParser, option: str) -> str:
    return str(next(a.help for a in parser._actions if option in a.option_strings))


def test_synthesized_template_is_named_after_the_stage_settings_stack(renamed_project: str) -> None:
    assert synthesized_template(cdk_out=Path("out"), stage="dev") == Path("out/renamed-dev.template.json")


def test_protect_defaults_to_the_stage_settings_stack(
    renamed_project: str, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    write_assembly(tmp_path, {"prod": corpus_pair("add").new.read_text()})
    result = run_cli("protect", "--stage", "prod", "--dry-run", "--from-synth", "--cdk-out", str(tmp_path))
    assert "would enable termination protection on renamed-prod" in result.out


@pytest.mark.parametrize("command", SHARED_COMMANDS)
def test_stack_name_help_shows_the_stage_settings_default(renamed_project: str, command: str) -> None:
    assert _help_of(_subparser(command), "--stack-name").endswith("(default: renamed-<stage>)")


@pytest.mark.parametrize("command", SHARED_COMMANDS)
def test_cdk_out_option_is_the_same_everywhere(command: str) -> None:
    parser = _subparser(command)
    assert (_help_of(parser, "--cdk-out"), parser.get_default("cdk_out")) == (
        "synthesized cloud assembly (default: %(default)s)",
        ROOT / "cdk.out",
    )


@pytest.mark.parametrize("command", SHARED_COMMANDS)
def test_cdk_out_default_is_the_project_roots_from_a_subdirectory(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT / "tests" / "review")
    assert _subparser(command).get_default("cdk_out") == ROOT / "cdk.out"
