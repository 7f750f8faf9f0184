"""Bad input is exit code 2 with a message naming the problem, never a traceback or a verdict."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from release_cli.review.errors import ReviewInputError
from release_cli.review.templates import parse_template, validate_template
from tests.conftest import CliResult
from tests.review.conftest import corpus_pair

GOOD = corpus_pair("add").new


def test_missing_file_is_named(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = run_cli("review", "--old", str(tmp_path / "nope.json"), "--new", str(GOOD))
    assert (result.code, "nope.json: template: no such file" in result.err) == (2, True)


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
    assert (result.code, "no cloud assembly" in result.err, "cdk synth -c stage=" in result.err) == (2, True, True)


def test_resources_as_a_list_says_it_must_be_a_mapping(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    listed = tmp_path / "listed.json"
    listed.write_text('{"Resources": [{"Type": "AWS::SQS::Queue"}]}')
    result = run_cli("review", "--old", str(listed), "--new", str(GOOD))
    assert (result.code, "Resources must be a mapping of logical IDs, found a list" in result.err) == (2, True)


UNQUOTED_NUMERIC_IDS = """\
Resources:
  123:
    Type: AWS::SQS::Queue
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      {visibility}
"""


def test_unquoted_numeric_logical_ids_are_reviewed_as_strings(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(UNQUOTED_NUMERIC_IDS.format(visibility="VisibilityTimeout: 30"))
    new.write_text(UNQUOTED_NUMERIC_IDS.format(visibility="VisibilityTimeout: 60").replace("123:", "124:"))
    changes = run_cli("review", "--old", str(old), "--new", str(new), "--format", "json").json()["reports"][0]
    assert [(c["action"], c["logicalId"]) for c in changes["changes"]] == [
        ("Remove", "123"),
        ("Add", "124"),
        ("Modify", "Queue"),
    ]


def test_unquoted_numeric_property_keys_keep_their_spelling() -> None:
    text = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      0123: a\n      Name: b\n"
    properties = parse_template(text=text, origin="t.yaml")["Resources"]["Queue"]["Properties"]
    assert list(properties) == ["0123", "Name"]


def test_non_string_logical_id_in_memory_is_an_input_error() -> None:
    with pytest.raises(ReviewInputError, match="logical ID 123 in Resources is not a string"):
        validate_template(document={"Resources": {123: {"Type": "AWS::SQS::Queue"}}}, origin="stack")


def test_self_referential_yaml_anchor_is_an_input_error(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    looped = tmp_path / "looped.yaml"
    looped.write_text("Resources:\n  Queue: &queue\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: [*queue]\n")
    result = run_cli("review", "--old", str(looped), "--new", str(GOOD))
    assert (result.code, "Resources.Queue.Properties.Tags[0] contains itself" in result.err) == (2, True)


def test_too_deeply_nested_template_is_an_input_error(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    nested = "[" * 500 + "]" * 500
    deep.write_text(f'{{"Resources": {{"Q": {{"Type": "AWS::SQS::Queue", "Properties": {{"Tags": {nested}}}}}}}}}')
    result = run_cli("review", "--old", str(deep), "--new", str(GOOD))
    assert (result.code, "nested more than 100 levels deep" in result.err) == (2, True)
