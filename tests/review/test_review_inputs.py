"""Bad input is exit code 2 with a message naming the problem, never a traceback or a verdict."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.review.conftest import CliResult, corpus_pair

GOOD = corpus_pair("add").new


def test_missing_file_is_named(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = run_cli("review", "--old", str(tmp_path / "nope.json"), "--new", str(GOOD))
    assert (result.code, "nope.json: file not found" in result.err) == (2, True)


def test_invalid_json_names_line_and_column(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"Resources": {\n  "A": }\n}')
    result = run_cli("review", "--old", str(bad), "--new", str(GOOD))
    assert result.code == 2
    assert "invalid JSON at line 2" in result.err


def test_invalid_yaml_is_reported(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources:\n  A: [unclosed\n")
    result = run_cli("review", "--old", str(bad), "--new", str(GOOD))
    assert (result.code, "invalid YAML" in result.err) == (2, True)


@pytest.mark.parametrize("text", ['{"Parameters": {}}', "[1, 2]", '{"Resources": {"A": {"Properties": {}}}}'])
def test_not_a_template_is_reported(run_cli: Callable[..., CliResult], tmp_path: Path, text: str) -> None:
    other = tmp_path / "other.json"
    other.write_text(text)
    result = run_cli("review", "--old", str(other), "--new", str(GOOD))
    assert (result.code, "not a CloudFormation template" in result.err or "has no Type" in result.err) == (2, True)


def test_old_without_new_is_a_usage_error(run_cli: Callable[..., CliResult]) -> None:
    assert run_cli("review", "--old", str(GOOD)).code == 2


def test_change_set_without_stage_is_a_usage_error(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("review", "--change-set", "cs1")
    assert (result.code, "--change-set needs --stage" in result.err) == (2, True)


def test_missing_synthesized_template_says_to_synth(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = run_cli("review", "--stage", "dev", "--cdk-out", str(tmp_path))
    assert (result.code, "run cdk synth first" in result.err) == (2, True)
