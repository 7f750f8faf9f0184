"""The short slice of the lab that the default suite (and so ``.ci/run``) runs on the emulator: the dev stage
deployed by the real CDK CLI (the session's ``emulated_dev``), an invoke through its alias that runs the
real handler, and a promote that moves the alias for real and is audited. LAB.md runs the whole lab
(``-m lab``); this keeps the deploy + invoke + promote path in every run of the suite."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import ROOT, CliResult
from tests.emulator.conftest import EmulatedStage

pytestmark = pytest.mark.xdist_group("emulator")


@pytest.fixture
def dev_alias_put_back(emulator_env: EmulatedStage) -> Iterator[EmulatedStage]:
    """The session's deploy is shared: whatever a test does to the ``dev`` alias is undone after it."""
    lam = emulator_env.client("lambda")
    function = emulator_env.outputs["FunctionName"]
    before = lam.get_alias(FunctionName=function, Name="dev")
    yield emulator_env
    lam.update_alias(
        FunctionName=function, Name="dev", FunctionVersion=before["FunctionVersion"],
        RoutingConfig=before.get("RoutingConfig") or {"AdditionalVersionWeights": {}},
    )  # fmt: skip


def test_the_deployed_stack_says_what_it_published(emulated_dev: EmulatedStage) -> None:
    outputs = emulated_dev.outputs
    assert outputs["FunctionName"] == "dev-VersionedOrderAPI"
    assert outputs["NewVersion"] == "1"
    assert outputs["RolloutAliases"] == "none"
    # Version 1 is what the deploy published, from this checkout's code (other tests publish more).
    published = emulated_dev.client("lambda").get_function_configuration(
        FunctionName=outputs["FunctionName"], Qualifier="1"
    )
    version_file = (ROOT / "lambda_src" / "order_api" / "version.py").read_text()
    assert f'VERSION = "{published["Description"].removeprefix("v")}"' in version_file


def test_promote_moves_the_alias_and_the_invoke_runs_that_version(
    dev_alias_put_back: EmulatedStage, run_cli: Callable[..., CliResult]
) -> None:
    stage = dev_alias_put_back
    function = stage.outputs["FunctionName"]
    moved = run_cli("promote", "--stage", "dev", "--function", "order-api", "--alias", "dev", "--to", "1",
                    "--reason", "slice", "--json")  # fmt: skip
    assert moved.code == 0, moved.err
    assert (moved.json()["from"]["version"], moved.json()["to"]["version"]) == ("$LATEST", "1")
    assert stage.client("lambda").get_alias(FunctionName=function, Name="dev")["FunctionVersion"] == "1"
    audit = moved.json()["audit"]
    trail = stage.client("dynamodb").query(
        TableName=stage.outputs["AuditTableName"],
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"RELEASE#{function}#ALIAS#dev"}},
    )["Items"]
    written = [item for item in trail if item["recordId"] == {"S": audit["recordId"]}]
    assert [(item["fromVersion"], item["toVersion"]) for item in written] == [({"S": "$LATEST"}, {"S": "1"})]

    invoked = run_cli("invoke", "CreateOrderValid", "--stage", "dev", "--alias", "dev", "--json")
    assert invoked.code == 0, invoked.out + invoked.err
    document = invoked.json()
    assert (document["executedVersion"], document["statusCode"], document["matched"]) == ("1", 200, True)
    order_id = json.loads(document["response"]["body"])["orderId"]
    stored = stage.client("dynamodb").get_item(
        TableName=stage.outputs["OrdersTableName"], Key={"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": "ORDER"}}
    )
    # The order is really in the table (the worker may already have confirmed it from the stream).
    assert stored.get("Item", {}).get("customerId") == {"S": "CUST-001"}
