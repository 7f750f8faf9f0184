"""Real change sets, read with boto3 from a local moto server.

moto models change sets only partly (FACTS, moto here): it reports Add / Modify / Remove but never
Replacement, and GetTemplate ignores ChangeSetName. The review then classifies replacement offline
from the deployed template and the synthesized one (``--cdk-out``), and says so in the report.
Seen on moto 5.2.5: a resource already in the stack is listed as Add, not Modify.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import CliResult
from tests.review.conftest import write_assembly

_RUN = uuid.uuid4().hex[:8]
"""Table names are global in the shared moto server: suffix them per test run."""


def _template(*, table_name: str, queue: bool = False) -> dict[str, Any]:
    resources: dict[str, Any] = {
        "OrdersTable": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "TableName": f"{table_name}-{_RUN}",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
            },
        }
    }
    if queue:
        resources["Jobs"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
    return {"Resources": resources}


def _prepare(aws: Any, tmp_path: Path, *, old: dict[str, Any], new: dict[str, Any]) -> tuple[str, Path]:
    """Create a stack from ``old`` and a change set to ``new``; write ``new`` where synth would."""
    stack = f"version-demo-dev-{uuid.uuid4().hex[:8]}"
    aws.create_stack(StackName=stack, TemplateBody=json.dumps(old))
    aws.create_change_set(StackName=stack, ChangeSetName=f"cs-{stack}", TemplateBody=json.dumps(new))
    cdk_out = write_assembly(tmp_path / "cdk.out", {"dev": json.dumps(new)})
    return stack, cdk_out


def _review(run_cli: Callable[..., CliResult], stack: str, cdk_out: Path) -> CliResult:
    argv = ["review", "--stage", "dev", "--change-set", f"cs-{stack}", "--stack-name", stack, "--format", "json"]
    return run_cli(*argv, "--cdk-out", str(cdk_out))


def test_change_set_rows_come_from_the_change_set(aws: Any, run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    stack, cdk_out = _prepare(aws, tmp_path, old=_template(table_name="t1"), new=_template(table_name="t1-v2"))
    changes = _review(run_cli, stack, cdk_out).json()["reports"][0]["changes"]
    assert [(c["logicalId"], c["action"], c["source"]) for c in changes] == [("OrdersTable", "Modify", "change-set")]


def test_replacement_moto_omits_is_filled_in_offline_and_gates(
    aws: Any, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    stack, cdk_out = _prepare(aws, tmp_path, old=_template(table_name="t2"), new=_template(table_name="t2-v2"))
    result = _review(run_cli, stack, cdk_out)
    change = result.json()["reports"][0]["changes"][0]
    assert (result.code, change["replacement"]) == (1, "True")
    assert any("offline classifier" in note for note in change["notes"])


def test_safe_change_set_exits_0(aws: Any, run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    stack, cdk_out = _prepare(aws, tmp_path, old=_template(table_name="t3"), new=_template(table_name="t3", queue=True))
    result = _review(run_cli, stack, cdk_out)
    # moto also lists the unchanged table as Add (a moto quirk the report notes); the gate is unaffected.
    assert result.code == 0
    assert ("Jobs", "Add") in [(c["logicalId"], c["action"]) for c in result.json()["reports"][0]["changes"]]


def test_unclassifiable_modify_of_a_table_is_danger(
    aws: Any, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    stack, _ = _prepare(aws, tmp_path, old=_template(table_name="t4"), new=_template(table_name="t4-v2"))
    result = _review(run_cli, stack, cdk_out=tmp_path / "no-synth")
    assert result.code == 1
    assert [f["kind"] for f in result.json()["reports"][0]["findings"]] == ["unknown-replacement"]


def test_missing_change_set_is_an_input_error(aws: Any, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("review", "--stage", "dev", "--change-set", "no-such-change-set")
    assert (result.code, "describing change set no-such-change-set" in result.err) == (2, True)
