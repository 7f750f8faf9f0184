"""The gate fails closed: a typo never switches it off, its hint is enough to act on, its JSON is one convention.

* a missing baselines folder, or a stage with no baseline, is bad input (exit 2) naming the path
  looked in, unless ``--first-release`` says so (a mistyped ``--baselines`` used to read as
  "first release, every resource is an Add", SAFE, exit 0);
* the DANGER hint prints one ``[[allow]]`` entry per logical ID that blocks: pasted (with its reason
  written) into the allowance file, it turns the same review SAFE;
* ``--format json`` keys are camelCase, ``--help`` states every key, and bad input prints the error
  object on stdout;
* a change set's ``Remove`` stays a removal in the gate, never read as a Modify.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from release_cli.review.changeset import change_from_api
from release_cli.review.model import Action
from service_model.stages import STAGE_NAMES
from tests.conftest import ROOT, CliResult
from tests.review.conftest import corpus_pair, write_assembly

REMOVE = corpus_pair("remove")
RENAME = corpus_pair("rename")


def _table(key: str = "pk") -> dict[str, Any]:
    return {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    }


def _write(path: Path, template: dict[str, Any]) -> Path:
    path.write_text(json.dumps(template))
    return path


# --- a missing baseline is bad input ------------------------------------------------------------------


@pytest.fixture
def dev_assembly(tmp_path: Path) -> Path:
    return write_assembly(tmp_path / "cdk.out", {"dev": REMOVE.new.read_text()})


def _stage_review(run_cli: Callable[..., CliResult], cdk_out: Path, *extra: Any) -> CliResult:
    return run_cli("review", "--stage", "dev", "--cdk-out", cdk_out, *extra)


def test_a_mistyped_baselines_folder_is_exit_2_naming_the_path(
    run_cli: Callable[..., CliResult], dev_assembly: Path, tmp_path: Path
) -> None:
    typo = tmp_path / "nonexistent" / "typo"
    result = _stage_review(run_cli, dev_assembly, "--baselines", typo)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"error: {typo / 'dev.template.json'}: no such baselines folder; check --baselines")
    assert "--first-release" in result.err


def test_a_stage_with_no_baseline_is_exit_2_naming_the_file(
    run_cli: Callable[..., CliResult], dev_assembly: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "baselines"
    folder.mkdir()
    (folder / "prod.template.json").write_text(REMOVE.old.read_text())
    result = _stage_review(run_cli, dev_assembly, "--baselines", folder)
    assert result.code == 2
    assert result.err.startswith(f"error: {folder / 'dev.template.json'}: no baseline for stage dev;")
    assert "release baseline --stage dev" in result.err


def test_baselines_that_is_a_file_is_exit_2(run_cli: Callable[..., CliResult], dev_assembly: Path) -> None:
    result = _stage_review(run_cli, dev_assembly, "--baselines", REMOVE.old)
    assert (result.code, result.err.splitlines()[0]) == (
        2,
        f"error: {REMOVE.old}: not a folder; --baselines takes the folder of <stage>.template.json files",
    )


def test_first_release_reviews_every_resource_as_an_add(
    run_cli: Callable[..., CliResult], dev_assembly: Path, tmp_path: Path
) -> None:
    result = _stage_review(run_cli, dev_assembly, "--baselines", tmp_path / "none", "--first-release")
    assert result.code == 0
    assert "--first-release: every resource is an Add" in " ".join(result.out.split())


def test_first_release_with_every_baseline_present_is_refused(
    run_cli: Callable[..., CliResult], dev_assembly: Path, tmp_path: Path
) -> None:
    """A flag left in a CI job would otherwise let a later missing baseline pass."""
    folder = tmp_path / "baselines"
    folder.mkdir()
    (folder / "dev.template.json").write_text(REMOVE.old.read_text())
    result = _stage_review(run_cli, dev_assembly, "--baselines", folder, "--first-release")
    assert (result.code, "every stage reviewed has a baseline" in result.err) == (2, True)


def test_first_release_does_not_go_with_two_files(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("review", "--old", REMOVE.old, "--new", REMOVE.new, "--first-release")
    assert (result.code, "--first-release applies to a stage review" in result.err) == (2, True)


@pytest.mark.parametrize("stage", STAGE_NAMES)
def test_the_repository_has_a_baseline_for_every_stage(stage: str) -> None:
    """CI (scripts/main-job.sh, the workflows, buildspec.yml) runs ``release review`` without --first-release."""
    assert (ROOT / "baselines" / f"{stage}.template.json").is_file()


# --- the hint is enough -------------------------------------------------------------------------------


@pytest.fixture
def two_tables_removed(tmp_path: Path) -> tuple[Path, Path]:
    old = _write(tmp_path / "old.json", {"Resources": {"TableA": _table(), "TableB": _table("id")}})
    new = _write(tmp_path / "new.json", {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})
    return old, new


def _hint_entries(out: str) -> str:
    """The indented lines after the hint sentence, as a user would copy them from the terminal."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if "to allow a change on purpose" in line)
    start += next(i for i, line in enumerate(lines[start:]) if line.startswith("    [[allow]]"))
    block = []
    for line in lines[start:]:
        if line and not line.startswith("    "):
            break
        block.append(line)
    return "\n".join(block) + "\n"


