"""Allowances: a dangerous change passes only when named with a reason, and the report says so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
