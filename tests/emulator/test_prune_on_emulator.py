"""``release prune --apply`` when an alias takes a version between the prune's alias read and its delete:
the emulator answers DeleteFunction as Lambda does (409 ResourceConflictException, "referenced by an
alias"; moto deletes it), and the prune skips that version, deletes the rest, and records only what it
deleted. The twin of test_guards_stubbed's Stubber-answered prune conflict, through the whole command.

The test publishes its own versions and makes its own alias; the move behind the prune's back is a
``before-call`` hook on the CLI's DeleteFunction (tests/release_ops/aws_hooks.py), made with a separate
client, so the request still goes to the emulator and its answer is the emulator's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import CliResult
from tests.emulator.conftest import EmulatedStage
from tests.release_ops.aws_hooks import hook_cli_clients

pytestmark = pytest.mark.xdist_group("emulator")


@pytest.fixture
def own_versions(emulated_dev: EmulatedStage) -> Iterator[list[str]]:
    """Three versions this test publishes (oldest first) and an alias of its own at the deployed version."""
    lam = emulated_dev.client("lambda")
    function = emulated_dev.outputs["FunctionName"]
    numbers = []
    for index in range(3):
        mark = f"prune twin {uuid.uuid4().hex[:8]} {index}"
        lam.update_function_configuration(FunctionName=function, Description=mark)
        numbers.append(str(lam.publish_version(FunctionName=function, Description=mark)["Version"]))
    assert len(set(numbers)) == 3, numbers
    yield numbers


def test_a_version_an_alias_takes_before_its_delete_is_skipped_on_the_real_409_and_not_recorded(
    emulator_env: EmulatedStage,
    run_cli: Callable[..., CliResult],
    own_versions: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    taken, deleted, newest = own_versions
    lam = emulator_env.client("lambda")
    function = emulator_env.outputs["FunctionName"]
    alias = f"prune-twin-{uuid.uuid4().hex[:8]}"
    lam.create_alias(FunctionName=function, Name=alias, FunctionVersion=emulator_env.outputs["NewVersion"])
    moved: list[str] = []

    def take_it(params: dict[str, Any], **_: Any) -> None:
        """Just before the CLI deletes ``taken`` (its aliases already read), an alias takes it."""
        if params.get("query_string", {}).get("Qualifier") == taken and not moved:
            lam.update_alias(FunctionName=function, Name=alias, FunctionVersion=taken)
            moved.append(taken)

    hook_cli_clients(monkeypatch, {"before-call.lambda.DeleteFunction": take_it})
    try:
        result = run_cli("prune", "--stage", "dev", "--function", "order-api", "--keep", "1", "--apply", "--yes",
                         "--reason", "emulator twin", "--json")  # fmt: skip
        assert moved == [taken], "the prune never tried to delete the version the alias took"
        assert result.code == 0, result.out + result.err
        document = result.json()
        (skipped,) = [note for note in document["skipped"] if note.startswith(f"{taken}: ")]
        assert "referenced by an alias" in skipped, skipped  # the emulator's own 409 message, reported
        assert deleted in document["deleted"] and taken not in document["deleted"]
        assert newest not in document["deleted"]
        assert taken not in document["audit"]["deletedVersions"]
        assert deleted in document["audit"]["deletedVersions"]
        left = {v["Version"] for v in lam.list_versions_by_function(FunctionName=function)["Versions"]}
        assert {taken, newest} <= left and deleted not in left
    finally:
        lam.delete_alias(FunctionName=function, Name=alias)
