"""The stage's own KMS key: one per stage, rotated yearly, retained, for its tables, logs and environments.

A customer-managed key puts the team, not AWS, in charge of who may decrypt the stage's data: the
key policy and the grants below name every principal, CloudTrail records every use, and disabling the
key locks the data. That power cuts both ways: a key scheduled for deletion makes every table and
backup under it unreadable, so the key is retained with the data (and the review gate treats its
removal or replacement as data loss).

Who may use it, and for what (pinned in tests/infrastructure/test_stage_key.py):
  - CloudWatch Logs, only for this account's log groups in this Region (encryption context);
  - each function's role, for exactly the tables it may touch: ``kms:Decrypt``/``kms:DescribeKey``
    to read, plus ``kms:Encrypt``/``kms:GenerateDataKey`` to write (CDK's table grants, without
    their wildcards), and ``kms:Decrypt`` for its own encrypted environment variables.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

READ_ACTIONS = ("kms:Decrypt", "kms:DescribeKey")
WRITE_ACTIONS = ("kms:Encrypt", "kms:GenerateDataKey")
DYNAMODB_WRITES = frozenset(
    {
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:TransactWriteItems",
    }
)
LOGS_ACTIONS = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:DescribeKey",
)
"""What CloudWatch Logs does with the key of an encrypted log group (its documented key policy, spelled out)."""
PENDING_WINDOW_DAYS = 30
"""The longest KMS allows: a deletion scheduled by mistake can be cancelled for a month."""


def key_actions_for(table_actions: Iterable[str]) -> tuple[str, ...]:
    """The key actions a principal needs for these DynamoDB actions on a table under the key."""
    actions = list(READ_ACTIONS)
    if any(action in DYNAMODB_WRITES for action in table_actions):
        actions += WRITE_ACTIONS
    return tuple(actions)


class StageKey(Construct):
    """Keyword-only props: stack_name (the alias is ``alias/<stack_name>``), retain (keep the key when
    the stack goes or the key is replaced: the stage keeps data). Exposes ``key`` and ``alias_name``."""

    def __init__(self, scope: Construct, construct_id: str, *, stack_name: str, retain: bool) -> None:
        super().__init__(scope, construct_id)
        self.alias_name = f"alias/{stack_name}"
        self.key = kms.Key(
            self,
            "Key",
            alias=self.alias_name,
            description=f"Encrypts the tables, log groups and function environments of {stack_name}",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
            pending_window=Duration.days(PENDING_WINDOW_DAYS),
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchLogsOfThisAccount",
                principals=[iam.ServicePrincipal(f"logs.{Aws.REGION}.amazonaws.com")],
                actions=list(LOGS_ACTIONS),
                resources=["*"],  # in a key policy, "*" is this key
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": (
                            f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:*"
                        )
                    }
                },
            )
        )

    def grant_table_use(self, grantee: iam.IGrantable, table_actions: Iterable[str]) -> None:
        """What ``grantee`` needs of the key to call ``table_actions`` on a table it encrypts."""
        self.key.grant(grantee, *key_actions_for(table_actions))
