"""Allowances: a dangerous change passes only when named with a reason, and the report says so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.review.conftest import CliResult, corpus_pair

REPLACED = corpus_pair("replacement")


def _allow(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "allow.toml"
    path.write_text(body)
    return path


def test_dangerous_change_without_allowance_exits_1(run_cli: Callable[..., CliResult]) -> None:
    assert run_cli("review", "--old", str(REPLACED.old), "--new", str(REPLACED.new)).code == 1


def test_allowance_naming_the_logical_id_passes_and_is_printed(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    allow = _allow(
        tmp_path, '[[allow]]\nlogical_id = "OrdersTable"\nreason = "table renamed on purpose, data migrated"\n'
    )
    result = run_cli("review", "--old", str(REPLACED.old), "--new", str(REPLACED.new), "--allowances", str(allow))
    assert result.code == 0
    assert "allowance: table renamed on purpose, data migrated" in result.out


def test_allowance_for_another_stage_does_not_apply(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    allow = _allow(tmp_path, '[[allow]]\nlogical_id = "OrdersTable"\nstage = "dev"\nreason = "dev only"\n')
    argv = ["review", "--old", str(REPLACED.old), "--new", str(REPLACED.new), "--allowances", str(allow)]
    assert run_cli(*argv, "--stage", "prod").code == 1


def test_allowance_without_reason_is_an_input_error(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    allow = _allow(tmp_path, '[[allow]]\nlogical_id = "OrdersTable"\nreason = " "\n')
    result = run_cli("review", "--old", str(REPLACED.old), "--new", str(REPLACED.new), "--allowances", str(allow))
    assert (result.code, "needs a non-empty reason" in result.err) == (2, True)


def test_rename_is_allowed_by_either_logical_id(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    pair = corpus_pair("rename")
    allow = _allow(tmp_path, '[[allow]]\nlogical_id = "OrdersTableV2"\nreason = "moved with a data import"\n')
    assert run_cli("review", "--old", str(pair.old), "--new", str(pair.new), "--allowances", str(allow)).code == 0


def _review_with(run_cli: Callable[..., CliResult], allow: Path, *extra: str) -> CliResult:
    return run_cli("review", "--old", str(REPLACED.old), "--new", str(REPLACED.new), "--allowances", str(allow), *extra)


@pytest.mark.parametrize("stage_args", [(), ("--stage", "prod")])
def test_misspelled_stage_is_an_input_error_naming_file_and_entry(
    stage_args: tuple[str, ...], run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    body = '[[allow]]\nlogical_id = "ApiRole"\nreason = "ok"\n\n[[allow]]\nlogical_id = "OrdersTable"\nstage = "prd"\n'
    allow = _allow(tmp_path, body + 'reason = "prod data migrated"\n')
    result = _review_with(run_cli, allow, *stage_args)
    assert (result.code, result.out) == (2, "")
    assert f"{allow}: allowance 2 (OrdersTable): unknown stage 'prd'; valid stages: dev, staging, prod" in result.err


def test_unknown_key_is_an_input_error(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    # ``stag`` silently ignored would allow the change on every stage instead of one.
    allow = _allow(tmp_path, '[[allow]]\nlogical_id = "OrdersTable"\nstag = "dev"\nreason = "dev only"\n')
    result = _review_with(run_cli, allow, "--stage", "prod")
    assert (result.code, result.out) == (2, "")
    assert f"{allow}: allowance 1 (OrdersTable): unknown key 'stag'" in result.err


def test_unknown_top_level_key_is_an_input_error(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    allow = _allow(tmp_path, '[[allows]]\nlogical_id = "OrdersTable"\nreason = "plural by mistake"\n')
    result = _review_with(run_cli, allow)
    assert (result.code, f"{allow}: unknown top-level key 'allows'" in result.err) == (2, True)


@pytest.mark.parametrize("reason", ['reason = ""\n', 'reason = "  "\n', ""])
def test_empty_or_missing_reason_is_an_input_error(
    reason: str, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    allow = _allow(tmp_path, '[[allow]]\nlogical_id = "OrdersTable"\n' + reason)
    result = _review_with(run_cli, allow)
    assert (result.code, f"{allow}: allowance 1 (OrdersTable) needs a non-empty reason" in result.err) == (2, True)


def test_logical_id_matching_nothing_reviewed_is_an_input_error(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    allow = _allow(tmp_path, '[[allow]]\nlogical_id = "OrdersTabel"\nreason = "typo in the ID"\n')
    result = _review_with(run_cli, allow)
    assert (result.code, result.out) == (2, "")
    assert f"{allow}, allowance 1: logical_id 'OrdersTabel' matches no resource in the templates reviewed" in result.err


def test_logical_id_of_an_unchanged_resource_is_accepted_and_reported_unused(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    # ApiRole is in both templates but not dangerous: a real ID, so the file is fine; the report says it went unused.
    allow = _allow(tmp_path, '[[allow]]\nlogical_id = "OrdersTable"\nreason = "migrated"\n\n')
    allow.write_text(allow.read_text() + '[[allow]]\nlogical_id = "ApiRole"\nreason = "kept for the next release"\n')
    result = _review_with(run_cli, allow)
    assert (result.code, "unused allowance: ApiRole (kept for the next release)" in result.out) == (0, True)


def test_allowance_for_a_stage_not_reviewed_is_not_checked_against_other_stages(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    allow = _allow(tmp_path, '[[allow]]\nlogical_id = "OnlyInDev"\nstage = "dev"\nreason = "dev table"\n')
    assert _review_with(run_cli, allow, "--stage", "prod").code == 1  # the danger, not an input error
    assert _review_with(run_cli, allow, "--stage", "dev").code == 2  # dev reviewed: the ID must be there


def test_logical_id_in_only_the_old_template_counts_as_reviewed(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    pair = corpus_pair("remove")
    allow = _allow(tmp_path, '[[allow]]\nlogical_id = "OrdersTable"\nreason = "table retired, data exported"\n')
    assert run_cli("review", "--old", str(pair.old), "--new", str(pair.new), "--allowances", str(allow)).code == 0
