"""Imports run one way: the CDK side and the CLI both depend on ``service_model``, never on each other.

Checked two ways: statically (every ``import`` in every file, including imports inside functions)
and at run time (the CLI's parser is built without loading aws-cdk-lib, jsii or constructs, which is
what keeps ``release --help`` fast).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN = {
    "service_model": {"stacks", "constructs_lib", "release_cli", "aws_cdk", "constructs", "cdk_nag", "boto3"},
    "stacks": {"release_cli"},
    "constructs_lib": {"release_cli", "stacks"},
    "release_cli": {"stacks", "constructs_lib", "aws_cdk", "constructs", "cdk_nag"},
}
"""Package -> top-level modules it must never import (statically, anywhere in its files)."""


def imported_top_levels(path: Path) -> set[str]:
    """Top-level module names imported anywhere in ``path`` (absolute imports only; the project uses no relative)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_never_imports_the_other_side(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no Python files"
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_top_levels(path) & FORBIDDEN[package])
        for path in files
        if imported_top_levels(path) & FORBIDDEN[package]
    }
    assert offenders == {}


def test_the_static_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from stacks.app_builder import build_app\n    import aws_cdk.aws_lambda\n")
    assert imported_top_levels(module) == {"stacks", "aws_cdk"}


def test_lambda_code_imports_nothing_of_the_project() -> None:
    project = {"stacks", "constructs_lib", "release_cli", "service_model", "tests"}
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_top_levels(path) & project)
        for path in sorted((ROOT / "lambda_src").rglob("*.py"))
        if imported_top_levels(path) & project
    }
    assert offenders == {}


def test_building_the_cli_parser_loads_no_cdk_module() -> None:
    """Every command module is imported by ``build_parser``; none may pull aws-cdk-lib in, nor boto3, botocore
    or moto (each command imports them when it runs), so ``release --help`` starts in a fraction of a second."""
    code = (
        "import json, sys\n"
        "from release_cli.cli import build_parser\n"
        "build_parser()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'aws_cdk', 'jsii', 'constructs', 'cdk_nag', 'stacks', 'constructs_lib', 'boto3', 'botocore', 'moto'})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []
