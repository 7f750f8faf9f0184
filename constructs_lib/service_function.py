"""One function of a service, whole: versioned code, its aliases, alarms, rollouts, test events, trigger.

Built from a validated ``FunctionConfig`` (``service_model.functions``), so adding a function to a
service is a handler folder, a ``[functions.<key>]`` table and its test events. Everything the
function owns lives under this construct; what the service shares (tables, dashboard) is passed in.
Every way in (API integration, event source mapping, schedule) goes through the function's
``trigger_alias``, and a production stage checks that at synth (``ProductionTargetsCheck``).

Construct IDs: the function is ``<construct_id>/<FunctionId>`` (``OrderWorker/OrderWorker`` collapses
to one ``OrderWorker`` in logical IDs, CDK's rule for repeated path parts), its aliases
``Alias<Name>``, and so on. ``construct_id = "Default"`` adds nothing to logical IDs, which keeps a
function deployed before the service had several exactly where it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as eventbridge
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib.alias_alarms import AliasAlarms
from constructs_lib.alias_http_api import AliasHttpApi
from constructs_lib.console_test_events import ConsoleTestEvents
from constructs_lib.gradual_rollout import GradualRollout
from constructs_lib.nag_acknowledgments import acknowledge
from constructs_lib.pre_traffic_hook import PreTrafficHook
from constructs_lib.production_targets import ProductionTargetsCheck
from constructs_lib.stage_alias import StageAlias
from constructs_lib.stage_key import StageKey
from constructs_lib.stream_event_source import StreamEventSource
from constructs_lib.versioned_function import VersionedFunction
from service_model.alias_spec import AliasSpec
from service_model.api_auth import ApiAuth
from service_model.functions import FunctionConfig
from service_model.rollout_aliases import OUTPUT as ROLLOUT_ALIASES_OUTPUT
from service_model.rollout_aliases import rollout_aliases_value
from service_model.test_events import TestEvent, console_schema_content, events_for_hook
from service_model.triggers import HttpTrigger, ScheduleTrigger, TableStreamTrigger

_UNDELIVERED_IS_THE_DLQ = (
    "This queue is itself the dead-letter queue of the schedule's target; a queue behind it would only "
    "move the same undelivered invocations again."
)


def runtime_of(name: str) -> lambda_.Runtime:
    """``python3.13`` -> ``lambda_.Runtime.PYTHON_3_13`` (the name is validated by the stage config)."""
    return getattr(lambda_.Runtime, name.upper().replace("PYTHON", "PYTHON_").replace(".", "_"))  # type: ignore[no-any-return]


def id_part(alias_name: str) -> str:
    """An alias name as it appears in construct IDs and output names (``prod`` -> ``Prod``); CDK drops
    any punctuation from logical IDs (the stage config refuses names that would then collide)."""
    return alias_name.capitalize()


class ServiceFunction(Construct):
    """Keyword-only props:
      config: the function as this stage runs it (``FunctionConfig``).
      tables: table kind -> table; the function gets ``<KIND>_TABLE`` for each table it may touch and
        exactly the actions ``config.permissions`` lists on it.
      code_dir: the handler's folder; hook_code_dir: the pre-traffic hook's folder.
      events: the function's test events (console test events; production-safe ones run in the hook).
      log_retention; production: check at synth that nothing reaches the function but through an
      alias on a published version.
      api_auth: who may call an HTTP trigger's API (default ``iam``); key: the stage's ``StageKey``,
        which then encrypts the function's environment and logs, with grants for the tables it touches.
      console_test_events: build the Lambda console's shareable test events (off for the local emulator,
        which has no schema registry).
    Exposes ``function`` (``VersionedFunction``), ``aliases``, ``alarms``, ``hooks``, ``rollouts``
    (alias name -> construct), ``trigger_alias`` and ``api`` (``AliasHttpApi`` or None), ``stream``
    (``StreamEventSource`` or None), ``schedule`` (``eventbridge.Rule`` or None).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: FunctionConfig,
        tables: Mapping[str, dynamodb.ITable],
        code_dir: Path,
        hook_code_dir: Path,
        events: list[TestEvent],
        log_retention: logs.RetentionDays,
        production: bool = False,
        api_auth: ApiAuth | None = None,
        key: StageKey | None = None,
        console_test_events: bool = True,
    ) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self._log_retention = log_retention
        self._hook_code_dir = hook_code_dir
        self._api_auth = api_auth or ApiAuth()
        self._encryption_key = key.key if key else None
        environment = {f"{kind.upper()}_TABLE": tables[kind].table_name for kind in config.tables}
        environment["STAGE"] = config.stage
        self.function = VersionedFunction(
            self,
            config.function_id,
            function_name=config.name,
            code_dir=code_dir,
            handler=config.handler,
            runtime=runtime_of(config.runtime),
            memory_mb=config.memory_mb,
            timeout_seconds=config.timeout_seconds,
            log_retention=log_retention,
            environment=environment,
            description=config.description,
            encryption_key=self._encryption_key,
            reserved_concurrency=config.reserved_concurrency,
        )
        for kind, actions in config.permissions:
            self.function.function.add_to_role_policy(
                iam.PolicyStatement(actions=list(actions), resources=[tables[kind].table_arn])
            )
            if key:
                key.grant_table_use(self.function.role, actions)
        self.test_events = (
            ConsoleTestEvents(
                self, "ConsoleTestEvents", function_name=config.name, content=console_schema_content(events)
            )
            if console_test_events
            else None
        )
        self._hook_events = events_for_hook(events) if any(a.rollout for a in config.aliases) else ""
        self.aliases: dict[str, StageAlias] = {}
        self.alarms: dict[str, AliasAlarms] = {}
        self.hooks: dict[str, PreTrafficHook] = {}
        self.rollouts: dict[str, GradualRollout] = {}
        for spec in config.aliases:
            self._build_alias(spec)
        self.trigger_alias = self.aliases[config.trigger_alias].alias
        self.api: AliasHttpApi | None = None
        self.stream: StreamEventSource | None = None
        self.schedule: eventbridge.Rule | None = None
        self._build_trigger(tables)
        self._outputs()
        if production:
            stack = Stack.of(self)
            self.node.add_validation(ProductionTargetsCheck(stack, self.function.function))

    def _build_alias(self, spec: AliasSpec) -> None:
        part = id_part(spec.name)
        alias = StageAlias(
            self,
            f"Alias{part}",
            function=self.function.function,
            new_version=self.function.current_version,
            spec=spec,
        )
        self.aliases[spec.name] = alias
        alarms = AliasAlarms(
            self,
            f"Alarms{part}",
            alias=alias.alias,
            thresholds=self.config.alarms,
            name_prefix=f"{self.config.name}-{spec.name}",
        )
        self.alarms[spec.name] = alarms
        if spec.rollout is None:
            return
        hook = PreTrafficHook(
            self,
            f"PreTrafficHook{part}",
            target=self.function.function,
            target_name=self.config.name,
            alias_name=spec.name,
            events_json=self._hook_events,
            code_dir=self._hook_code_dir,
            runtime=runtime_of(self.config.runtime),
            log_retention=self._log_retention,
            encryption_key=self._encryption_key,
            # One deployment of an alias runs at a time (CodeDeploy), and its hook once: where the function
            # reserves its share of the account, its hook reserves that one execution.
            reserved_concurrency=1 if self.config.reserved_concurrency else None,
        )
        rollout = GradualRollout(
            self,
            f"Rollout{part}",
            alias=alias.alias,
            rollout=spec.rollout,
            alarms=list(alarms.alarms),
            pre_hook=hook.function,
        )
        hook.allow_deployment_reads(rollout.deployment_group)
        self.hooks[spec.name] = hook
        self.rollouts[spec.name] = rollout

    def _build_trigger(self, tables: Mapping[str, dynamodb.ITable]) -> None:
        trigger = self.config.trigger
        if isinstance(trigger, HttpTrigger):
            self.api = AliasHttpApi(
                self,
                "HttpApi",
                api_name=f"{Stack.of(self).stack_name}-{self._api_suffix()}",
                alias=self.trigger_alias,
                auth=self._api_auth,
                log_retention=self._log_retention,
                encryption_key=self._encryption_key,
            )
        elif isinstance(trigger, TableStreamTrigger):
            self.stream = StreamEventSource(
                self,
                "StreamTrigger",
                alias=self.trigger_alias,
                role=self.function.role,
                table=tables[trigger.table],
                settings=trigger,
                name_prefix=f"{self.config.name}-{self.config.trigger_alias}",
                iterator_age_ms=self.config.alarms.iterator_age_ms,
                period_minutes=self.config.alarms.period_minutes,
            )
            if self._encryption_key:  # stream records are encrypted with the table's key
                self._encryption_key.grant(self.function.role, "kms:Decrypt")
        elif isinstance(trigger, ScheduleTrigger):
            undelivered = sqs.Queue(
                self,
                "ScheduleUndelivered",
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
                retention_period=Duration.days(14),
            )
            acknowledge(
                undelivered,
                {"AwsSolutions-SQS3": _UNDELIVERED_IS_THE_DLQ, "Serverless-SQSRedrivePolicy": _UNDELIVERED_IS_THE_DLQ},
            )
            self.schedule = eventbridge.Rule(
                self,
                "Schedule",
                schedule=eventbridge.Schedule.expression(trigger.expression),
                description=f"Invokes {self.config.name}:{self.config.trigger_alias} on {trigger.expression}",
                targets=[targets.LambdaFunction(self.trigger_alias, dead_letter_queue=undelivered, retry_attempts=2)],
            )

    def _api_suffix(self) -> str:
        """``<stack>-orders`` for the seed's function (its API's name since the first deploy), else the key."""
        return "orders" if self.config.output_prefix == "" else self.config.key

    def _outputs(self) -> None:
        """Names CI and the release CLI read instead of guessing, prefixed with the function's construct id."""
        prefix = self.config.output_prefix
        scope = Stack.of(self)
        if self.api is not None:
            CfnOutput(scope, f"{prefix}ApiUrl", value=self.api.url, description="HTTP API URL (invokes the API alias)")
        CfnOutput(scope, f"{prefix}FunctionName", value=self.function.function.function_name)
        CfnOutput(
            scope,
            f"{prefix}NewVersion",
            value=self.function.current_version.version,
            description="Version this deploy published",
        )
        for name, alias in self.aliases.items():
            CfnOutput(
                scope,
                f"{prefix}AliasArn{id_part(name)}",
                value=alias.alias.function_arn,
                description=f"ARN of alias {name}",
            )
        CfnOutput(
            scope,
            f"{prefix}{ROLLOUT_ALIASES_OUTPUT}",
            value=rollout_aliases_value(self.config),
            description="Aliases CodeDeploy shifts (those with a rollout), comma-separated, or none",
        )
        if self.stream is not None:
            CfnOutput(scope, f"{prefix}OnFailureQueueUrl", value=self.stream.failure_queue.queue_url)
