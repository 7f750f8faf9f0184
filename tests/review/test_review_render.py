"""The three output formats carry the same verdict and rows."""

from __future__ import annotations

from collections.abc import Callable

from tests.review.conftest import CliResult, corpus_pair, write_assembly

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
    assert out.splitlines()[1].split() == ["Action", "Logical", "ID", "Type", "Replacement", "Caused", "by", "Notes"]
    assert out.rstrip().endswith("(1 add, 1 modify, 1 remove)")
    assert "DANGER OrdersTable -> OrdersTableV2" in out


def test_stage_review_without_baseline_is_a_first_release(run_cli: Callable[..., CliResult], tmp_path) -> None:
    cdk_out = write_assembly(tmp_path / "cdk.out", {"dev": RENAME.new.read_text()})
    result = run_cli("review", "--stage", "dev", "--cdk-out", str(cdk_out), "--baselines", str(tmp_path / "b"))
    assert result.code == 0
    assert "first release, every resource is an Add" in result.out
