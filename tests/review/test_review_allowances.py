# ruff: noqa: E501 -- messages are pinned whole, one literal each
"""Allowances: a dangerous change passes only when named with a reason, and the report says so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from release_cli.review.errors import ReviewInputError
from tests.conftest import CliResult
from tests.review.conftest import corpus_pair

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


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("allow = 3\n", "{path}: 'allow' must be an array of tables ([[allow]])"),
        ("allow = [3]\n", "{path}: allowance 1 is not a table"),
        ('[[allow]]\nreason = "r"\n', "{path}: allowance 1 needs logical_id (the logical ID of the resource to allow)"),
        (
            '[[allow]]\nlogical_id = ""\nreason = "r"\n',
            "{path}: allowance 1 needs logical_id (the logical ID of the resource to allow)",
        ),
        (
            '[[allow]]\nlogical_id = 5\nreason = "r"\n',
            "{path}: allowance 1 needs logical_id (the logical ID of the resource to allow)",
        ),
        (
            '[[allow]]\nlogical_id = "OrdersTable"\nreason = "r"\nwhy = 1\nstag = "dev"\n',
            "{path}: allowance 1 (OrdersTable): unknown key 'stag', 'why'; an allowance has logical_id, stage (optional) and reason",
        ),
        (
            '[[allow]]\nlogical_id = "OrdersTable"\nreason = ""\n',
            "{path}: allowance 1 (OrdersTable) needs a non-empty reason (why losing this data is intended)",
        ),
        (
            '[[allow]]\nlogical_id = "OrdersTable"\nreason = "r"\nstage = 1\n',
            "{path}: allowance 1 (OrdersTable) has a stage that is not a string",
        ),
        (
            '[[allow]]\nlogical_id = "OrdersTable"\nreason = "r"\nstage = "prd"\n',
            "{path}: allowance 1 (OrdersTable): unknown stage 'prd'; valid stages: dev, staging, prod (omit stage to allow on every stage)",
        ),
        ("x = 1\ny = 2\n[[allow]]\n", "{path}: unknown top-level key 'x', 'y'; the file holds only [[allow]] entries"),
        ("[[allow]\n", "{path}: invalid TOML: "),
        (
            '[[allow]]\nlogical_id = "Nope"\nreason = "r"\n',
            "{path}, allowance 1: logical_id 'Nope' matches no resource in the templates reviewed ({label}); fix the "
            "spelling (the IDs are the keys of the template's Resources) or delete the entry",
        ),
    ],
)
def test_allowance_file_errors_in_full(
    body: str, message: str, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    allow = _allow(tmp_path, body)
    result = _review_with(run_cli, allow)
    label = f"{REPLACED.old} -> {REPLACED.new}"
    expected = "error: " + message.format(path=allow, label=label)
    assert result.code == 2
    assert result.err.strip() == expected or (message.endswith(": ") and result.err.startswith(expected))


def test_missing_named_allowance_file_is_an_input_error(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = _review_with(run_cli, tmp_path / "absent.toml")
    assert (result.code, result.err.strip()) == (2, f"error: {tmp_path / 'absent.toml'}: allowance file: no such file")


def test_every_allowance_is_checked_not_only_the_first(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    body = '[[allow]]\nlogical_id = "ApiRole"\nreason = "r"\n\n[[allow]]\nlogical_id = "Nope"\nreason = "r"\n'
    result = _review_with(run_cli, _allow(tmp_path, body))
    assert (result.code, "allowance 2: logical_id 'Nope'" in result.err) == (2, True)


def test_an_allowance_for_every_stage_applies_to_a_stage_review(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    allow = _allow(tmp_path, '[[allow]]\nlogical_id = "OrdersTable"\nreason = "migrated"\n')
    assert _review_with(run_cli, allow, "--stage", "prod").code == 0


def test_one_allowance_covers_every_finding_on_its_id(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    pair = corpus_pair("rename_retain_removed")
    allow = _allow(tmp_path, '[[allow]]\nlogical_id = "OrdersTable"\nreason = "moved, data imported"\n')
    document = run_cli(
        "review", "--old", str(pair.old), "--new", str(pair.new), "--allowances", str(allow), "--format", "json"
    ).json()
    report = document["reports"][0]
    assert (document["safe"], [f["allowed"] for f in report["findings"]], report["unusedAllowances"]) == (
        True,
        [True, True],
        [],
    )


def test_unmatched_allowance_lists_every_report_it_was_checked_against() -> None:
    from release_cli.review.allowances import check_allowances_match
    from release_cli.review.model import Allowance, Report

    reports = [Report(label=f"stage {s}", changes=[], findings=[], stage=s) for s in ("dev", "prod")]
    with pytest.raises(ReviewInputError) as caught:
        check_allowances_match(allowances=[Allowance(logical_id="X", reason="r")], reports=reports)
    assert str(caught.value).startswith(
        "allowance: logical_id 'X' matches no resource in the templates reviewed (stage dev; stage prod); "
    )
