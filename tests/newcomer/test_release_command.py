"""The ``release`` console command as a user meets it: installed, from any directory, honest help.

Runs the installed entry point (``.venv/bin/release``, from ``[project.scripts]``) as a subprocess
where the point is where it runs from; the rest goes through ``main``/``build_parser`` in-process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from release_cli.cli import build_parser, command_modules, main
from release_cli.commands._options import aws_region, cloudformation_client_for
from tests.conftest import ROOT

RELEASE = Path(sys.executable).parent / "release"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def release(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not RELEASE.exists():
        pytest.fail(f"{RELEASE} is missing: the set-up installs the project with `pip install -e .`")
    return subprocess.run([str(RELEASE), *argv], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_version_is_the_projects() -> None:
    result = release("--version", cwd=ROOT)
    assert (result.returncode, result.stdout.strip()) == (0, f"release {VERSION}")


def test_from_a_subdirectory_defaults_point_at_the_project_root() -> None:
    """(``local``'s events folder is each function's own from stages.toml, so review's paths show it.)"""
    result = release("review", "--help", cwd=ROOT / "tests" / "newcomer")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert f"(default: {ROOT / 'cdk.out'})" in text and f"(default: {ROOT / 'baselines'})" in text


def test_from_a_subdirectory_a_missing_assembly_is_named_with_its_real_path(tmp_path: Path) -> None:
    """Resolving ``cdk.out`` against the current directory gave a false "run cdk synth first"."""
    project = tmp_path / "project"
    (project / "deep" / "down").mkdir(parents=True)
    for name in ("cdk.json", "stages.toml"):
        (project / name).write_text((ROOT / name).read_text())
    result = release("review", "--stage", "dev", cwd=project / "deep" / "down")
    assert result.returncode == 2
    assert f"{project / 'cdk.out' / 'manifest.json'}: no cloud assembly" in result.stderr


def test_outside_any_checkout_help_still_works(tmp_path: Path) -> None:
    assert release("review", "--help", cwd=tmp_path).returncode == 0


def test_python_dash_m_keeps_working() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "release_cli", "--version"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == f"release {VERSION}"


def subcommand_help(name: str) -> str:
    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return str(subparsers.choices[name].format_help())


@pytest.mark.parametrize("module", command_modules())
def test_help_shows_no_restructuredtext_backticks(module: str) -> None:
    assert "``" not in subcommand_help(module.replace("_", "-"))


def stage_help(command: str) -> str:
    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    parser = subparsers.choices[command]
    action = next(a for a in parser._actions if "--stage" in a.option_strings)
    return str(parser._get_formatter()._expand_help(action))


def test_stage_help_says_what_each_command_really_does_without_one() -> None:
    assert stage_help("review").endswith("(default: every stage)")
    assert stage_help("baseline").endswith("(default: every stage)")
    assert "required" in stage_help("protect") and "every stage" not in stage_help("protect")
    assert stage_help("local").endswith("(default: dev)")


def test_defaults_of_paths_and_formats_are_shown() -> None:
    review = " ".join(subcommand_help("review").split())
    for shown in (f"(default: {ROOT / 'cdk.out'})", f"(default: {ROOT / 'baselines'})", "(default: table)"):
        assert shown in review


@pytest.mark.parametrize(
    ("flag", "environment", "expected"),
    [
        (None, {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-2"}, "eu-west-1"),
        (None, {"AWS_DEFAULT_REGION": "us-east-2"}, "us-east-2"),
        ("ap-south-1", {"AWS_REGION": "eu-west-1"}, "ap-south-1"),
        (None, {}, None),
    ],
)
def test_region_comes_from_the_flag_then_aws_region_then_aws_default_region(
    flag: str | None, environment: dict[str, str], expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert aws_region(argparse.Namespace(region=flag)) == expected


def test_clients_use_aws_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    client = cloudformation_client_for(argparse.Namespace(region=None, profile=None))
    assert client.meta.region_name == "eu-central-1"


def test_protect_dry_run_without_credentials_suggests_from_synth(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)  # tests/order_api/conftest.py sets moto's dummy keys
    assert main(["protect", "--stage", "prod", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "Unable to locate credentials" in err
    assert "--from-synth" in err
