"""What ``release status`` prints, for live states moto cannot produce (a CodeDeploy deployment in
progress, the account's code storage, drift of every kind): the text a person reads and the
``--json`` document a tool reads, whole. ``collect_status`` is replaced by the state to show, so no
AWS endpoint is involved; the moto tests in test_status.py cover how that state is read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from release_cli.commands import status as status_command
from release_cli.ops.deployments import Deployment
from release_cli.ops.drift import Drift
from release_cli.ops.lambda_reads import AliasState, CodeStorage, Version
from release_cli.ops.status_report import Status
from release_cli.ops.target import Target
from tests.release_ops.cli_help import help_text

GB = 1024**3


def version(n: int) -> Version:
    return Version(str(n), f"v1.{n}.0", str(n) * 44, 1536 * n, f"2024-01-0{n % 10}T00:00:00.000+0000")


def busy_status() -> Status:
    """Three versions, a canary on prod that CodeDeploy is shifting, storage known, two drifts."""
    return Status(
        target=Target("fn-x", None, source="--function"),
        versions=[version(n) for n in (1, 2, 3)],
        aliases=[AliasState("prod", "2", {"3": 0.1}, "rev-p"), AliasState("staging", "3", {}, "rev-s")],
        storage=CodeStorage(30 * GB, 75 * GB),
        live_deployments=[Deployment("d-ABC", "InProgress", "app", "grp", "fn-x", "prod", "2", "3")],
        drift=[
            Drift("staging", "moved", "new (2)", "3", ("target = 3",), "3", {}, True, ""),
            Drift("hotfix", "undeclared", "-", "1", note="not in stages.toml: CloudFormation does not manage it"),
        ],
        drift_checked=True,
    )


def quiet_status(count: int, *, drift_checked: bool) -> Status:
    """``count`` versions no alias uses, nothing in progress, storage unknown, no drift."""
    return Status(
        target=Target("fn-q", None, stage="dev", source="stack version-demo-dev"),
        versions=[version(n) for n in range(1, count + 1)],
        aliases=[],
        storage=CodeStorage(None, None, note="unknown (GetAccountSettings: not available at this endpoint)"),
        live_deployments=[],
        drift_checked=drift_checked,
    )


@pytest.fixture
def show(monkeypatch: pytest.MonkeyPatch, run_cli):
    """``release status ARGS`` showing ``state`` (no AWS call)."""

    def run(state: Status, *args: object):
        monkeypatch.setattr(status_command, "collect_status", lambda *_: state)
        return run_cli("status", "--function", state.target.function, *args)

    return run


BUSY_TEXT = """\
function fn-x (--function)

versions: 3 published, newest 2 shown
version  description  sha256        size    modified                      aliases
3        v1.3.0       333333333333  4.5 KB  2024-01-03T00:00:00.000+0000  prod, staging
2        v1.2.0       222222222222  3.0 KB  2024-01-02T00:00:00.000+0000  prod

aliases:
alias    version  route
prod     2        2 @ 90% + 3 @ 10%
staging  3        3

versions no alias uses: 1
code storage: this function's versions 9.0 KB; account: 30.0 GB of 75.0 GB (40.0%)

CodeDeploy deployments in progress:
deployment  status      alias  from  to
d-ABC       InProgress  prod   2     3

drift from stages.toml:
alias    kind        declared  live
staging  moved       new (2)   3
hotfix   undeclared  -         1
  to make the next deploy agree, set in alias 'staging': target = 3
  hotfix: not in stages.toml: CloudFormation does not manage it
