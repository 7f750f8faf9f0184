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

from constructs_lib.alarm_thresholds import AlarmThresholds


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
        period = Duration.minutes(thresholds.period_minutes)
        common = {
            "evaluation_periods": thresholds.evaluation_periods,
            "comparison_operator": cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            "treat_missing_data": cloudwatch.TreatMissingData.NOT_BREACHING,
        }
        self.errors = cloudwatch.Alarm(
            self,
            "Errors",
            alarm_name=f"{name_prefix}-errors",
            alarm_description=f"{thresholds.errors}+ invocation errors through the alias in {period.to_minutes()} min",
            metric=alias.metric_errors(period=period, statistic="Sum"),
            threshold=thresholds.errors,
            **common,
        )
        self.throttles = cloudwatch.Alarm(
            self,
            "Throttles",
            alarm_name=f"{name_prefix}-throttles",
            alarm_description=f"{thresholds.throttles}+ throttled invocations through the alias",
            metric=alias.metric_throttles(period=period, statistic="Sum"),
            threshold=thresholds.throttles,
            **common,
        )
        self.duration = cloudwatch.Alarm(
            self,
            "DurationP99",
            alarm_name=f"{name_prefix}-duration-p99",
            alarm_description=f"p99 duration through the alias at or above {thresholds.p99_duration_ms} ms",
            metric=alias.metric_duration(period=period, statistic="p99"),
            threshold=thresholds.p99_duration_ms,
            **common,
        )
        self.alarms: list[cloudwatch.Alarm] = [self.errors, self.throttles, self.duration]
