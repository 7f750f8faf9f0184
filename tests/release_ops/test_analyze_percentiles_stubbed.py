"""``release analyze``'s duration percentiles through botocore's Stubber: moto cannot answer a p99
query (HTTP 500, see test_analyze.py), so GetMetricData's answers are written here, paginated."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from release_cli.commands import analyze as analyze_command
from release_cli.ops.clients import AwsContext
from tests.release_ops.conftest import REGION

FUNCTION = "stubbed-fn"


def answer(values: dict[str, float], token: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = {
        "MetricDataResults": [{"Id": key, "Values": [value], "StatusCode": "Complete"} for key, value in values.items()]
    }
    if token:
        page["NextToken"] = token
    return page


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> tuple[Stubber, Stubber]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    lam, cloudwatch = boto3.client("lambda", region_name=REGION), boto3.client("cloudwatch", region_name=REGION)
    lam_stub, cw_stub = Stubber(lam), Stubber(cloudwatch)
    lam_stub.add_response(
        "get_alias",
        {"Name": "live", "FunctionVersion": "1", "RevisionId": "r1",
         "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.1}}},
        {"FunctionName": FUNCTION, "Name": "live"},
    )  # fmt: skip
    ctx = AwsContext(region=REGION)
    ctx.use("lambda", lam)
    ctx.use("cloudwatch", cloudwatch)
    monkeypatch.setattr(analyze_command, "context_for", lambda _args: ctx)
    lam_stub.activate()
    cw_stub.activate()
    return lam_stub, cw_stub


REQUEST = {"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY}


def expect(cw_stub: Stubber, canary_p90: float) -> None:
    """Counts in two pages (the reader must follow NextToken), then the percentiles."""
    cw_stub.add_response("get_metric_data", answer({"inv0": 20_000, "err0": 1000, "thr0": 0}, token="page-2"), REQUEST)
    cw_stub.add_response("get_metric_data", answer({"inv1": 2000, "err1": 100}), {**REQUEST, "NextToken": "page-2"})
    percentiles = {"p500": 40.0, "p501": 41.0, "p900": 80.0, "p901": canary_p90, "p990": 200.0, "p991": 210.0}
    cw_stub.add_response("get_metric_data", answer(percentiles), REQUEST)


def run(run_cli) -> Any:
    return run_cli("analyze", "--function", FUNCTION, "--alias", "live", "--json")


def test_a_latency_regression_fails(stubbed: tuple[Stubber, Stubber], run_cli) -> None:
    _, cw_stub = stubbed
    expect(cw_stub, canary_p90=150.0)  # limit 80 * 1.2 + 20 = 116 ms
    result = run(run_cli)
    assert result.code == 1, result.err
    doc = result.json()
    assert doc["verdict"] == "FAIL" and doc["getMetricDataCalls"] == 3
    assert doc["canary"]["durations"] == {"p50": 41.0, "p90": 150.0, "p99": 210.0}
    assert {c["metric"]: c["verdict"] for c in doc["checks"]}["duration p90"] == "FAIL"
    cw_stub.assert_no_pending_responses()


def test_percentiles_within_tolerance_pass(stubbed: tuple[Stubber, Stubber], run_cli) -> None:
    _, cw_stub = stubbed
    expect(cw_stub, canary_p90=96.0)
    result = run(run_cli)
    assert result.code == 0, result.out + result.err
    assert result.json()["primary"]["invocations"] == 20_000  # the first page's counts were kept
    assert result.json()["thresholdsFrom"].startswith("defaults")
