"""A weighted alias's figures per executed version, read from CloudWatch with GetMetricData.

Lambda publishes each alias's metrics with the dimensions ``FunctionName``, ``Resource``
(``<function>:<alias>``) and ``ExecutedVersion`` (aws-cdk-lib's canned Lambda metrics list exactly
that dimension set; the dashboard here splits by it too). One query per metric, statistic and
version, each with a single period as long as the window, so a percentile is the window's own p99,
never a percentile of per-minute percentiles (which cannot be combined). Two requests, each followed
through ``NextToken`` (every page counts as a call in ``AwsContext.calls``):

* counts: ``Invocations``, ``Errors`` and ``Throttles`` as ``Sum``;
* durations: ``Duration`` as ``p50``, ``p90``, ``p99``. Apart, because an endpoint without
  percentiles (moto answers HTTP 500 to ``Stat: p99``) must not hide the counts' failure or success.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from release_cli.ops.canary_judgement import PERCENTILES, VersionFigures
from release_cli.ops.clients import AwsContext, aws_call

NAMESPACE = "AWS/Lambda"
COUNTS = {"inv": "Invocations", "err": "Errors", "thr": "Throttles"}


@dataclass(frozen=True)
class Window:
    """The minutes analyzed, ending at a whole minute (CloudWatch's periods are whole minutes)."""

    start: datetime
    end: datetime

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())

    @classmethod
    def ending_now(cls, minutes: int, now: Callable[[], datetime] | None = None) -> Window:
        end = (now or (lambda: datetime.now(UTC)))().replace(second=0, microsecond=0)
        return cls(start=end - timedelta(minutes=minutes), end=end)

    @classmethod
    def between(cls, start: datetime, now: datetime) -> Window:
        """From ``start``'s minute to the end of ``now``'s (at least one minute): a watch's window."""
        first = start.replace(second=0, microsecond=0)
        minutes = max(1, -(-int((now - first).total_seconds()) // 60))
        return cls(start=first, end=first + timedelta(minutes=minutes))


def dimensions(function: str, alias: str, version: str) -> list[dict[str, str]]:
    return [
        {"Name": "FunctionName", "Value": function},
        {"Name": "Resource", "Value": f"{function}:{alias}"},
        {"Name": "ExecutedVersion", "Value": version},
    ]


def read_figures(
    ctx: AwsContext, function: str, alias: str, versions: Iterable[str], window: Window
) -> dict[str, VersionFigures]:
    """Each version's figures over ``window`` (a version that ran nothing has zeros and no durations)."""
    versions = list(versions)
    counts = _values(ctx, _queries(function, alias, versions, window, COUNTS.items(), "Sum"), window)
    durations = read_durations(ctx, function, alias, versions, window)
    return {
        version: VersionFigures(
            version=version,
            invocations=int(sum(counts.get(f"inv{i}", []))),
            errors=int(sum(counts.get(f"err{i}", []))),
            throttles=int(sum(counts.get(f"thr{i}", []))),
            durations=durations.get(version, {}),
        )
        for i, version in enumerate(versions)
    }


def read_durations(
    ctx: AwsContext, function: str, alias: str, versions: list[str], window: Window
) -> dict[str, dict[str, float | None]]:
    """p50/p90/p99 of ``Duration`` per version over the window (None where CloudWatch has no datapoint)."""
    queries = [
        query
        for name in PERCENTILES
        for query in _queries(function, alias, versions, window, [(name, "Duration")], name)
    ]
    values = _values(ctx, queries, window)
    return {
        version: {name: (values[f"{name}{i}"][0] if values.get(f"{name}{i}") else None) for name in PERCENTILES}
        for i, version in enumerate(versions)
    }


def _queries(
    function: str, alias: str, versions: list[str], window: Window, metrics: Iterable[tuple[str, str]], stat: str
) -> list[dict[str, Any]]:
    return [
        {
            "Id": f"{prefix}{i}",
            "MetricStat": {
                "Metric": {"Namespace": NAMESPACE, "MetricName": metric, "Dimensions": dimensions(function, alias, v)},
                "Period": window.seconds,
                "Stat": stat,
            },
        }
        for prefix, metric in metrics
        for i, v in enumerate(versions)
    ]


def _values(ctx: AwsContext, queries: list[dict[str, Any]], window: Window) -> dict[str, list[float]]:
    """Every query's values over every page (GetMetricData pages by datapoints, ``NextToken``)."""
    client = ctx.client("cloudwatch")
    values: dict[str, list[float]] = {}
    request: dict[str, Any] = {"MetricDataQueries": queries, "StartTime": window.start, "EndTime": window.end}
    with aws_call("reading the canary's metrics (cloudwatch:GetMetricData)"):
        while True:
            page = client.get_metric_data(**request)
            for result in page.get("MetricDataResults", []):
                values.setdefault(result["Id"], []).extend(float(v) for v in result.get("Values", []))
            token = page.get("NextToken")
            if not token:
                return values
            request["NextToken"] = token
