"""``release promote`` refused by a real stale RevisionId: the alias moves behind the CLI's back after the
CLI read it and before its UpdateAlias, and the emulator, like Lambda, refuses that UpdateAlias (moto
never does, so test_guards_stubbed answers it with botocore's Stubber). The whole command runs: dev's
``RolloutAliases`` output says its aliases have no rollout, so the move does not ask CodeDeploy, which
the emulator does not have.

The alias is the test's own (dev's output lists none with a rollout, so it is left out too); the move
behind the CLI's back is a ``before-call`` hook on the CLI's UpdateAlias (tests/release_ops/aws_hooks.py)
made with a separate client, so the CLI's request still goes to the emulator and is answered by it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from release_cli.ops.audit_log import partition_key
from release_cli.ops.errors import EXIT_REFUSED
from tests.conftest import CliResult
from tests.emulator.conftest import EmulatedStage
from tests.release_ops.aws_hooks import hook_cli_clients

pytestmark = pytest.mark.xdist_group("emulator")


@pytest.fixture
def own_alias(emulated_dev: EmulatedStage) -> Iterator[tuple[str, str]]:
    """(an alias of the Order API at the deployed version, a version published for the test to promote)."""
    lam = emulated_dev.client("lambda")
    function = emulated_dev.outputs["FunctionName"]
    name = f"move-twin-{uuid.uuid4().hex[:8]}"
    lam.update_function_configuration(FunctionName=function, Description=name)
    published = str(lam.publish_version(FunctionName=function, Description=name)["Version"])
    lam.create_alias(FunctionName=function, Name=name, FunctionVersion=emulated_dev.outputs["NewVersion"])
    try:
        yield name, published
    finally:
        lam.delete_alias(FunctionName=function, Name=name)


def _records(stage: EmulatedStage, alias: str) -> list[dict[str, Any]]:
    key = partition_key(stage.outputs["FunctionName"], alias)
    answer = stage.client("dynamodb").query(
        TableName=stage.outputs["AuditTableName"],
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": key}},
    )
    return list(answer["Items"])


def test_promote_of_an_alias_moved_since_it_was_read_is_refused_and_records_nothing(
    emulator_env: EmulatedStage,
    run_cli: Callable[..., CliResult],
    own_alias: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alias, published = own_alias
    lam = emulator_env.client("lambda")
    function = emulator_env.outputs["FunctionName"]
    sent: list[str] = []

    def move_behind_its_back(params: dict[str, Any], **_: Any) -> None:
        """Once: after the CLI read the alias, someone else points it at $LATEST (a new RevisionId)."""
        if alias in params.get("url_path", "") and not sent:
            sent.append(alias)
            lam.update_alias(FunctionName=function, Name=alias, FunctionVersion="$LATEST")

    hook_cli_clients(monkeypatch, {"before-call.lambda.UpdateAlias": move_behind_its_back})
    promote = ("promote", "--stage", "dev", "--function", "order-api", "--alias", alias, "--to", published,
               "--yes", "--reason", "emulator twin", "--json")  # fmt: skip
    refused = run_cli(*promote)
    assert sent, "the CLI never sent its UpdateAlias"
    assert refused.code == EXIT_REFUSED, refused.out + refused.err
    message = refused.json()["error"]["message"]
    assert message.startswith(f"alias {alias} changed since it was read (RevisionId "), message
    assert "nothing was changed. Run release status and decide again" in message
    assert lam.get_alias(FunctionName=function, Name=alias)["FunctionVersion"] == "$LATEST"  # the other move stands
    assert _records(emulator_env, alias) == []

    moved = run_cli(*promote)  # read again (the hook has had its one turn): the same promote goes through
    assert moved.code == 0, moved.out + moved.err
    assert lam.get_alias(FunctionName=function, Name=alias)["FunctionVersion"] == published
    (record,) = _records(emulator_env, alias)
    assert (record["fromVersion"]["S"], record["toVersion"]["S"]) == ("$LATEST", published)
