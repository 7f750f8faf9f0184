"""``release local`` on the worker: its stream records through its own handler, on local tables from
the template, judged by the shared matcher; and a bare ``release local`` on a stage of two functions."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from release_cli.local_invoke import LocalFunction, function_spec, run_events, table_definitions, template_path
from service_model.project import SOURCE_ROOT
from service_model.test_events import load_events
from tests.conftest import CliResult, Synthesized
from tests.order_api.conftest import TEMPLATE
from tests.order_worker.conftest import EVENTS_DIR

WORKER = LocalFunction("dev-OrderWorker", SOURCE_ROOT / "lambda_src" / "order_worker")
WORKER_EVENTS = [event.name for event in load_events(EVENTS_DIR)]
API_EVENTS = [event.name for event in load_events(SOURCE_ROOT / "test_events")]


@pytest.fixture
def template_file(tmp_path: Path) -> Callable[..., Path]:
    """The CDK-shaped test template (both functions) in a file, changed by ``edit`` first if given."""

    def write(edit: Callable[[dict[str, Any]], None] | None = None) -> Path:
        template = json.loads(json.dumps(TEMPLATE))
        if edit:
            edit(template)
        path = tmp_path / "template.json"
        path.write_text(json.dumps(template))
        return path

    return write


def test_the_workers_events_run_through_the_workers_handler(
    template_file: Callable[..., Path], run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("local", "--function", "order-worker", "--template", template_file(), "--json")
    assert result.code == 0, result.err
    document = result.json()  # the worker's JSON log line per batch went to stderr, not into the report
    assert [r["name"] for r in document] == WORKER_EVENTS
    assert all(r["verdict"] == "match" for r in document), document
    by_name = {r["name"]: r for r in document}
    assert by_name["ModifySkipped"]["response"] == {"batchItemFailures": []}
    assert by_name["MalformedRecordFailsRest"]["response"] == {"batchItemFailures": [
        {"itemIdentifier": "100000000000000000004"}, {"itemIdentifier": "100000000000000000005"}]}  # fmt: skip
    assert '"message":"order worker batch"' in result.err
    assert "function order-worker (dev-OrderWorker), alias dev" in result.err


def test_a_worker_expectation_it_does_not_meet_is_a_mismatch(
    template_file: Callable[..., Path], run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    document = json.loads((EVENTS_DIR / "ModifySkipped.json").read_text())
    document["expected"] = {"batchItemFailures": [{"itemIdentifier": "100000000000000000002"}]}
    event = tmp_path / "wrong.json"
    event.write_text(json.dumps(document))
    result = run_cli("local", "--function", "dev-OrderWorker", "--template", template_file(), "-e", event, "--quiet")
    assert result.code == 1
    assert "MISMATCH ModifySkipped" in result.out and "batchItemFailures: expected" in result.out


def test_the_workers_environment_is_its_own_resources(template_file: Callable[..., Path]) -> None:
    """Both functions have Handler handler.lambda_handler: the worker is found by its FunctionName."""
    spec = function_spec(TEMPLATE, table_definitions(TEMPLATE), WORKER)
    assert (spec.name, spec.environment, spec.memory_mb) == (
        "dev-OrderWorker", {"ORDERS_TABLE": "dev-version-demo-orders", "STAGE": "dev"}, 128)  # fmt: skip


def test_the_worker_reads_its_orders_table_from_its_environment() -> None:
    """ORDERS_TABLE comes from the worker's resource: pointed at another (empty) table, the pending order
    of InsertPendingOrderConfirmed is not found there and is skipped, where with the real one it is
    confirmed (put into the table first: the sample data does not hold it)."""
    event = next(e for e in load_events(EVENTS_DIR) if e.name == "InsertPendingOrderConfirmed")
    template = json.loads(json.dumps(TEMPLATE))
    image = event.payload["Records"][0]["dynamodb"]["NewImage"]
    results = _run_after_put(template, event, image)
    assert results == "CONFIRMED"
    template["Resources"]["OrderWorkerFunction"]["Properties"]["Environment"]["Variables"]["ORDERS_TABLE"] = {
        "Ref": "AuditTable"
    }
    assert _run_after_put(template, event, image) == "PENDING"


def _run_after_put(template: dict[str, Any], event: Any, image: dict[str, Any]) -> str:
    """The order's status in the orders table after the worker ran ``event`` (the order put there first)."""
    from release_cli.local_invoke import invoke, local_aws, make_context

    with local_aws(template, sample_data=False, function=WORKER) as spec:
        import boto3

        client = boto3.client("dynamodb", region_name="us-east-1")
        client.put_item(TableName="dev-version-demo-orders", Item=image)
        assert invoke(event, make_context(spec, "dev", "$LATEST"), spec).matched
        item = client.get_item(TableName="dev-version-demo-orders", Key={"PK": image["PK"], "SK": image["SK"]})
        return str(item["Item"]["status"]["S"])