def test_pasting_the_table_hint_with_reasons_makes_the_review_safe(
    run_cli: Callable[..., CliResult], two_tables_removed: tuple[Path, Path], tmp_path: Path
) -> None:
    old, new = two_tables_removed
    allow = tmp_path / "allow.toml"
    allow.write_text("")
    first = run_cli("review", "--old", old, "--new", new, "--allowances", allow)
    assert first.code == 1
    pasted = _hint_entries(first.out)
    assert pasted.count("[[allow]]") == 2
    allow.write_text(pasted.replace("<why losing this data is intended>", "both tables are retired on purpose"))
    again = run_cli("review", "--old", old, "--new", new, "--allowances", allow)
    assert (again.code, again.out.rstrip().splitlines()[-1]) == (
        0,
        "SAFE with 2 allowed dangerous change(s) (1 add, 0 modify, 2 remove)",
    )


def test_the_json_entries_match_the_logical_ids_and_paste_as_well(
    run_cli: Callable[..., CliResult], two_tables_removed: tuple[Path, Path], tmp_path: Path
) -> None:
    old, new = two_tables_removed
    how = run_cli("review", "--old", old, "--new", new, "--format", "json").json()["reports"][0]["howToAllow"]
    assert how["logicalIds"] == ["TableA", "TableB"]
    allow = tmp_path / "allow.toml"
    allow.write_text(how["entries"].replace("<why losing this data is intended>", "retired"))
    assert run_cli("review", "--old", old, "--new", new, "--allowances", allow).code == 0


def test_pasting_the_hint_without_writing_a_reason_is_refused(
    run_cli: Callable[..., CliResult], two_tables_removed: tuple[Path, Path], tmp_path: Path
) -> None:
    old, new = two_tables_removed
    how = run_cli("review", "--old", old, "--new", new, "--format", "json").json()["reports"][0]["howToAllow"]
    allow = tmp_path / "allow.toml"
    allow.write_text(how["entries"])
    result = run_cli("review", "--old", old, "--new", new, "--allowances", allow)
    assert (result.code, "still has the placeholder reason" in result.err) == (2, True)


def test_markdown_hint_has_one_entry_per_logical_id(
    run_cli: Callable[..., CliResult], two_tables_removed: tuple[Path, Path]
) -> None:
    old, new = two_tables_removed
    out = run_cli("review", "--old", old, "--new", new, "--format", "markdown").out
    block = out.split("```toml\n", 1)[1].split("```", 1)[0]
    assert re.findall(r'logical_id = "(\w+)"', block) == ["TableA", "TableB"]


# --- JSON: one convention, its shape in --help, errors on stdout ---------------------------------------

CAMEL = re.compile(r"^[a-z]+(?:[A-Z][a-z0-9]*)*$")


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


@pytest.fixture
def rich_document(run_cli: Callable[..., CliResult], tmp_path: Path) -> dict[str, Any]:
    """A stage review with an assembly, a used and an unused allowance, a blocking finding and a hint."""
    cdk_out = write_assembly(tmp_path / "cdk.out", {"dev": RENAME.new.read_text()})
    folder = tmp_path / "baselines"
    folder.mkdir()
    (folder / "dev.template.json").write_text(RENAME.old.read_text())
    allow = tmp_path / "allow.toml"
    allow.write_text('[[allow]]\nlogical_id = "ApiFunction"\nstage = "dev"\nreason = "not needed"\n')
    result = run_cli(
        "review", "--stage", "dev", "--cdk-out", cdk_out, "--baselines", folder, "--allowances", allow,
        "--format", "json",
    )  # fmt: skip
    assert result.code == 1
    document: dict[str, Any] = result.json()
    report = document["reports"][0]
    assert (report["assembly"] is not None, report["howToAllow"] is not None, report["unusedAllowances"] != []) == (
        True,
        True,
        True,
    )
    return document


