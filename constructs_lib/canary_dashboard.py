"""A CloudWatch dashboard that shows each alias's traffic split by the version that ran it.

The seed's Part III watches a 90/10 canary in the console. Invoking through an alias emits metrics
with ``Resource=<function>:<alias>`` and ``ExecutedVersion``; a SEARCH expression over those
dimensions draws one line per version, so a canary's errors stand apart from the stable version's.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

_PANELS = (
    # (metric name, statistic, title)
    ("Invocations", "Sum", "Invocations"),
    ("Errors", "Sum", "Errors"),
    ("Duration", "p99", "Duration p99 (ms)"),
)


def executed_version_search(function_name: str, alias_name: str, metric: str, statistic: str, period_s: int) -> str:
    """The CloudWatch SEARCH expression for one alias metric, one series per executed version."""
    query = (
        "{AWS/Lambda,ExecutedVersion,FunctionName,Resource} "
        f'MetricName="{metric}" FunctionName="{function_name}" Resource="{function_name}:{alias_name}"'
    )
    return f"SEARCH('{query}', '{statistic}', {period_s})"


class CanaryDashboard(Construct):
    """One dashboard, a row per alias of each function: invocations, errors and p99 duration by
    executed version. A service of several functions gets one section per function
    (``add_function``), so a release of them all is watched in one place.

    Keyword-only props: dashboard_name, period_minutes (default 1). Exposes ``dashboard``.
    """

    def __init__(self, scope: Construct, construct_id: str, *, dashboard_name: str, period_minutes: int = 1) -> None:
        super().__init__(scope, construct_id)
        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=dashboard_name)
        self._period_minutes = period_minutes

    def add_function(self, function_name: str, alias_names: list[str]) -> None:
        """A heading and one row per alias of ``function_name`` (its static name, used in the searches)."""
        period = Duration.minutes(self._period_minutes)
        period_s = self._period_minutes * 60
        self.dashboard.add_widgets(cloudwatch.TextWidget(markdown=f"## {function_name}", width=24, height=1))
        for alias_name in alias_names:
            row = [
                cloudwatch.GraphWidget(
                    title=f"{alias_name}: {title} by executed version",
                    width=8,
                    left=[
                        cloudwatch.MathExpression(
                            expression=executed_version_search(function_name, alias_name, metric, statistic, period_s),
                            label="",
                            period=period,
                        )
                    ],
                )
                for metric, statistic, title in _PANELS
            ]
            self.dashboard.add_widgets(*row)
