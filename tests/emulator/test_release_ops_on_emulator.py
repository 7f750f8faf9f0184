"""``release invoke``, ``smoke`` and ``seed-data`` against the dev stage deployed to the local emulator, which
runs the real handlers behind the alias: the twins of tests/release_ops' Stubber-answered invoke and
smoke tests (moto runs no handler without Docker), with what those cannot show: the version that
really ran is the one the alias points to, and the order really is in the table.

dev's ``dev`` alias points to ``$LATEST`` (stages.toml), so each invoke also runs through an alias the
test makes at the deployed version (``pinned_alias``): an executed version that merely echoed
``$LATEST`` could not pass there.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import CliResult
from tests.emulator.conftest import EmulatedStage

pytestmark = pytest.mark.xdist_group("emulator")

SAMPLE_ORDER = "ORD-2024-001"
"""The seed's sample order (sample_data/orders.json) the GetOrderStatus event reads."""


def _alias_version(stage: EmulatedStage, alias: str = "dev") -> str:
    answer = stage.client("lambda").get_alias(FunctionName=stage.outputs["FunctionName"], Name=alias)
    return str(answer["FunctionVersion"])


@pytest.fixture
def pinned_alias(emulated_dev: EmulatedStage) -> Iterator[str]:
    """An alias of the Order API at the deployed version (not ``$LATEST``), this test's own; deleted after."""
    name = f"twin-{uuid.uuid4().hex[:8]}"
    lam = emulated_dev.client("lambda")
    function = emulated_dev.outputs["FunctionName"]
    lam.create_alias(FunctionName=function, Name=name, FunctionVersion=emulated_dev.outputs["NewVersion"])
    try:
        yield name
    finally:
        lam.delete_alias(FunctionName=function, Name=name)


@pytest.mark.parametrize("alias", ["dev", "pinned"])
def test_invoke_runs_the_version_the_alias_points_to_and_the_order_is_in_the_table(
    emulator_env: EmulatedStage, run_cli: Callable[..., CliResult], pinned_alias: str, alias: str
) -> None:
    alias = pinned_alias if alias == "pinned" else alias
    result = run_cli("invoke", "CreateOrderValid", "--stage", "dev", "--alias", alias, "--json")
    assert result.code == 0, result.out + result.err
    document = result.json()
    assert document["matched"] is True, document["problems"]
    assert (document["statusCode"], document["functionError"]) == (200, None)
    body = json.loads(document["response"]["body"])
    # What the emulator says ran, and what the handler itself says (its context's function_version).
    assert document["executedVersion"] == body["functionVersion"] == _alias_version(emulator_env, alias)
    order_id = body["orderId"]
    item = emulator_env.client("dynamodb").get_item(
        TableName=emulator_env.outputs["OrdersTableName"], Key={"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": "ORDER"}}
    )
    assert (item["Item"]["orderId"]["S"], item["Item"]["customerId"]["S"]) == (order_id, "CUST-001")
    assert "expiresAt" in item["Item"]  # a smokeTest order expires by TTL


@pytest.mark.parametrize("alias", ["dev", "pinned"])
def test_smoke_runs_every_production_safe_event_and_names_each_executed_version(
    emulator_env: EmulatedStage, run_cli: Callable[..., CliResult], pinned_alias: str, alias: str
) -> None:
    chosen = ["--alias", pinned_alias] if alias == "pinned" else []  # default: the stage's trigger alias, dev
    result = run_cli("smoke", "--stage", "dev", "--function", "order-api", *chosen, "--json")
    assert result.code == 0, result.out + result.err
    document = result.json()
    assert document["ok"] is True, document
    assert document["results"], "smoke ran no event"
    ran = {entry["executedVersion"] for entry in document["results"]}
    assert ran == {_alias_version(emulator_env, pinned_alias if alias == "pinned" else "dev")}, document["results"]
    assert (document["versionNotReported"], document["unexpectedVersions"]) == (0, []), document


def test_seeded_sample_order_is_what_get_order_status_reads(
    emulator_env: EmulatedStage, run_cli: Callable[..., CliResult]
) -> None:
    """The sample order is removed first (another test may have seeded it): this seed writes it."""
    table = emulator_env.outputs["OrdersTableName"]
    emulator_env.client("dynamodb").delete_item(
        TableName=table, Key={"PK": {"S": f"ORDER#{SAMPLE_ORDER}"}, "SK": {"S": "ORDER"}}
    )
    missing = run_cli("invoke", "GetOrderStatus", "--stage", "dev", "--alias", "dev", "--json")
    assert missing.code == 1 and missing.json()["matched"] is False, missing.out + missing.err
    seeded = run_cli("seed-data", "--stage", "dev", "--json")
    assert seeded.code == 0, seeded.err
    assert {"orderId": SAMPLE_ORDER, "outcome": "written"} in seeded.json()["orders"]
    result = run_cli("invoke", "GetOrderStatus", "--stage", "dev", "--alias", "dev", "--json")
    assert result.code == 0, result.out + result.err
    assert result.json()["matched"] is True, result.json()["problems"]
