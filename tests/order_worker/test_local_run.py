"""``release local --function order-worker``: the worker's own events through the worker's handler, on
local tables built from the synthesized dev template, judged by the shared matcher."""

from __future__ import annotations

import json

import pytest

from release_cli.cli import main
from release_cli.local_invoke import template_path
from tests.conftest import Synthesized


def test_the_workers_events_run_through_the_workers_handler(
    synthesized: Synthesized, capsys: pytest.CaptureFixture[str]
) -> None:
    template = template_path("dev", cdk_out=synthesized.outdir)
    code = main(["local", "--stage", "dev", "--function", "order-worker", "--template", str(template), "--json"])
    out = capsys.readouterr().out
    document = json.loads(out[out.index("[\n") :])  # the worker logs a JSON line per batch before the report
    assert code == 0, document
    by_name = {result["name"]: result for result in document}
    assert set(by_name) == {"InsertPendingOrderConfirmed", "InsertUnknownOrderSkipped", "MalformedRecordFailsRest",
                            "ModifySkipped"}  # fmt: skip
    assert all(result["verdict"] == "match" for result in document)
    assert by_name["ModifySkipped"]["response"] == {"batchItemFailures": []}
    assert len(by_name["MalformedRecordFailsRest"]["response"]["batchItemFailures"]) == 2


def test_the_order_api_still_runs_by_default_and_an_unknown_key_is_named(
    synthesized: Synthesized, capsys: pytest.CaptureFixture[str]
) -> None:
    template = str(template_path("dev", cdk_out=synthesized.outdir))
    assert main(["local", "GetOrderStatusUnknown", "--stage", "dev", "--template", template, "--quiet"]) == 0
    assert "MATCH    GetOrderStatusUnknown" in capsys.readouterr().out
    assert main(["local", "--stage", "dev", "--function", "order-report", "--template", template]) == 2
    assert "unknown function 'order-report'; functions: order-api, order-worker" in capsys.readouterr().err
