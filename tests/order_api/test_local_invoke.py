"""The local runner: tables and environment from the template, a Lambda-like context, every event run."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from release_cli.commands import local as local_command
from release_cli.local_invoke import (
    LocalInvokeError,
    create_table_arguments,
    function_spec,
    load_template,
    make_context,
    run_events,
    table_definitions,
    template_path,
)
from service_model.stages import stack_name
from service_model.test_events import load_events
from tests.conftest import ROOT, Synthesized
from tests.order_api.conftest import ORDERS, TEMPLATE


def test_table_properties_become_create_table_arguments(template: dict[str, Any]) -> None:
    args = create_table_arguments("OrdersTable", template["Resources"]["OrdersTable"]["Properties"])
    assert args == {
        "TableName": ORDERS,
        "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        "AttributeDefinitions": [
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        "TimeToLiveAttribute": "expiresAt",
    }


def test_provisioned_tables_keep_their_throughput() -> None:
    props = {**TEMPLATE["Resources"]["ConfigTable"]["Properties"], "BillingMode": "PROVISIONED"}
    props["ProvisionedThroughput"] = {"ReadCapacityUnits": 2, "WriteCapacityUnits": 1}
    assert create_table_arguments("T", props)["ProvisionedThroughput"] == {
        "ReadCapacityUnits": 2,
        "WriteCapacityUnits": 1,
    }


def test_unnamed_table_is_named_after_its_logical_id() -> None:
    props = {k: v for k, v in TEMPLATE["Resources"]["ConfigTable"]["Properties"].items() if k != "TableName"}
    assert create_table_arguments("ConfigTable", props)["TableName"] == "ConfigTable"


def test_index_properties_cloudformation_only_are_dropped() -> None:
    index = {
        "IndexName": "byCustomer",
        "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
        "ContributorInsightsSpecification": {"Enabled": True},
    }
    props = {**TEMPLATE["Resources"]["OrdersTable"]["Properties"], "GlobalSecondaryIndexes": [index]}
    assert "ContributorInsightsSpecification" not in create_table_arguments("T", props)["GlobalSecondaryIndexes"][0]


def test_function_environment_refs_resolve_to_table_names(template: dict[str, Any]) -> None:
    spec = function_spec(template, table_definitions(template))
    assert spec.environment == {
        "ORDERS_TABLE": "dev-version-demo-orders",
        "CONFIG_TABLE": "dev-version-demo-config",
        "AUDIT_TABLE": "dev-version-demo-audit",
        "STAGE": "dev",
    }


def test_template_without_tables_is_refused() -> None:
    with pytest.raises(LocalInvokeError, match="no AWS::DynamoDB::Table"):
        table_definitions({"Resources": {}})


def test_template_without_the_function_is_refused(template: dict[str, Any]) -> None:
    del template["Resources"]["OrderApiFunction"]  # the worker, with the same Handler, is still there
    with pytest.raises(LocalInvokeError, match=r"no AWS::Lambda::Function with FunctionName <stage>-VersionedOrderAPI"):
        function_spec(template, table_definitions(template))


def test_unresolvable_environment_value_is_refused(template: dict[str, Any]) -> None:
    variables = template["Resources"]["OrderApiFunction"]["Properties"]["Environment"]["Variables"]
    variables["STAGE"] = {"Fn::GetAtt": ["X", "Arn"]}
    with pytest.raises(LocalInvokeError, match="cannot resolve"):
        function_spec(template, table_definitions(template))


def test_context_has_version_and_alias_arn(template: dict[str, Any]) -> None:
    context = make_context(function_spec(template, table_definitions(template)), "prod", "12")
    assert (context.function_version, context.invoked_function_arn.split(":")[-2:]) == (
        "12",
        ["dev-VersionedOrderAPI", "prod"],
    )


def test_context_remaining_time_counts_down_like_lambdas(template: dict[str, Any]) -> None:
    context = make_context(function_spec(template, table_definitions(template)), "dev", "1")
    started_three_seconds_ago = replace(context, started=time.monotonic() - 3)
    assert 6900 <= started_three_seconds_ago.get_remaining_time_in_millis() <= 7000


def test_every_event_matches_its_expectation_locally(template: dict[str, Any]) -> None:
    results = run_events(load_events(), template, alias="dev")
    assert {result.name: result.problems for result in results if result.problems} == {}


def test_context_version_reaches_the_response(template: dict[str, Any]) -> None:
    event = next(e for e in load_events() if e.name == "GetOrderStatus")
    response = run_events([event], template, alias="dev", function_version="42")[0].response
    assert json.loads(response["body"])["functionVersion"] == "42"


def test_config_items_change_the_outcome(template: dict[str, Any]) -> None:
    event = next(e for e in load_events() if e.name == "CreateOrderTooManyItems")
    result = run_events([event], template, alias="dev", config_items={"maxItemsPerOrder": 30})[0]
    assert result.response["statusCode"] == 200 and not result.matched


def cli(tmp_path: Path, *argv: str) -> int:
    from release_cli.cli import build_parser

    path = tmp_path / "template.json"
    path.write_text(json.dumps(TEMPLATE))
    args = build_parser().parse_args(["local", "--template", str(path), "--quiet", *argv])
    return int(args.func(args))


def test_cli_exits_0_when_all_match(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(tmp_path, "--alias", "dev") == 0 and "0 did not" in capsys.readouterr().out


def test_cli_exits_1_on_a_mismatch(tmp_path: Path) -> None:
    events = tmp_path / "events"
    events.mkdir()
    wrong = {
        "name": "Wrong",
        "description": "expects the wrong status",
        "production_safe": False,
        "payload": {"action": "status", "orderId": "X"},
        "expected": {"statusCode": 200},
    }
    (events / "Wrong.json").write_text(json.dumps(wrong))
    assert cli(tmp_path, "--function", "order-api", "--alias", "dev", "--events-dir", str(events)) == 1


def test_cli_exits_2_on_an_unknown_event(tmp_path: Path) -> None:
    assert cli(tmp_path, "--alias", "dev", "NoSuchEvent") == 2


def test_cli_exits_2_on_a_missing_template(tmp_path: Path) -> None:
    args = local_command_args(["--template", str(tmp_path / "missing.json"), "--alias", "dev"])
    assert local_command.run(args) == 2


def local_command_args(argv: list[str]) -> Any:
    from release_cli.cli import build_parser

    return build_parser().parse_args(["local", *argv])


def test_fixture_tables_match_the_synthesized_template(synthesized: Synthesized) -> None:
    real = load_template(template_path("dev", cdk_out=synthesized.outdir))
    ours = {args["TableName"]: args for args in table_definitions(TEMPLATE).values()}
    assert {args["TableName"]: args for args in table_definitions(real).values()} == ours


def run_cli(tmp_path: Path, template_text: str, *argv: str) -> int:
    """``release local`` through the CLI's entry point, on a template file holding ``template_text``."""
    from release_cli.cli import main

    path = tmp_path / "template.json"
    path.write_text(template_text)
    return main(["local", "--template", str(path), "--alias", "dev", "--quiet", *argv])


