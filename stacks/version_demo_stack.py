"""One stage of the version-demo service: its tables, every function of ``stages.toml``, one dashboard.

A thin composition of the constructs in ``constructs_lib``; everything that differs between stages
and functions comes from a validated ``StageConfig`` and its ``FunctionConfig``s.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_logs as logs
from constructs import Construct

from constructs_lib.canary_dashboard import CanaryDashboard
from constructs_lib.service_function import ServiceFunction
from constructs_lib.service_tables import ServiceTables
from constructs_lib.stage_key import StageKey
from service_model.functions import FunctionConfig
from service_model.naming import PROJECT
from service_model.project import project_root
from service_model.stages import LOG_RETENTION_NAMES, StageConfig, StageConfigError
from service_model.test_events import load_events
from service_model.triggers import TableStreamTrigger

LAMBDA_SRC_DIRNAME = "lambda_src"
PRE_TRAFFIC_HOOK_DIRNAME = "pre_traffic_hook"


def retention_of(days: int) -> logs.RetentionDays:
    """Days (validated against CloudWatch's list by the stage config) -> CDK's enum member."""
    return getattr(logs.RetentionDays, LOG_RETENTION_NAMES[days])  # type: ignore[no-any-return]


class VersionDemoStack(Stack):
    """The stack ``version-demo-<stage>``.

    Exposes ``key`` (the stage's ``StageKey``, or None without ``customer_managed_key``), ``tables``,
    ``functions`` (key -> ``ServiceFunction``) and, for the primary function (the
    first in ``stages.toml``, the seed's Order API), the names the single-function code reads:
    ``function`` (``VersionedFunction``), ``aliases``, ``rollouts``, ``hooks``, ``alarms`` and ``api``.
    ``console_test_events=False`` leaves out the console's test-event schema (for the local emulator,
    ``stacks/deploy_target.py``).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        console_test_events: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, termination_protection=config.termination_protection, **kwargs)
        self.config = config
        self.key = (
            StageKey(self, "StageKey", stack_name=config.stack_name, retain=config.retain_data)
            if config.customer_managed_key
            else None
        )
        streams = {f.trigger.table for f in config.functions if isinstance(f.trigger, TableStreamTrigger)}
        self.tables = ServiceTables(
            self,
            "Tables",
            stage=config.name,
            table_name_prefix=config.table_prefix,
            retain=config.retain_data,
            deletion_protection=config.deletion_protection,
            point_in_time_recovery=config.point_in_time_recovery,
            encryption_key=self.key.key if self.key else None,
            overrides={kind: {"stream": dynamodb.StreamViewType.NEW_AND_OLD_IMAGES} for kind in sorted(streams)},
        )
        tables = {"orders": self.tables.orders, "config": self.tables.config, "audit": self.tables.audit}
        root = project_root()
        self.functions: dict[str, ServiceFunction] = {}
        for function in config.functions:
            self.functions[function.key] = ServiceFunction(
                self,
                function.construct_id,
                config=function,
                tables=tables,
                code_dir=_code_dir(root, function),
                hook_code_dir=root / LAMBDA_SRC_DIRNAME / PRE_TRAFFIC_HOOK_DIRNAME,
                events=load_events(root / function.events_dir),
                log_retention=retention_of(config.log_retention_days),
                production=config.production,
                api_auth=config.api_auth,
                key=self.key,
                console_test_events=console_test_events,
            )
        primary = self.functions[config.primary.key]
        self.function = primary.function
        self.aliases = primary.aliases
        self.rollouts = primary.rollouts
        self.hooks = primary.hooks
        self.alarms = primary.alarms
        self.api = primary.api
        dashboard = CanaryDashboard(self, "Dashboard", dashboard_name=f"{config.stack_name}-canary")
        for function in config.functions:
            dashboard.add_function(function.name, [a.name for a in function.aliases])
        CfnOutput(self, "OrdersTableName", value=self.tables.orders.table_name)
        CfnOutput(self, "ConfigTableName", value=self.tables.config.table_name)
        CfnOutput(self, "AuditTableName", value=self.tables.audit.table_name)
        Tags.of(self).add("Project", PROJECT)
        Tags.of(self).add("Stage", config.name)  # the release CLI reads it to tell a production function


def _code_dir(root: Any, function: FunctionConfig) -> Any:
    code_dir = root / LAMBDA_SRC_DIRNAME / function.code
    if not code_dir.is_dir():
        raise StageConfigError(
            f"stage {function.stage!r}: function {function.key!r}: code {function.code!r}: "
            f"no folder {LAMBDA_SRC_DIRNAME}/{function.code} in the project"
        )
    return code_dir
