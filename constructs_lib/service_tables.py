"""The service's DynamoDB tables (orders, config, audit) with data protection chosen per stage.

A table that is replaced loses its data, so a stage that keeps data sets *both* DeletionPolicy and
UpdateReplacePolicy to Retain (DeletionPolicy alone does not protect against replacement).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import RemovalPolicy, Tags
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

TTL_ATTRIBUTE = "expiresAt"
"""Epoch seconds after which DynamoDB deletes an item (smoke-test orders expire by themselves)."""

_STRING = dynamodb.AttributeType.STRING


class DataTable(Construct):
    """One on-demand DynamoDB table with safe defaults.

    Keyword-only props:
      table_name: physical name (required; the seed's ``<stage>-version-demo-<kind>``).
      partition_key / sort_key: string attribute names (sort_key default: none).
      retain: keep the table on stack delete *and* on replacement (default True).
      deletion_protection: refuse DeleteTable (default False).
      point_in_time_recovery: continuous backups (default False).
      ttl_attribute: attribute DynamoDB expires items by (default: none).
      encryption_key: a customer-managed key (default: the AWS-managed ``aws/dynamodb`` key). Changing
        it is an update of the table, never a replacement (SSESpecification: "Update requires: No interruption").
      overrides: any further ``dynamodb.Table`` keyword arguments, applied last (CDK's own props).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table_name: str,
        partition_key: str,
        sort_key: str | None = None,
        retain: bool = True,
        deletion_protection: bool = False,
        point_in_time_recovery: bool = False,
        ttl_attribute: str | None = None,
        encryption_key: kms.IKey | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        if deletion_protection and not retain:
            raise ValueError(f"{construct_id}: deletion_protection=True needs retain=True")
        props: dict[str, Any] = {
            "table_name": table_name,
            "partition_key": dynamodb.Attribute(name=partition_key, type=_STRING),
            "billing_mode": dynamodb.BillingMode.PAY_PER_REQUEST,
            "encryption": (
                dynamodb.TableEncryption.CUSTOMER_MANAGED if encryption_key else dynamodb.TableEncryption.AWS_MANAGED
            ),
            "removal_policy": RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
            "deletion_protection": deletion_protection,
            "point_in_time_recovery_specification": dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=point_in_time_recovery
            ),
        }
        if encryption_key:
            props["encryption_key"] = encryption_key
        if sort_key:
            props["sort_key"] = dynamodb.Attribute(name=sort_key, type=_STRING)
        if ttl_attribute:
            props["time_to_live_attribute"] = ttl_attribute
        props.update(overrides or {})
        self.table = dynamodb.Table(self, "Table", **props)


class ServiceTables(Construct):
    """The seed's orders (PK/SK), config (configKey) and audit (PK/SK) tables for one stage.

    Exposes ``orders``, ``config`` and ``audit`` (``dynamodb.Table``). Every table is tagged
    ``Environment=<stage>``.
    ``encryption_key`` (optional) encrypts all three. ``overrides`` maps ``"orders"|"config"|"audit"`` to Table kwargs.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: str,
        table_name_prefix: str,
        retain: bool = True,
        deletion_protection: bool = False,
        point_in_time_recovery: bool = False,
        encryption_key: kms.IKey | None = None,
        overrides: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        unknown = set(overrides or {}) - {"orders", "config", "audit"}
        if unknown:
            raise ValueError(
                f"{construct_id}: overrides has unknown table(s) {sorted(unknown)}; allowed: orders, config, audit"
            )

        def table(kind: str, partition_key: str, sort_key: str | None, ttl: str | None) -> dynamodb.Table:
            data = DataTable(
                self,
                kind.capitalize(),
                table_name=f"{table_name_prefix}-{kind}",
                partition_key=partition_key,
                sort_key=sort_key,
                retain=retain,
                deletion_protection=deletion_protection,
                point_in_time_recovery=point_in_time_recovery,
                ttl_attribute=ttl,
                encryption_key=encryption_key,
                overrides=(overrides or {}).get(kind),
            )
            return data.table

        self.orders = table("orders", "PK", "SK", TTL_ATTRIBUTE)
        self.config = table("config", "configKey", None, None)
        self.audit = table("audit", "PK", "SK", TTL_ATTRIBUTE)
        Tags.of(self).add("Environment", stage)
