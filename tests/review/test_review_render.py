"""The three output formats carry the same verdict and rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from release_cli.review.model import Allowance
from release_cli.review.rows import change_rows
from tests.conftest import CliResult
from tests.review.conftest import corpus_pair, write_assembly

RENAME = corpus_pair("rename")
ARGS = ("review", "--old", str(RENAME.old), "--new", str(RENAME.new))


def test_json_lists_changes_and_the_blocking_finding(run_cli: Callable[..., CliResult]) -> None:
    document = run_cli(*ARGS, "--format", "json").json()
    report = document["reports"][0]
    assert document["safe"] is False
    assert [f["kind"] for f in report["findings"]] == ["rename"]
    assert {c["action"] for c in report["changes"]} == {"Add", "Modify", "Remove"}


def test_markdown_is_a_table_with_a_danger_section(run_cli: Callable[..., CliResult]) -> None:
    out = run_cli(*ARGS, "--format", "markdown").out
    assert "| Action | Logical ID | Type | Replacement | Caused by | Notes |" in out
    assert "**Danger**" in out
    assert "`OrdersTable -> OrdersTableV2`" in out


def test_table_shows_console_columns_and_verdict(run_cli: Callable[..., CliResult]) -> None:
    out = run_cli(*ARGS).out
    header = next(line for line in out.splitlines() if line.startswith("Action"))  # the title may wrap
    assert header.split() == ["Action", "Logical", "ID", "Type", "Replacement", "Caused", "by", "Notes"]
    assert out.rstrip().endswith("(1 add, 1 modify, 1 remove)")
    assert "DANGER OrdersTable -> OrdersTableV2" in out


def test_rename_note_says_it_once_with_both_ids(run_cli: Callable[..., CliResult]) -> None:
    out = run_cli(*ARGS).out
    rows = [line for line in out.splitlines() if line.startswith(("Remove ", "Add "))]
    assert len(rows) == 2
    for row in rows:
        assert row.endswith("DANGER: rename (OrdersTable -> OrdersTableV2)")
        assert row.count("rename") == 1


def test_both_findings_of_a_rename_without_retain_show_on_its_rows() -> None:
    report = corpus_pair("rename_retain_removed").review()
    notes = {row[1]: row[5] for row in change_rows(report)}
    expected = "DANGER: rename, retain-removed (OrdersTable -> OrdersTableV2)"
    assert (notes["OrdersTable"], notes["OrdersTableV2"]) == (expected, expected)


def test_allowed_and_blocked_findings_on_one_row_say_which_is_which() -> None:
    report = corpus_pair("rename_retain_removed").review()
    report.findings[0].allowance = Allowance(logical_id="OrdersTable", reason="moved on purpose")
    notes = {row[1]: row[5] for row in change_rows(report)}
    assert notes["OrdersTable"] == "DANGER: retain-removed; ALLOWED: rename (OrdersTable -> OrdersTableV2)"


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_both_findings_reach_table_and_markdown(fmt: str, run_cli: Callable[..., CliResult]) -> None:
    pair = corpus_pair("rename_retain_removed")
    out = run_cli("review", "--old", str(pair.old), "--new", str(pair.new), "--format", fmt).out
    assert " ".join(out.split()).count("DANGER: rename, retain-removed (OrdersTable -> OrdersTableV2)") == 2


def _long_id_templates(tmp_path: Path) -> tuple[Path, Path]:
    """CDK-length logical IDs and types: a removed table, a replaced one (fixed name), a long Lambda version."""
    table = {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "orders", "KeySchema": [{"A": 1}]}}
    scaling = {"Type": "AWS::ApplicationAutoScaling::ScalableTarget", "Properties": {"MaxCapacity": 1}}
    long_id = "VersionDemoProdServiceTablesOrdersTableWithAVeryLongConstructPath0123456789ABCDEF"
    old = {"Resources": {long_id: table, "ScalingTargetForTheOrdersTableReadCapacityUnits1A2B3C4D": scaling}}
    new_table = {**table, "Properties": {"TableName": "orders", "KeySchema": [{"B": 2}]}}
    new = {"Resources": {long_id: new_table, "ScalingTargetForTheOrdersTableReadCapacityUnits1A2B3C4D": scaling}}
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    old_path.write_text(json.dumps(old))
    new_path.write_text(json.dumps(new))
    return old_path, new_path


def test_table_fits_120_columns_and_wraps_instead_of_cutting(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    old, new = _long_id_templates(tmp_path)
    out = run_cli("review", "--old", str(old), "--new", str(new), "--stage", "prod").out
    document = run_cli("review", "--old", str(old), "--new", str(new), "--stage", "prod", "--format", "json").json()
    assert max(len(line) for line in out.splitlines()) <= 120
    assert "…" not in out
    words = " ".join(out.split())
    for change in document["reports"][0]["changes"]:
        for note in change["notes"]:
            assert all(word in words for word in note.split())
    message = document["reports"][0]["findings"][0]["message"]
    assert " ".join(message.split()) in words.replace(" ", " ")  # wrapped lines re-join to the whole message


def test_table_rows_wider_than_120_wrap_their_notes_cell(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    old, new = _long_id_templates(tmp_path)
    lines = run_cli("review", "--old", str(old), "--new", str(new)).out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Action "))
    notes_at = lines[header].index("Notes")
    row = next(i for i, line in enumerate(lines) if line.startswith("Modify  VersionDemo"))
    continuation = lines[row + 1]
    assert continuation[:notes_at].strip() != "" or continuation[notes_at:].strip() != ""
    assert len(lines[row]) <= 120


def test_danger_says_which_file_and_fields_allow_it(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    allow = tmp_path / "allow.toml"
    allow.write_text("")
    out = run_cli(*ARGS, "--stage", "dev", "--allowances", str(allow)).out
    assert f"to allow a change on purpose, add these entries to {allow} (one per logical ID) " in " ".join(out.split())
    assert '    logical_id = "OrdersTable"' in out
    assert '    stage = "dev"' in out
    assert "    reason = " in out


def test_json_says_how_to_allow_only_when_something_blocks(run_cli: Callable[..., CliResult]) -> None:
    blocked = run_cli(*ARGS, "--format", "json").json()["reports"][0]["howToAllow"]
    assert blocked["logicalIds"] == ["OrdersTable"]
    assert (blocked["requiredFields"], blocked["optionalFields"]) == (["logical_id", "reason"], ["stage"])
    add = corpus_pair("add")
    safe = run_cli("review", "--old", str(add.old), "--new", str(add.new), "--format", "json").json()
    assert safe["reports"][0]["howToAllow"] is None


def test_stage_review_without_baseline_is_a_first_release_only_when_asked(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    cdk_out = write_assembly(tmp_path / "cdk.out", {"dev": RENAME.new.read_text()})
    argv = ("review", "--stage", "dev", "--cdk-out", str(cdk_out), "--baselines", str(tmp_path / "b"))
    result = run_cli(*argv, "--first-release")
    assert result.code == 0
    assert "--first-release: every resource is an Add" in " ".join(result.out.split())
