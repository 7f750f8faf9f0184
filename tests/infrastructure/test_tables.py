"""Tables: names, keys, billing, tags, and data protection per stage (FACTS: DeletionPolicy alone
does not protect a replaced resource; UpdateReplacePolicy does)."""

from __future__ import annotations

import pytest

TABLE = "AWS::DynamoDB::Table"
KEYS = {
    "orders": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
    "config": [{"AttributeName": "configKey", "KeyType": "HASH"}],
    "audit": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
}


def table(template, stage: str, kind: str) -> dict:
    found = template.find_resources(TABLE, {"Properties": {"TableName": f"{stage}-version-demo-{kind}"}})
    assert len(found) == 1, f"expected one {kind} table in {stage}, found {len(found)}"
    return next(iter(found.values()))


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
@pytest.mark.parametrize("kind", ["orders", "config", "audit"])
def test_table_has_seed_name_keys_on_demand_billing_and_environment_tag(synthesized, stage, kind):
    props = table(synthesized.templates[stage], stage, kind)["Properties"]
    assert props["KeySchema"] == KEYS[kind]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert {"Key": "Environment", "Value": stage} in props["Tags"]
    assert all(a["AttributeType"] == "S" for a in props["AttributeDefinitions"])


@pytest.mark.parametrize("kind", ["orders", "config", "audit"])
def test_dev_tables_go_away_with_the_stack(synthesized, kind):
    resource = table(synthesized.templates["dev"], "dev", kind)
    assert resource["DeletionPolicy"] == "Delete"
    assert resource["UpdateReplacePolicy"] == "Delete"


@pytest.mark.parametrize("stage", ["staging", "prod"])
@pytest.mark.parametrize("kind", ["orders", "config", "audit"])
def test_staging_and_prod_tables_are_kept_on_delete_and_on_replacement(synthesized, stage, kind):
    resource = table(synthesized.templates[stage], stage, kind)
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"


@pytest.mark.parametrize("kind", ["orders", "config", "audit"])
def test_prod_tables_have_deletion_protection_and_point_in_time_recovery(synthesized, kind):
    props = table(synthesized.templates["prod"], "prod", kind)["Properties"]
    assert props["DeletionProtectionEnabled"] is True
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


@pytest.mark.parametrize("stage", ["dev", "staging"])
def test_non_prod_tables_have_no_deletion_protection(synthesized, stage):
    synthesized.templates[stage].has_resource_properties(
        TABLE,
        {"TableName": f"{stage}-version-demo-orders", "DeletionProtectionEnabled": False},
    )


@pytest.mark.parametrize("kind", ["orders", "audit"])
def test_orders_and_audit_items_can_expire(synthesized, kind):
    props = table(synthesized.templates["prod"], "prod", kind)["Properties"]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_stage_config_names_the_tables_the_stack_creates(synthesized, stage):
    """The CLI finds tables through StageConfig.table_name; it must agree with the template."""
    from service_model.stages import load_stage

    config = load_stage(stage)
    for kind in ("orders", "config", "audit"):
        template = synthesized.templates[stage]
        found = template.find_resources(TABLE, {"Properties": {"TableName": config.table_name(kind)}})
        assert len(found) == 1, kind


def test_each_stage_has_exactly_three_tables(synthesized):
    for template in synthesized.templates.values():
        template.resource_count_is(TABLE, 3)