def test_cli_names_the_table_and_property_when_key_schema_is_missing(
    tmp_path: Path, template: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    del template["Resources"]["OrdersTable"]["Properties"]["KeySchema"]
    assert run_cli(tmp_path, json.dumps(template)) == 2
    assert "table OrdersTable: property KeySchema is missing" in capsys.readouterr().err


def test_cli_refuses_a_resource_that_is_not_a_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(tmp_path, json.dumps({"Resources": {"T": "oops"}})) == 2
    assert "resource T has no Type" in capsys.readouterr().err


def test_cli_refuses_a_template_that_is_a_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(tmp_path, json.dumps([TEMPLATE])) == 2
    assert "top level is not a mapping" in capsys.readouterr().err


def test_cli_reads_a_yaml_template(tmp_path: Path) -> None:
    import yaml

    assert run_cli(tmp_path, yaml.safe_dump(TEMPLATE), "GetOrderStatus") == 0


def test_missing_template_message_names_the_synth_command(tmp_path: Path) -> None:
    with pytest.raises(LocalInvokeError, match=r"run `scripts/cdk synth` \(or `bash scripts/setup\.sh`\) first"):
        load_template(tmp_path / "missing.json")


def test_default_template_is_the_stacks_in_cdk_out_like_the_other_commands() -> None:
    assert template_path("staging") == ROOT / "cdk.out" / f"{stack_name('staging')}.template.json"
