"""The function reaches only its own stage's tables, with the least actions it needs."""

from __future__ import annotations

import pytest

# The actions written out here, not imported from the stack: a test that compared the grant with the
# stack's own constants would pass whatever the stack widened them to. What the handler needs:
# GetItem (order status, idempotency record) and the puts of its TransactWriteItems (authorized per
# item as PutItem) on orders; the audit entry's put; BatchGetItem of the runtime settings on config.
ORDERS_ACTIONS = {"dynamodb:GetItem", "dynamodb:PutItem"}
AUDIT_ACTIONS = {"dynamodb:PutItem"}
CONFIG_ACTIONS = {"dynamodb:BatchGetItem"}


def function_statements(template) -> list[dict]:
    fn = next(iter(template.find_resources("AWS::Lambda::Function").values()))
    role_id = fn["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_dynamodb_access_is_per_table_and_limited(synthesized, stage):
    template = synthesized.templates[stage]
    tables = {
        r["Properties"]["TableName"].rsplit("-", 1)[1]: logical
        for logical, r in template.find_resources("AWS::DynamoDB::Table").items()
    }
    granted: dict[str, set[str]] = {}
    for statement in function_statements(template):
        actions = as_list(statement["Action"])
        if not any(a.startswith("dynamodb:") for a in actions):
            continue
        assert statement["Effect"] == "Allow"
        for resource in as_list(statement["Resource"]):
            assert "Fn::GetAtt" in resource, f"dynamodb access must name a table, got {resource}"
            granted.setdefault(resource["Fn::GetAtt"][0], set()).update(actions)
    assert granted == {
        tables["orders"]: ORDERS_ACTIONS,
        tables["audit"]: AUDIT_ACTIONS,
        tables["config"]: CONFIG_ACTIONS,
    }


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_no_wildcard_actions_and_logs_only_to_its_own_group(synthesized, stage):
    template = synthesized.templates[stage]
    log_group = next(
        k
        for k, v in template.find_resources("AWS::Logs::LogGroup").items()
        if v["Properties"].get("LogGroupName") == f"/aws/lambda/{stage}-VersionedOrderAPI"
    )
    for statement in function_statements(template):
        actions = as_list(statement["Action"])
        assert not any(a.endswith("*") for a in actions), actions
        if any(a.startswith("logs:") for a in actions):
            assert statement["Resource"] == {"Fn::GetAtt": [log_group, "Arn"]}


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_function_role_has_no_managed_policies(synthesized, stage):
    template = synthesized.templates[stage]
    fn = next(iter(template.find_resources("AWS::Lambda::Function").values()))
    role = template.to_json()["Resources"][fn["Properties"]["Role"]["Fn::GetAtt"][0]]
    assert "ManagedPolicyArns" not in role["Properties"]