"""


def test_text_shows_versions_aliases_storage_deployments_and_drift(show) -> None:
    result = show(busy_status(), "--versions", "2")
    assert (result.code, result.out) == (0, BUSY_TEXT)


def test_fail_on_drift_exits_1_on_what_the_drift_section_lists(show) -> None:
    assert show(busy_status(), "--fail-on-drift").code == 1
    assert show(quiet_status(1, drift_checked=True), "--fail-on-drift").code == 0


def test_one_newest_version_is_shown_when_asked_for_one(show) -> None:
    result = show(busy_status(), "--versions", "1")
    assert "versions: 3 published, newest 1 shown\nversion " in result.out
    assert "\n3        v1.3.0" in result.out and "v1.2.0" not in result.out


def test_json_is_the_whole_state(show) -> None:
    document = show(busy_status(), "--json").json()
    assert sorted(document) == sorted(
        ["key", "function", "stage", "source", "stackVersion", "versions", "aliases", "unusedVersions",
         "functionCodeBytes", "codeStorage", "deployments", "driftChecked", "drift", "pinned"]
    )  # fmt: skip
    assert document["stackVersion"] is None  # no stack: named with --function
    assert document["key"] is None  # a name, not a stages.toml key
    assert document["codeStorage"] == {"usedBytes": 30 * GB, "limitBytes": 75 * GB, "note": ""}
    assert document["functionCodeBytes"] == 1536 * (1 + 2 + 3)
    assert document["deployments"] == [
        {"id": "d-ABC", "status": "InProgress", "alias": "prod", "currentVersion": "2", "targetVersion": "3"}
    ]
    assert document["versions"][2] == {
        "version": "3",
        "description": "v1.3.0",
        "codeSha256": "3" * 44,
        "codeSize": 4608,
        "lastModified": "2024-01-03T00:00:00.000+0000",
        "aliases": ["prod", "staging"],
    }
    assert document["aliases"][0] == {"name": "prod", "version": "2", "weights": {"3": 0.1}, "revisionId": "rev-p"}
    assert (document["function"], document["stage"], document["source"]) == ("fn-x", None, "--function")
    assert (document["unusedVersions"], document["driftChecked"], document["pinned"]) == (["1"], True, [])
    assert [d["alias"] for d in document["drift"]] == ["staging", "hotfix"]


def test_nothing_in_progress_storage_unknown_and_no_drift(show) -> None:
    result = show(quiet_status(2, drift_checked=True))
    assert result.out.endswith(
        "versions no alias uses: 1, 2\n"
        "code storage: this function's versions 4.5 KB; account: unknown (GetAccountSettings: not available at "
        "this endpoint)\n"
        "CodeDeploy deployments in progress: none\n"
        "drift: none (live aliases match stages.toml)\n"
    )
    assert "function fn-q (stack version-demo-dev)\n" in result.out
    unchecked = show(quiet_status(2, drift_checked=False))
    assert unchecked.out.endswith("drift: not checked (give --stage to compare with stages.toml)\n")


def test_an_alias_that_uses_every_version_leaves_none_unused(show) -> None:
    state = quiet_status(2, drift_checked=False)
    state.aliases = [AliasState("live", "2", {"1": 0.5})]
    assert "versions no alias uses: none\n" in show(state).out


def test_a_long_unused_list_is_cut_after_30_with_the_count(show) -> None:
    thirty = show(quiet_status(30, drift_checked=False)).out
    assert f"versions no alias uses: {', '.join(str(n) for n in range(1, 31))}\n" in thirty
    many = show(quiet_status(31, drift_checked=False)).out
    assert f"versions no alias uses: {', '.join(str(n) for n in range(1, 31))}, ... (31 in all)\n" in many


def test_pin_without_stage_is_refused_before_any_aws_call(run_cli) -> None:
    result = run_cli("status", "--function", "fn", "--pin")
    assert (result.code, result.out) == (2, "")
    assert "--pin writes the stage's entry in stages.toml: give --stage" in result.err


def test_a_named_stages_file_is_checked_even_without_a_stage(run_cli, tmp_path: Path) -> None:
    broken = tmp_path / "stages.toml"
    broken.write_text("[stages.qa]\n", encoding="utf-8")
    result = run_cli("status", "--function", "fn", "--stages-file", broken)  # no AWS endpoint: it stops first
    assert result.code == 2 and "stages.qa: unknown stage" in result.err


def test_help_explains_every_option_and_the_command_list_names_status(capsys) -> None:
    text = help_text(capsys, "status")
    for option, explained in (
        ("--versions VERSIONS", "newest versions to list in the table, 0 or more (JSON: all) (default: 20)"),
        ("--pin", "write the live aliases into stages.toml (needs --stage)"),
        ("--fail-on-drift", "exit 1 when the drift section lists any alias (moved, missing, undeclared, unknown)"),
        ("--stages-file STAGES_FILE", "stages file to compare with (default: the project's)"),
        ("--json", "print one JSON document"),
    ):
        assert f"{option} {explained}" in text
    assert "release status: what is live for each function, and where it drifts from stages.toml." in text
    assert "status versions, aliases, storage, deployments and drift" in help_text(capsys)


def test_versions_takes_a_whole_number(run_cli) -> None:
    result = run_cli("status", "--function", "fn", "--versions", "some")
    assert result.code == 2 and "--versions" in result.err and "invalid int value" in result.err


def test_storage_usage_without_a_limit_is_shown_without_a_share(show) -> None:
    state = quiet_status(1, drift_checked=False)
    state.storage = CodeStorage(3 * 1024**2, 0)  # GetAccountSettings answered without AccountLimit
    assert "; account: 3.0 MB (no limit reported)\n" in show(state).out


def test_status_of_a_named_function_does_not_read_the_projects_stages_toml(
    show, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # mid-edit stages.toml in the checkout: status --function (no --stage, no --stages-file) does not need it
    (tmp_path / "cdk.json").write_text("{}", encoding="utf-8")
    (tmp_path / "stages.toml").write_text("[stages.qa]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = show(quiet_status(1, drift_checked=False))
    assert result.code == 0, result.err
    assert "drift: not checked" in result.out