def test_running_the_worker_leaves_the_order_apis_modules_alone() -> None:
    """The worker's handler.py and version.py share the Order API's module names: loading the worker
    must neither replace nor shadow them."""
    import handler  # the Order API's, as its tests and release serve import it

    before = {name: sys.modules.get(name) for name in ("handler", "version")}
    path = list(sys.path)
    run_events(load_events(EVENTS_DIR)[:1], TEMPLATE, alias="dev", function=WORKER)
    assert {name: sys.modules.get(name) for name in ("handler", "version")} == before
    assert Path(handler.__file__ or "").parent.name == "order_api"
    assert sys.path == path


def test_without_function_every_function_runs_grouped_with_a_total(
    template_file: Callable[..., Path], run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("local", "--template", template_file(), "--quiet")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "== order-api (dev-VersionedOrderAPI), alias dev"
    assert f"order-api: {len(API_EVENTS)} matched, 0 did not" in lines
    assert "== order-worker (dev-OrderWorker), alias dev" in lines
    assert f"order-worker: {len(WORKER_EVENTS)} matched, 0 did not" in lines
    assert lines[-1] == f"total, 2 functions: {len(API_EVENTS) + len(WORKER_EVENTS)} matched, 0 did not"


def test_without_function_one_functions_failure_fails_the_run(
    template_file: Callable[..., Path], run_cli: Callable[..., CliResult]
) -> None:
    """The worker without its ORDERS_TABLE raises on every batch: each event fails, the Order API's still
    pass, the exit code is 1 and the JSON document says whose."""

    def no_orders_table(template: dict[str, Any]) -> None:
        del template["Resources"]["OrderWorkerFunction"]["Properties"]["Environment"]["Variables"]["ORDERS_TABLE"]

    result = run_cli("local", "--template", template_file(no_orders_table), "--json")
    assert result.code == 1, result.err
    document = result.json()
    assert document["ok"] is False
    assert [(f["key"], f["function"], f["alias"], f["ok"]) for f in document["functions"]] == [
        ("order-api", "dev-VersionedOrderAPI", "dev", True),
        ("order-worker", "dev-OrderWorker", "dev", False),
    ]
    worker = document["functions"][1]["results"]
    assert [r["name"] for r in worker] == WORKER_EVENTS
    assert all(r["problems"][0].startswith("the function raised MisconfiguredError") for r in worker)
    assert worker[0]["response"]["errorType"] == "MisconfiguredError"


def test_named_events_run_on_the_function_whose_folder_holds_them(
    template_file: Callable[..., Path], run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("local", "ModifySkipped", "GetOrderStatus", "--template", template_file(), "--quiet")
    assert result.code == 0, result.err
    verdicts = [line.split()[:2] for line in result.out.splitlines() if line.startswith("MATCH")]
    assert verdicts == [["MATCH", "GetOrderStatus"], ["MATCH", "ModifySkipped"]]  # grouped in stages.toml order
    unknown = run_cli("local", "NoSuchEvent", "--template", template_file())
    assert unknown.code == 2
    assert "unknown event(s) NoSuchEvent; known: order-api: " in unknown.err and "order-worker: " in unknown.err


@pytest.mark.parametrize("option", [["-e", "x.json"], ["--events-dir", "."]])
def test_a_file_or_folder_without_function_is_refused(
    option: list[str], template_file: Callable[..., Path], run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("local", "--template", template_file(), *option)
    assert result.code == 2
    assert "stage dev has 2 functions (order-api, order-worker)" in result.err
    assert "needs --function KEY" in result.err and not result.out


def test_a_function_the_template_lacks_is_named_before_anything_runs(
    template_file: Callable[..., Path], run_cli: Callable[..., CliResult]
) -> None:
    def without_worker(template: dict[str, Any]) -> None:
        del template["Resources"]["OrderWorkerFunction"]

    result = run_cli("local", "--template", template_file(without_worker))
    assert result.code == 2 and not result.out  # the Order API did not run first
    assert "no AWS::Lambda::Function with FunctionName dev-OrderWorker" in result.err


def test_an_unknown_function_lists_the_keys(
    template_file: Callable[..., Path], run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("local", "--function", "order-report", "--template", template_file())
    assert result.code == 2
    assert "unknown function 'order-report'; functions: order-api (dev-VersionedOrderAPI), order-worker" in result.err


def test_the_workers_events_run_on_the_synthesized_template(
    synthesized: Synthesized, run_cli: Callable[..., CliResult]
) -> None:
    """The real template: both functions with Handler handler.lambda_handler, the worker's own environment."""
    template = template_path("dev", cdk_out=synthesized.outdir)
    result = run_cli("local", "--stage", "dev", "--function", "order-worker", "--template", template, "--json")
    assert result.code == 0, result.err
    by_name = {r["name"]: r for r in result.json()}
    assert list(by_name) == WORKER_EVENTS and all(r["verdict"] == "match" for r in by_name.values())
    assert len(by_name["MalformedRecordFailsRest"]["response"]["batchItemFailures"]) == 2


def test_a_named_order_api_event_runs_on_the_synthesized_template(
    synthesized: Synthesized, run_cli: Callable[..., CliResult]
) -> None:
    template = template_path("dev", cdk_out=synthesized.outdir)
    result = run_cli("local", "GetOrderStatusUnknown", "--stage", "dev", "--template", template, "--quiet")
    assert result.code == 0, result.err
    assert "MATCH    GetOrderStatusUnknown" in result.out and "== order-worker" not in result.out
