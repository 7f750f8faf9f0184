"""``release seed-data`` against a moto server: idempotent, never over a real order, prod only when told twice."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from release_cli.cli import main
from release_cli.seed_orders import KEPT, UNCHANGED, WRITTEN
from service_model import naming
from service_model.sample_data import load_orders

ORDER_ID = "ORD-2024-001"
KEY = {"PK": {"S": f"ORDER#{ORDER_ID}"}, "SK": {"S": "ORDER"}}


@pytest.fixture
def ddb(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """boto3 pointed at the moto server, and fresh orders tables for every stage."""
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = boto3.client("dynamodb", region_name="us-east-1")
    for stage in ("dev", "staging", "prod"):
        name = naming.table_name(stage, "orders")
        # not ListTables: one page holds 100 names, and the session's moto server has more
        with contextlib.suppress(client.exceptions.ResourceNotFoundException):
            client.delete_table(TableName=name)
        client.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "PK", "AttributeType": "S"},
                {"AttributeName": "SK", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
    return client


@pytest.fixture
def seed(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, Any, str]]:
    def run(*argv: str) -> tuple[int, Any, str]:
        capsys.readouterr()
        code = main(["seed-data", *argv])
        captured = capsys.readouterr()
        out = json.loads(captured.out) if "--json" in argv and code == 0 else captured.out
        return code, out, captured.err

    return run


def outcomes(out: Any) -> dict[str, str]:
    return {entry["orderId"]: entry["outcome"] for entry in out["orders"]}


@pytest.mark.parametrize("stage", ["dev", "staging"])
def test_writes_the_sample_order(ddb: Any, seed: Any, stage: str) -> None:
    code, out, _ = seed("--stage", stage, "--json")
    table = naming.table_name(stage, "orders")
    assert (code, out["table"], outcomes(out)[ORDER_ID]) == (0, table, WRITTEN)
    assert ddb.get_item(TableName=table, Key=KEY)["Item"] == load_orders()[0].as_item()


def test_a_second_run_changes_nothing(ddb: Any, seed: Any) -> None:
    seed("--stage", "dev")
    table = naming.table_name("dev", "orders")
    before = ddb.scan(TableName=table)["Items"]
    code, out, _ = seed("--stage", "dev", "--json")
    assert (code, outcomes(out)[ORDER_ID], ddb.scan(TableName=table)["Items"]) == (0, UNCHANGED, before)


def test_a_real_order_with_the_sample_id_is_never_overwritten(ddb: Any, seed: Any) -> None:
    table = naming.table_name("dev", "orders")
    real = {**KEY, "orderId": {"S": ORDER_ID}, "customerId": {"S": "REAL"}, "status": {"S": "PENDING"}}
    ddb.put_item(TableName=table, Item=real)
    code, out, err = seed("--stage", "dev", "--json")
    assert (code, outcomes(out)[ORDER_ID]) == (0, KEPT)
    assert ddb.get_item(TableName=table, Key=KEY)["Item"] == real
    assert "left untouched" in err


def test_an_outdated_sample_order_is_refreshed(ddb: Any, seed: Any, tmp_path: Path) -> None:
    # Sample data is ours to rewrite (it carries the mark): a changed file reaches the table on the next run.
    seed("--stage", "dev")
    document = json.loads((Path(__file__).resolve().parents[2] / "sample_data" / "orders.json").read_text())
    document["orders"][0]["status"] = "DELIVERED"
    changed = tmp_path / "orders.json"
    changed.write_text(json.dumps(document))
    code, out, _ = seed("--stage", "dev", "--sample-file", str(changed), "--json")
    item = ddb.get_item(TableName=naming.table_name("dev", "orders"), Key=KEY)["Item"]
    assert (code, outcomes(out)[ORDER_ID], item["status"]["S"]) == (0, WRITTEN, "DELIVERED")


@pytest.mark.parametrize("flags", [(), ("--allow-prod",), ("--yes",)], ids=["no-flag", "allow-prod-only", "yes-only"])
def test_prod_is_refused_unless_told_twice(ddb: Any, seed: Any, flags: tuple[str, ...]) -> None:
    code, _, err = seed("--stage", "prod", *flags)
    assert code == 2 and "--allow-prod and --yes" in err
    assert "Item" not in ddb.get_item(TableName=naming.table_name("prod", "orders"), Key=KEY)


def test_prod_told_twice_is_written(ddb: Any, seed: Any) -> None:
    code, out, _ = seed("--stage", "prod", "--allow-prod", "--yes", "--json")
    assert (code, outcomes(out)[ORDER_ID]) == (0, WRITTEN)


def test_a_missing_table_is_an_input_error_that_says_what_to_do(ddb: Any, seed: Any) -> None:
    code, _, err = seed("--stage", "dev", "--table", "no-such-table")
    assert code == 2 and "ResourceNotFoundException" in err and "deploy the stage first" in err


def test_no_stage_is_an_input_error(seed: Any) -> None:
    code, _, err = seed()
    assert code == 2 and "needs --stage" in err


def test_a_bad_sample_file_writes_nothing(ddb: Any, seed: Any, tmp_path: Path) -> None:
    bad = tmp_path / "orders.json"
    bad.write_text('{"orders": [{"orderId": "x"}]}')
    code, _, err = seed("--stage", "dev", "--sample-file", str(bad))
    assert code == 2 and "orders[0]" in err
    assert ddb.scan(TableName=naming.table_name("dev", "orders"))["Count"] == 0


def test_a_real_order_arriving_after_the_read_is_still_not_overwritten(ddb: Any) -> None:
    # The race the conditional write closes: the read saw no item, a real order was written since.
    from release_cli.seed_orders import seed_orders

    class ReadSeesNothing:
        def __getattr__(self, name: str) -> Any:
            return getattr(ddb, name)

        def get_item(self, **kwargs: Any) -> dict[str, Any]:
            return {}

    table = naming.table_name("dev", "orders")
    real = {**KEY, "orderId": {"S": ORDER_ID}, "customerId": {"S": "REAL"}, "status": {"S": "PENDING"}}
    ddb.put_item(TableName=table, Item=real)
    outcome = seed_orders(ReadSeesNothing(), table, load_orders())[0]
    assert (outcome.outcome, ddb.get_item(TableName=table, Key=KEY)["Item"]) == (KEPT, real)