def test_review_json_keys_are_camel_case(rich_document: dict[str, Any]) -> None:
    assert sorted({key for key in _keys(rich_document) if not CAMEL.match(key)}) == []


def test_review_help_states_every_json_key(run_cli: Callable[..., CliResult], rich_document: dict[str, Any]) -> None:
    with pytest.raises(SystemExit):
        run_cli("review", "--help")
    from release_cli.commands import review

    help_text = review.__doc__ or ""
    missing = sorted({key for key in _keys(rich_document) if f'"{key}"' not in help_text})
    assert missing == []


def test_review_help_shows_the_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    from release_cli.cli import main

    with pytest.raises(SystemExit):
        main(["review", "--help"])
    out = capsys.readouterr().out
    assert "--format json prints one document (keys are camelCase" in out
    assert '"howToAllow": null | {"file", "stage", "logicalIds": [str]' in out


def test_review_input_error_in_json_mode_prints_the_error_object(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.json"
    result = run_cli("review", "--old", missing, "--new", REMOVE.new, "--format", "json")
    message = f"{missing}: template: no such file"
    assert (result.code, result.err, result.json()) == (
        2,
        f"error: {message}\n",
        {"error": {"message": message, "exitCode": 2}},
    )


# --- a change set's Remove stays a removal ------------------------------------------------------------


def test_change_set_remove_entry_maps_to_a_removal() -> None:
    change = change_from_api({"Action": "Remove", "LogicalResourceId": "T", "ResourceType": "AWS::DynamoDB::Table"})
    assert (change.action, change.notes) == (Action.REMOVE, [])


def test_a_nested_stacks_remove_of_a_table_is_a_removal_in_the_gate() -> None:
    """A nested stack's rows (``Parent/Child`` IDs) are in neither parent template, so the change set's own
    action is all the gate has: its Remove must stay a removal, never the Modify every other action maps to.
    moto's change sets never list a Remove for a resource the new template drops (seen: only the remaining
    resources, as Add), so botocore's Stubber plays DescribeChangeSet, as CloudFormation answers it."""
    import boto3
    from botocore.stub import Stubber

    from release_cli.review.changeset import ChangeSetTarget, review_change_set

    client = boto3.client("cloudformation", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stack, nested = "version-demo-dev", "arn:aws:cloudformation:us-east-1:123456789012:changeSet/nested/1"
    parent = {"Resources": {"Data": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "u1"}}}}
    changed = {"Resources": {"Data": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "u2"}}}}
    data_row = {"Action": "Modify", "LogicalResourceId": "Data", "ResourceType": "AWS::CloudFormation::Stack",
                "Replacement": "False", "ChangeSetId": nested}  # fmt: skip
    removed_row = {"Action": "Remove", "LogicalResourceId": "OrdersTable", "ResourceType": "AWS::DynamoDB::Table"}
    with Stubber(client) as stub:
        stub.add_response(
            "describe_change_set", {"Status": "CREATE_COMPLETE"}, {"ChangeSetName": "cs", "StackName": stack}
        )
        stub.add_response(
            "describe_change_set",
            {"Changes": [{"Type": "Resource", "ResourceChange": data_row}]},
            {"ChangeSetName": "cs", "StackName": stack, "IncludePropertyValues": True},
        )
        stub.add_response(
            "describe_change_set",
            {"Changes": [{"Type": "Resource", "ResourceChange": removed_row}]},
            {"ChangeSetName": nested, "IncludePropertyValues": True},
        )
        stub.add_response(
            "describe_stacks",
            {
                "Stacks": [
                    {"StackName": stack, "CreationTime": "2026-01-01T00:00:00Z", "StackStatus": "UPDATE_COMPLETE"}
                ]
            },
            {"StackName": stack},
        )
        stub.add_response("get_template", {"TemplateBody": json.dumps(parent)}, {"StackName": stack})
        stub.add_response(
            "get_template", {"TemplateBody": json.dumps(changed)}, {"StackName": stack, "ChangeSetName": "cs"}
        )
        report = review_change_set(
            client=client,
            target=ChangeSetTarget(stack_name=stack, change_set_name="cs"),
            label="nested",
            stage="dev",
            allowances=[],
        )
        stub.assert_no_pending_responses()
    assert [(c.logical_id, c.action) for c in report.changes] == [
        ("Data", Action.MODIFY),
        ("Data/OrdersTable", Action.REMOVE),
    ]
    assert [(f.kind, f.logical_ids) for f in report.blocking] == [("removal", ("Data/OrdersTable",))]
