"""Alarms on an alias's own metrics (errors, throttles, p99 duration).

Built from the alias's metrics (dimensions FunctionName + Resource), not from the version's: an
alarm on the version that CodeDeploy's alias update depends on creates a circular dependency
(aws-cdk issue #2231). Missing data is not breaching, so an idle alias never rolls back.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from service_model.alarm_thresholds import AlarmThresholds


class AliasAlarms(Construct):
    """Three alarms for one alias; ``alarms`` lists them in order errors, throttles, duration."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alias: lambda_.Alias,
        thresholds: AlarmThresholds,
        name_prefix: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self._thresholds = thresholds
        period = Duration.minutes(thresholds.period_minutes)
        self.errors = self._alarm(
            "Errors",
            f"{name_prefix}-errors",
            f"{thresholds.errors}+ invocation errors through the alias in {thresholds.period_minutes} min",
            alias.metric_errors(period=period, statistic="Sum"),
            thresholds.errors,
        )
        self.throttles = self._alarm(
            "Throttles",
            f"{name_prefix}-throttles",
            f"{thresholds.throttles}+ throttled invocations through the alias in {thresholds.period_minutes} min",
            alias.metric_throttles(period=period, statistic="Sum"),
            thresholds.throttles,
        )
        self.duration = self._alarm(
            "DurationP99",
            f"{name_prefix}-duration-p99",
            f"p99 duration through the alias at or above {thresholds.p99_duration_ms} ms",
            alias.metric_duration(period=period, statistic="p99"),
            thresholds.p99_duration_ms,
        )
        self.alarms: list[cloudwatch.Alarm] = [self.errors, self.throttles, self.duration]

    def _alarm(
        self, construct_id: str, name: str, description: str, metric: cloudwatch.IMetric, threshold: int
    ) -> cloudwatch.Alarm:
        return cloudwatch.Alarm(
            self,
            construct_id,
            alarm_name=name,
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            evaluation_periods=self._thresholds.evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
