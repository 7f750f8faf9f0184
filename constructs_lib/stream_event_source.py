"""A DynamoDB stream event source mapping on a function's alias, built as a team that runs it would.

* The mapping targets the **alias** (the seed: "event source mappings in production should reference
  aliases, never $LATEST"), so a rollout of the alias moves the consumer too.
* Partial batch failure reporting (``ReportBatchItemFailures``): the handler names the records it
  could not do, and Lambda retries from the first of them instead of the whole batch.
* Bisect on error, a bounded number of retries and a maximum record age, then the record's
  description goes to an on-failure SQS queue (encrypted, TLS only, kept 14 days) instead of
  blocking the shard forever.
* Two alarms of its own: the iterator age (records waiting on the stream) and any message in the
  on-failure queue (a record was given up on).
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib.nag_acknowledgments import acknowledge
from service_model.triggers import TableStreamTrigger

_LIST_STREAMS = (
    "dynamodb:ListStreams supports no resource-level permissions; the tests check that this '*' grants nothing else."
)
_FAILURE_QUEUE_IS_THE_DLQ = (
    "This queue is itself the on-failure destination of the stream's event source mapping; a queue "
    "behind it would only move the same records again."
)


class StreamEventSource(Construct):
    """Keyword-only props: alias (the function's trigger alias), role (the function's), table (with a stream), settings
    (``TableStreamTrigger``), name_prefix (alarm and queue names), iterator_age_ms (alarm threshold),
    period_minutes. Exposes ``mapping``, ``failure_queue`` and ``alarms`` (iterator age, failures)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alias: lambda_.Alias,
        role: iam.IRole,
        table: dynamodb.ITable,
        settings: TableStreamTrigger,
        name_prefix: str,
        iterator_age_ms: int,
        period_minutes: int = 1,
    ) -> None:
        super().__init__(scope, construct_id)
        self.failure_queue = sqs.Queue(
            self,
            "OnFailure",
            queue_name=f"{name_prefix}-on-failure",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(
            self.failure_queue,
            {"AwsSolutions-SQS3": _FAILURE_QUEUE_IS_THE_DLQ, "Serverless-SQSRedrivePolicy": _FAILURE_QUEUE_IS_THE_DLQ},
        )
        stream_arn = table.table_stream_arn
        if stream_arn is None:
            raise ValueError(f"{construct_id}: table {table.node.path} has no stream; give it one (stream=...)")
        self.mapping = alias.add_event_source_mapping(
            "StreamMapping",
            event_source_arn=stream_arn,
            starting_position=lambda_.StartingPosition[settings.starting_position],
            batch_size=settings.batch_size,
            max_batching_window=Duration.seconds(settings.batching_window_seconds),
            retry_attempts=settings.max_retries,
            max_record_age=(
                Duration.seconds(settings.max_record_age_seconds) if settings.max_record_age_seconds >= 0 else None
            ),
            bisect_batch_on_error=settings.bisect_on_error,
            parallelization_factor=settings.parallelization_factor,
            report_batch_item_failures=True,
            on_failure=sources.SqsDlq(self.failure_queue),
        )
        self._grant_stream_reads(role, stream_arn)
        period = Duration.minutes(period_minutes)
        self.iterator_age = cloudwatch.Alarm(
            self,
            "IteratorAge",
            alarm_name=f"{name_prefix}-iterator-age",
            alarm_description=f"records wait {iterator_age_ms} ms or longer on the stream before the alias reads them",
            metric=alias.metric("IteratorAge", period=period, statistic="Maximum"),
            threshold=iterator_age_ms,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.failures = cloudwatch.Alarm(
            self,
            "GivenUp",
            alarm_name=f"{name_prefix}-records-given-up",
            alarm_description="a stream record was given up on and described in the on-failure queue",
            metric=self.failure_queue.metric_approximate_number_of_messages_visible(period=period, statistic="Maximum"),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.alarms = [self.iterator_age, self.failures]

    def _grant_stream_reads(self, role: iam.IRole, stream_arn: str) -> None:
        """What Lambda's poller needs: the three stream reads on this stream only, and ``ListStreams``,
        which IAM authorizes only on ``*``, in a policy of its own that alone carries the acknowledgment
        (CDK's ``grant_stream_read`` puts it in the role's default policy, where it would hide the next
        wildcard)."""
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                resources=[stream_arn],
            )
        )
        listing = iam.Policy(
            self,
            "ListStreamsPolicy",
            roles=[role],
            statements=[iam.PolicyStatement(actions=["dynamodb:ListStreams"], resources=["*"])],
        )
        acknowledge(listing, {"AwsSolutions-IAM5[Resource::*]": _LIST_STREAMS})
