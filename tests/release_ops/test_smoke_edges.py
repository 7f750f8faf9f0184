"""Edges of invoke and smoke found by the reads-and-smoke mutation run: an Invoke that AWS refuses names
the function and alias it was invoking; a function that answers with JSON that is not an object is a
mismatch, not a crash; an all-success split's upper bound is exactly 1."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from botocore.response import StreamingBody

from release_cli.commands import invoke as invoke_command
from release_cli.commands import smoke as smoke_command
from release_cli.ops.split_stats import wilson_interval
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
