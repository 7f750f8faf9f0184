"""One stage of the version-demo service: tables, versioned function, aliases, rollouts, dashboard, API.

A thin composition of the constructs in ``constructs_lib``; everything that differs between stages
comes from a validated ``StageConfig``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from constructs_lib.alias_alarms import AliasAlarms
from constructs_lib.alias_http_api import AliasHttpApi
from constructs_lib.canary_dashboard import CanaryDashboard
from constructs_lib.console_test_events import ConsoleTestEvents
from constructs_lib.gradual_rollout import GradualRollout
from constructs_lib.pre_traffic_hook import PreTrafficHook
from constructs_lib.production_targets import ProductionTargetsCheck
from constructs_lib.service_tables import ServiceTables
from constructs_lib.stage_alias import StageAlias
from constructs_lib.versioned_function import VersionedFunction
from service_model.alias_spec import AliasSpec
from service_model.naming import PROJECT
from service_model.stages import LOG_RETENTION_NAMES, StageConfig
from service_model.test_events import console_schema_content, events_for_hook, load_events

LAMBDA_SRC = Path(__file__).resolve().parent.parent / "lambda_src"
ORDER_API_CODE = LAMBDA_SRC / "order_api"
PRE_TRAFFIC_HOOK_CODE = LAMBDA_SRC / "pre_traffic_hook"

# Least privilege, exactly what lambda_src/order_api calls: an order, its idempotency record and its
# audit record are written in one TransactWriteItems (IAM checks PutItem per item; there is no
# TransactWriteItems action), orders are read back with GetItem, settings with one BatchGetItem.
ORDERS_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem")
AUDIT_ACTIONS = ("dynamodb:PutItem",)
CONFIG_ACTIONS = ("dynamodb:BatchGetItem",)


def _runtime(name: str) -> lambda_.Runtime:
    """``python3.13`` -> ``lambda_.Runtime.PYTHON_3_13`` (the name is validated by the stage config)."""
    return getattr(lambda_.Runtime, name.upper().replace("PYTHON", "PYTHON_").replace(".", "_"))


def _retention(days: int) -> logs.RetentionDays:
    """Days (validated against CloudWatch's list by the stage config) -> CDK's enum member."""
    return getattr(logs.RetentionDays, LOG_RETENTION_NAMES[days])


class VersionDemoStack(Stack):
    """The stack ``version-demo-<stage>``.

    Exposes ``tables``, ``function`` (``VersionedFunction``), ``aliases`` (name -> ``StageAlias``),
    ``rollouts`` (alias name -> ``GradualRollout``), ``hooks`` (alias name -> ``PreTrafficHook``),
    ``alarms`` (alias name -> ``AliasAlarms``) and ``api``.
    """

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, termination_protection=config.termination_protection, **kwargs)
        self.config = config
        self.tables = ServiceTables(
            self,
            "Tables",
            stage=config.name,
            table_name_prefix=config.table_prefix,
            retain=config.retain_data,
            deletion_protection=config.deletion_protection,
            point_in_time_recovery=config.point_in_time_recovery,
        )
        self.function = VersionedFunction(
            self,
            "OrderApi",
            function_name=config.function_name,
            code_dir=ORDER_API_CODE,
            runtime=_runtime(config.runtime),
            memory_mb=config.memory_mb,
            timeout_seconds=config.timeout_seconds,
            log_retention=_retention(config.log_retention_days),
            environment={
                "ORDERS_TABLE": self.tables.orders.table_name,
                "CONFIG_TABLE": self.tables.config.table_name,
                "AUDIT_TABLE": self.tables.audit.table_name,
                "STAGE": config.name,
            },
        )
        self._grant(self.tables.orders, ORDERS_ACTIONS)
        self._grant(self.tables.audit, AUDIT_ACTIONS)
        self._grant(self.tables.config, CONFIG_ACTIONS)

        events = load_events()
        self.test_events = ConsoleTestEvents(
            self, "ConsoleTestEvents", function_name=config.function_name, content=console_schema_content(events)
        )
        self._hook_events = events_for_hook(events)

        self.aliases: dict[str, StageAlias] = {}
        self.hooks: dict[str, PreTrafficHook] = {}
        self.alarms: dict[str, AliasAlarms] = {}
        self.rollouts: dict[str, GradualRollout] = {}
        for spec in config.aliases:
            self._build_alias(spec)

        CanaryDashboard(
            self,
            "Dashboard",
            dashboard_name=f"{config.stack_name}-canary",
            function_name=config.function_name,
            alias_names=[a.name for a in config.aliases],
        )
        self.api = AliasHttpApi(
            self,
            "HttpApi",
            api_name=f"{config.stack_name}-orders",
            alias=self.aliases[config.api_alias].alias,
            log_retention=_retention(config.log_retention_days),
        )
        self._outputs()
        Tags.of(self).add("Project", PROJECT)
        Tags.of(self).add("Stage", config.name)  # the release CLI reads it to tell a production function
        if config.production:
            self.node.add_validation(ProductionTargetsCheck(self, self.function.function))

    def _grant(self, table: dynamodb.Table, actions: tuple[str, ...]) -> None:
        self.function.function.add_to_role_policy(
            iam.PolicyStatement(actions=list(actions), resources=[table.table_arn])
        )

    def _build_alias(self, spec: AliasSpec) -> None:
        alias = StageAlias(
            self,
            f"Alias{spec.name.capitalize()}",
            function=self.function.function,
            new_version=self.function.current_version,
            spec=spec,
        )
        self.aliases[spec.name] = alias
        alarms = AliasAlarms(
            self,
            f"Alarms{spec.name.capitalize()}",
            alias=alias.alias,
            thresholds=self.config.alarms,
            name_prefix=f"{self.config.function_name}-{spec.name}",
        )
        self.alarms[spec.name] = alarms
        if spec.rollout is not None:
            hook = PreTrafficHook(
                self,
                f"PreTrafficHook{spec.name.capitalize()}",
                target=self.function.function,
                target_name=self.config.function_name,
                alias_name=spec.name,
                events_json=self._hook_events,
                code_dir=PRE_TRAFFIC_HOOK_CODE,
                runtime=_runtime(self.config.runtime),
                log_retention=_retention(self.config.log_retention_days),
            )
            rollout = GradualRollout(
                self,
                f"Rollout{spec.name.capitalize()}",
                alias=alias.alias,
                rollout=spec.rollout,
                alarms=list(alarms.alarms),
                pre_hook=hook.function,
            )
            hook.allow_deployment_reads(rollout.deployment_group)
            self.hooks[spec.name] = hook
            self.rollouts[spec.name] = rollout

    def _outputs(self) -> None:
        """Names CI and the release CLI read instead of guessing."""
        CfnOutput(self, "ApiUrl", value=self.api.url, description="HTTP API URL (invokes the API alias)")
        CfnOutput(self, "FunctionName", value=self.function.function.function_name)
        CfnOutput(
            self, "NewVersion", value=self.function.current_version.version, description="Version this deploy published"
        )
        for name, alias in self.aliases.items():
            CfnOutput(
                self, f"AliasArn{name.capitalize()}", value=alias.alias.function_arn, description=f"ARN of alias {name}"
            )
        CfnOutput(self, "OrdersTableName", value=self.tables.orders.table_name)
        CfnOutput(self, "ConfigTableName", value=self.tables.config.table_name)
        CfnOutput(self, "AuditTableName", value=self.tables.audit.table_name)
