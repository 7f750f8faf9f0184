#!/usr/bin/env python3
"""A CDK app of its own, built from the project's constructs: ``cdk synth [-c stage=dev|prod]`` here.

Two functions from ``stages.toml`` (an HTTP API and a 15-minute schedule), each a ``ServiceFunction``
with its versions, aliases, alarms, console test events, trigger and, in prod, a CodeDeploy canary
behind a pre-traffic hook; one audit table; one dashboard; cdk-nag on every stack. It imports
``constructs_lib`` and ``service_model`` only (installed with the project: ``pip install -e .``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from aws_cdk import App, CfnOutput, Environment, Stack, Validations
from aws_cdk import aws_logs as logs
from cdk_nag import AwsSolutionsChecks, ServerlessChecks
from constructs import Construct

from constructs_lib.canary_dashboard import CanaryDashboard
from constructs_lib.nag_acknowledgments import acknowledge
from constructs_lib.service_function import ServiceFunction
from constructs_lib.service_tables import TTL_ATTRIBUTE, DataTable
from service_model.stages import LOG_RETENTION_NAMES, StageConfig, StageConfigError, load_stages
from service_model.test_events import HOOK_ASSET_DIR, TestEventError, load_events

HERE = Path(__file__).resolve().parent
SERVICE = "two-function-service"


class TwoFunctionService(Stack):
    """One stage: the audit table, every function of ``stages.toml``, their dashboard."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, termination_protection=config.termination_protection, **kwargs)
        self.audit = DataTable(
            self,
            "Audit",
            table_name=f"{config.name}-{SERVICE}-audit",
            partition_key="PK",
            sort_key="SK",
            ttl_attribute=TTL_ATTRIBUTE,
            retain=config.retain_data,
            point_in_time_recovery=config.point_in_time_recovery,
        )
        dashboard = CanaryDashboard(self, "Dashboard", dashboard_name=f"{construct_id}-canary")
        self.functions: dict[str, ServiceFunction] = {}
        for function in config.functions:
            self.functions[function.key] = ServiceFunction(
                self,
                function.construct_id,
                config=function,
                tables={"audit": self.audit.table},
                code_dir=HERE / "lambda_src" / function.code,
                hook_code_dir=HOOK_ASSET_DIR,  # the project's pre-traffic hook, shipped with the package
                events=load_events(HERE / function.events_dir),
                log_retention=getattr(logs.RetentionDays, LOG_RETENTION_NAMES[config.log_retention_days]),
                production=config.production,
                api_auth=config.api_auth,
            )
            dashboard.add_function(function.name, [alias.name for alias in function.aliases])
        CfnOutput(self, "AuditTableName", value=self.audit.table.table_name)
        self._acknowledge(config)

    def _acknowledge(self, config: StageConfig) -> None:
        """The cdk-nag findings this service's choices make expected, each on the construct it concerns."""
        for service_function in self.functions.values():
            api = service_function.api
            if api is not None and api.auth.open:  # the stage's reason, required by stages.toml
                acknowledge(api.api, {"AwsSolutions-APIG4": api.auth.reason})
            own_dlq = SCHEDULE_DLQ if service_function.schedule is not None else SYNCHRONOUS_ONLY
            acknowledge(service_function.function.function, {"Serverless-LambdaDLQ": own_dlq})
        if not config.point_in_time_recovery:
            acknowledge(self.audit, {"AwsSolutions-DDB3": NO_PITR})


SYNCHRONOUS_ONLY = (
    "Invoked synchronously (HTTP API, its pre-traffic hook); a dead-letter queue applies only to async calls."
)
SCHEDULE_DLQ = (
    "The schedule rule's target has its own dead-letter queue and retry policy, where EventBridge puts misses."
)
NO_PITR = "Heartbeats expire after a day; only prod keeps continuous backups of the table (stages.toml)."


def build(app: App, stage: str | None = None) -> dict[str, TwoFunctionService]:
    """``two-function-service-<stage>`` for ``stage``, or for every stage of ``stages.toml``."""
    stages = load_stages(HERE / "stages.toml")
    if stage is not None and stage not in stages:
        raise StageConfigError(f"unknown stage {stage!r}; valid stages: {', '.join(stages)}")
    built = {}
    for config in [stages[stage]] if stage else stages.values():
        env = Environment(account=config.account, region=config.region) if config.account or config.region else None
        built[config.name] = TwoFunctionService(app, f"{SERVICE}-{config.name}", config=config, env=env)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
    return built


if __name__ == "__main__":
    app = App(analytics_reporting=False)
    try:
        build(app, app.node.try_get_context("stage"))
    except (StageConfigError, TestEventError) as err:
        sys.exit(f"error: {err}")
    app.synth()
