"""Edges of invoke, smoke and a stage's targets found by the reads-and-smoke mutation run: an Invoke that
AWS refuses names the function and alias it was invoking; a function that answers with JSON that is not
an object is a mismatch, not a crash; an all-success split's upper bound is exactly 1; a stage of several
functions needs --function and names their keys; each of a deployed stage's functions knows its stack."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from botocore.response import StreamingBody

from release_cli.commands import invoke as invoke_command
from release_cli.commands import smoke as smoke_command
from release_cli.ops.split_stats import wilson_interval
from tests.release_ops.conftest import REGION
from tests.release_ops.test_smoke_invoke import FUNCTION, events_dir, recorded, stubbed_context

__all__ = ["events_dir"]  # the fixture, used by name


def test_an_invoke_aws_refuses_names_what_it_was_invoking(monkeypatch: pytest.MonkeyPatch, run_cli: Any) -> None:
    stub = stubbed_context(monkeypatch, invoke_command, None)
    stub.add_client_error("invoke", service_error_code="AccessDeniedException", service_message="no InvokeFunction")
    result = run_cli("invoke", "--payload", "{}", "--function", FUNCTION, "--alias", "prod", "--yes")
    assert result.code == 2
    assert result.err.startswith(f"error: invoking {FUNCTION}:prod: AccessDeniedException: no InvokeFunction (")


def test_a_response_that_is_not_a_json_object_is_a_mismatch_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, run_cli: Any, events_dir: Path
) -> None:
    stub = stubbed_context(monkeypatch, smoke_command, {"version": "2"})
    payload = b"[]"
    stub.add_response("invoke", {"StatusCode": 200, "ExecutedVersion": "2",
                                 "Payload": StreamingBody(io.BytesIO(payload), len(payload))})  # fmt: skip
    stub.add_response("invoke", recorded("UnknownAction", "2"))
    result = run_cli("smoke", "--function", FUNCTION, "--alias", "prod", "--events-dir", events_dir, "--json")
    assert result.code == 1, result.err
    first, second = result.json()["results"]
    assert (first["event"], first["matched"]) == ("GetOrderStatusUnknown", False)
    assert (second["event"], second["matched"]) == ("UnknownAction", True)


@pytest.mark.parametrize("trials", [16, 40, 46])
def test_an_all_success_split_has_an_upper_bound_of_exactly_one(trials: int) -> None:
    """The Wilson bound for p = 1 is 1 in exact arithmetic; in floats it comes out at 1.0000000000000002
    for these trial counts, and the interval is clamped to [0, 1]."""
    low, high = wilson_interval(trials, trials)
    assert high == 1.0 and 0.0 < low < 1.0
    assert wilson_interval(0, trials)[0] == 0.0


def test_a_stage_of_several_functions_needs_function_and_names_their_keys(aws_env: str, run_cli: Any) -> None:
    result = run_cli("promote", "--stage", "prod", "--alias", "prod", "--to", "2", "--yes")
    assert result.code == 2
    assert result.err == "error: stage prod has 2 functions (order-api, order-worker): give --function KEY\n"


def test_each_function_of_a_deployed_stage_knows_its_stack(aws_env: str) -> None:
    from release_cli.ops.clients import AwsContext
    from release_cli.ops.target import targets_for_stage
    from tests.release_ops.conftest import prod_pair

    with prod_pair() as (api, worker):
        targets = targets_for_stage(AwsContext(region=REGION), "prod")
    assert [(t.function_key, t.function, t.audit_table) for t in targets] == [
        ("order-api", api.function, api.table), ("order-worker", worker.function, api.table)
    ]  # fmt: skip
    assert {(t.stack_name, t.stack_found, t.source) for t in targets} == {
        ("version-demo-prod", True, "stack version-demo-prod outputs")
    }


def test_a_function_named_with_stage_keeps_the_stages_stack_and_an_audit_table_given_wins(
    aws_env: str, stage_stack: Any, run_cli: Any
) -> None:
    """``--stage prod --function NAME``: the name wins over the stage's, but the target is still prod's,
    with prod's stack (its NewVersion is protected); ``--audit-table`` wins over the stack's table."""
    from tests.release_ops.conftest import create_pk_sk_table, new_lab

    lab = new_lab()
    for n in range(1, 5):
        lab.publish(f"code {n}")
    lab.alias("prod", "4")
    stage_stack("prod", lab, "2")
    named = run_cli("prune", "--stage", "prod", "--function", lab.function, "--keep", "1", "--apply", "--yes", "--json")
    assert named.code == 0, named.err
    assert named.json()["kept"][0] == {"version": "2", "reasons": ["stack version-demo-prod (NewVersion output)"]}
    assert named.json()["audit"]["stage"] == "prod" and lab.versions() == ["2", "4"]
    lab.publish("code 5")
    lab.publish("code 6")
    other = f"other-{lab.table}"
    create_pk_sk_table(lab.ddb, other)
    pruned = run_cli("prune", "--stage", "prod", "--function", "order-api", "--audit-table", other, "--keep", "1",
                     "--apply", "--yes", "--json")  # fmt: skip
    assert pruned.code == 0, pruned.err
    assert len(pruned.json()["audit"]["deletedVersions"]) == 1
    assert len(lab.audit_items()) == 1 and len(lab.ddb.scan(TableName=other)["Items"]) == 1
