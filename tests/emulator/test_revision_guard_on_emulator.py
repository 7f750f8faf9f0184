"""The alias-move guard against a real stale RevisionId: the emulator, like Lambda, refuses an UpdateAlias
whose RevisionId is not the alias's latest (moto never does, so test_guards_stubbed answers it with
botocore's Stubber). The CLI maps that refusal to "alias ... changed since it was read", exit 1.

Only the update step is exercised (``alias_move._update_alias``, the CLI's one UpdateAlias call):
a whole ``release promote`` first lists CodeDeploy deployments, which the emulator does not have.
"""

from __future__ import annotations

import uuid

import pytest

from release_cli.ops.alias_move import _update_alias
from release_cli.ops.clients import AwsContext
from release_cli.ops.errors import EXIT_REFUSED, RefusedError
from release_cli.ops.lambda_reads import get_alias
from release_cli.ops.route_rules import Route
from tests.emulator.conftest import EmulatedStage

pytestmark = pytest.mark.xdist_group("emulator")


def test_an_alias_moved_since_it_was_read_is_refused_by_its_revision_and_stays_where_it_was_moved(
    emulator_env: EmulatedStage,
) -> None:
    lam = emulator_env.client("lambda")
    function = emulator_env.outputs["FunctionName"]
    deployed = emulator_env.outputs["NewVersion"]
    alias = f"guard-twin-{uuid.uuid4().hex[:8]}"
    mark = f"guard twin {alias}"
    lam.update_function_configuration(FunctionName=function, Description=mark)
    other = str(lam.publish_version(FunctionName=function, Description=mark)["Version"])
    lam.create_alias(FunctionName=function, Name=alias, FunctionVersion=deployed)
    try:
        ctx = AwsContext(region=emulator_env.environment["AWS_REGION"])
        before = get_alias(ctx, function, alias)  # what the move decides on
        moved = lam.update_alias(FunctionName=function, Name=alias, FunctionVersion=other)  # someone else
        assert moved["RevisionId"] != before.revision_id
        update = {"FunctionName": function, "Name": alias, **Route(other, {deployed: 0.1}).request(),
                  "RevisionId": before.revision_id}  # fmt: skip
        with pytest.raises(RefusedError) as refused:
            _update_alias(ctx, update)
        assert str(refused.value) == (
            f"alias {alias} changed since it was read (RevisionId {before.revision_id}): someone or something "
            "else moved it; nothing was changed. Run release status and decide again"
        )
        assert refused.value.exit_code == EXIT_REFUSED
        now = lam.get_alias(FunctionName=function, Name=alias)
        assert (now["FunctionVersion"], now["RevisionId"]) == (other, moved["RevisionId"])
        assert not now.get("RoutingConfig", {}).get("AdditionalVersionWeights")  # the refused weights are not there

        fresh = get_alias(ctx, function, alias)  # read again: the same update goes through
        after = _update_alias(ctx, {**update, "RevisionId": fresh.revision_id})
        assert (after.version, after.weights) == (other, {deployed: 0.1})
    finally:
        lam.delete_alias(FunctionName=function, Name=alias)
