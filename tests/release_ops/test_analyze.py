"""``release analyze`` against the moto server: metric data written per executed version with known
counts, read back through GetMetricData, judged, exit code and JSON checked.

moto 5.2.5 keeps ``put_metric_data`` and answers ``Sum`` per dimension set, but not percentiles: a
``Stat: p99`` query gets HTTP 500 (seen: its serializer gets None). So here the counts come from
moto and the duration read is replaced by ``moto_has_no_percentiles`` (no data, so the percentiles
are NOT_JUDGED); ``test_analyze_percentiles_stubbed.py`` reads percentiles through botocore's Stubber.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from release_cli.ops import canary_metrics
from tests.release_ops.conftest import REGION, Lab


def moto_has_no_percentiles(*_: Any, **__: Any) -> dict[str, dict[str, float | None]]:
    return {}


@pytest.fixture
def canary_lab(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> Lab:
    """The lab with alias ``live``: version 1, 10 % to version 2."""
    lab.alias("live", "1", {"2": 0.1})
    monkeypatch.setattr(canary_metrics, "read_durations", moto_has_no_percentiles)
    return lab


def lambda_dimensions(function: str, alias: str, version: str) -> list[dict[str, str]]:
    """The dimensions Lambda publishes an alias's metrics under, spelled out here rather than taken from the
    code under test: FunctionName, Resource = <function>:<alias>, ExecutedVersion (aws-cdk-lib's canned Lambda
    metrics list this set; aws-cdk commit ce08853 names Resource as the qualified name)."""
    return [{"Name": "FunctionName", "Value": function}, {"Name": "Resource", "Value": f"{function}:{alias}"},
            {"Name": "ExecutedVersion", "Value": version}]  # fmt: skip


def write_counts(lab: Lab, version: str, invocations: int, errors: int, throttles: int = 0, minutes: int = 10) -> None:
    """Per-minute datapoints over the last ``minutes`` minutes (2 to 1+minutes ago), adding up to the counts."""
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    dims = lambda_dimensions(lab.function, "live", version)
    data = []
    for name, total in (("Invocations", invocations), ("Errors", errors), ("Throttles", throttles)):
        for minute in range(minutes):
            share = total // minutes + (1 if minute < total % minutes else 0)
            data.append({"MetricName": name, "Dimensions": dims, "Value": share, "Unit": "Count",
                         "Timestamp": now - timedelta(minutes=2 + minute)})  # fmt: skip
    for start in range(0, len(data), 500):
        cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=data[start : start + 500])


def analyze(run_cli, lab: Lab, *extra: str):
    return run_cli("analyze", *lab.target_args(), "--alias", "live", *extra)


def test_twice_the_primary_error_rate_over_enough_traffic_fails(canary_lab: Lab, run_cli) -> None:
    write_counts(canary_lab, "1", 20_000, 1000)  # 5 %
    write_counts(canary_lab, "2", 2000, 200)  # 10 %
    result = analyze(run_cli, canary_lab, "--json")
    assert result.code == 1, result.err
    doc = result.json()
    assert doc["verdict"] == "FAIL" and doc["pValue"] < 0.05
    assert (doc["primary"]["invocations"], doc["primary"]["errors"]) == (20_000, 1000)
    assert (doc["canary"]["version"], doc["canary"]["invocations"], doc["canary"]["errors"]) == ("2", 2000, 200)
    assert doc["getMetricDataCalls"] == 1  # the duration read is replaced here


def test_the_same_rate_over_30_invocations_is_inconclusive(canary_lab: Lab, run_cli) -> None:
    write_counts(canary_lab, "1", 20_000, 1000)
    write_counts(canary_lab, "2", 30, 3)
    result = analyze(run_cli, canary_lab)
    assert result.code == 3, result.err
    assert "verdict: INCONCLUSIVE: needs" in result.out and "more canary invocations" in result.out
    doc = analyze(run_cli, canary_lab, "--json").json()
    assert doc["moreInvocations"] == doc["requiredInvocations"] - 30 > 0
    assert doc["moreMinutes"] == -(-doc["moreInvocations"] // 2)  # 30 in the 15-minute window: 2 a minute


def test_equal_rates_over_enough_traffic_pass(canary_lab: Lab, run_cli) -> None:
    write_counts(canary_lab, "1", 20_000, 1000)
    write_counts(canary_lab, "2", 2000, 100)
    result = analyze(run_cli, canary_lab)
    assert result.code == 0, result.out + result.err
    assert "verdict: PASS" in result.out


def test_a_canary_throttle_fails(canary_lab: Lab, run_cli) -> None:
    write_counts(canary_lab, "1", 20_000, 1000)
    write_counts(canary_lab, "2", 2000, 100, throttles=1)
    assert analyze(run_cli, canary_lab).code == 1


def test_the_window_is_honoured(canary_lab: Lab, run_cli) -> None:
    """Data 2 to 11 minutes old: a 1-minute window sees none of it (no traffic: INCONCLUSIVE)."""
    write_counts(canary_lab, "1", 20_000, 1000)
    write_counts(canary_lab, "2", 2000, 100)
    doc = analyze(run_cli, canary_lab, "--window", "1m", "--json").json()
    assert (doc["verdict"], doc["primary"]["invocations"], doc["window"]["minutes"]) == ("INCONCLUSIVE", 0, 1)


def test_an_alias_without_a_route_is_bad_input(lab: Lab, run_cli) -> None:
    result = run_cli("analyze", *lab.target_args(), "--alias", "prod")
    assert result.code == 2 and result.err.startswith("error: alias prod routes everything to version 1")
