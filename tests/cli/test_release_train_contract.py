"""The release train's CLI contract: the JSON its ``--help`` states (promote --all, rollback --release,
audit --release), camelCase keys, the error object of a failed release, and its exit codes (0 done or
dry run, 1 refused, 2 bad input or a release that failed and was put back).

The train's document is stated in ``release promote --help`` ("With --all, --json prints {...}"),
which ``release rollback --help`` points at for ``--release``; audit's records are the list its
``--help`` states. Documents come from a real train against the session's moto server.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cli.harness import Outcome, run_release
from tests.cli.json_shape import documented_shape, shape_text
from tests.cli.test_json_convention import non_camel_keys, shape_mismatches
from tests.release_ops.aws_hooks import deny_update_alias_of, hook_cli_clients
from tests.release_ops.conftest import Lab, prod_pair

TRAIN = ("promote", "--stage", "prod", "--all", "--from-alias", "staging")
TRAIN_SHAPE_LEAD = "With --all, --json prints"


def doc(command: str) -> str:
    return importlib.import_module(f"release_cli.commands.{command}").__doc__ or ""


def train_shape() -> Any:
    """The release document promote's --help states for --all (parsed as json_shape parses any shape)."""
    text = " ".join(doc("promote").replace("``", "").split())
    assert TRAIN_SHAPE_LEAD in text, "release promote --help no longer states the --all JSON shape"
    stated = shape_text("--json: " + text.split(TRAIN_SHAPE_LEAD, 1)[1])
    assert stated is not None
    return documented_shape("--json: " + stated)


@pytest.fixture
def service(aws_env: str) -> Iterator[tuple[Lab, Lab]]:
    with prod_pair() as pair:
        yield pair


def ok(result: Outcome) -> Any:
    assert result.code == 0, result.err
    return result.json()


def test_rollback_help_points_at_the_train_document() -> None:
    assert "release promote --help describes for --all" in " ".join(doc("rollback").replace("``", "").split())
    assert train_shape() == {
        "releaseId": None,
        "action": None,
        "dryRun": None,
        "moves": [
            dict.fromkeys(
                ["function", "alias", "action", "from", "to", "changed", "dryRun", "calls", "audit",
                 "stoppedDeployments"]
            )
        ],
    }  # fmt: skip


def test_the_train_documents_have_the_stated_shape_and_camel_case_keys(service: tuple[Lab, Lab]) -> None:
    planned = ok(run_release(*TRAIN, "--dry-run", "--json"))
    done = ok(run_release(*TRAIN, "--yes", "--json"))
    undone = ok(run_release("rollback", "--stage", "prod", "--release", done["releaseId"], "--yes", "--json"))
    listed = ok(run_release("audit", "--stage", "prod", "--release", done["releaseId"], "--json"))
    assert planned["dryRun"] is True and done["dryRun"] is False and undone["action"] == "rollback"
    assert len(listed) == 2 and {r["releaseId"] for r in listed} == {done["releaseId"]}
    for document in (planned, done, undone):
        assert shape_mismatches(train_shape(), document) == []
    assert shape_mismatches(documented_shape(doc("audit")), listed) == []
    assert [key for d in (planned, done, undone, listed) for key in non_camel_keys(d)] == []


def test_a_failed_release_prints_the_error_object_with_what_was_put_back(
    service: tuple[Lab, Lab], monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = service[1]

    deny_worker = deny_update_alias_of(worker.function)

    hook_cli_clients(monkeypatch, {"before-call.lambda.UpdateAlias": deny_worker})
    result = run_release(*TRAIN, "--yes", "--json")
    assert result.code == 2 and result.err.startswith("release ")  # the release id comes first
    assert set(result.json()) == {"error"}
    error = result.json()["error"]
    assert error["exitCode"] == 2 and "order-api: alias prod put back to 1 (audited)" in error["message"]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (("promote", "--all", "--alias", "prod"), "--stage"),
        (("promote", "--stage", "prod", "--all", "--function", "order-api"), "--function"),
        (("promote", "--stage", "prod", "--all", "--to", "2"), "--to"),
        (("promote", "--stage", "prod", "--all", "--stop-deployment"), "deployments"),
        (("promote", "--stage", "prod", "--function", "order-api"), "--alias"),
        (("rollback", "--stage", "prod", "--release", "20000101T000000Z-000000", "--yes"), "20000101T000000Z-000000"),
        (("rollback", "--release", "20000101T000000Z-000000"), "--stage"),
        (("rollback", "--stage", "prod", "--release", "x", "--stop-deployment"), "deployments"),
        (("rollback", "--stage", "prod", "--function", "order-api", "--alias", "prod", "--force"), "--force"),
        (("audit", "--stage", "prod", "--release", "x", "--function", "order-api"), "--function"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else None,
)
def test_bad_train_input_is_exit_2_naming_it(service: tuple[Lab, Lab], argv: tuple[str, ...], named: str) -> None:
    for mode in ((), ("--json",)):
        result = run_release(*argv, *mode)
        assert result.code == 2, result.err
        assert result.err.startswith("error:") and named in result.err and "Traceback" not in result.err
        if mode:
            assert result.json()["error"]["exitCode"] == 2


def test_a_refused_release_is_exit_1_and_nothing_moves(service: tuple[Lab, Lab]) -> None:
    api, worker = service
    worker.lam.update_alias(FunctionName=worker.function, Name="staging", FunctionVersion="$LATEST")
    result = run_release(*TRAIN, "--yes", "--json")
    assert result.code == 1 and result.json()["error"]["exitCode"] == 1
    assert (api.state("prod"), worker.state("prod")) == (("1", {}), ("1", {}))


def test_production_without_a_terminal_needs_yes(service: tuple[Lab, Lab], monkeypatch: pytest.MonkeyPatch) -> None:
    """One question for the whole release; without a terminal and --yes it is refused before any move."""
    api, worker = service
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    result = run_release(*TRAIN)
    assert result.code == 1 and "needs --yes" in result.err
    assert (api.state("prod"), worker.state("prod")) == (("1", {}), ("1", {}))
