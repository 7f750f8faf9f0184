"""The stage's own KMS key: where it is, what it encrypts, and exactly who may use it for what."""

from __future__ import annotations

import copy
import tomllib
from typing import Any

import pytest

from service_model.stages import StageConfigError, parse_stages, stages_file
from tests.conftest import Synthesized

KEYED = ["staging", "prod"]
CDK_PROVIDER = "AWS679f53fac002430cb0da5b7982bd2287"
"""CDK's shared AwsCustomResource provider (it creates the console test-event registry at deploy time)."""
# Written out, not imported from constructs_lib.stage_key: a test comparing the grants with the
# construct's own constants would pass whatever the construct widened them to.
READ = ["kms:Decrypt", "kms:DescribeKey"]
READ_WRITE = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]


def key_id(template: Any) -> str:
    (logical_id,) = template.find_resources("AWS::KMS::Key")
    return str(logical_id)


def test_only_the_stages_that_say_so_have_a_key(synthesized: Synthesized) -> None:
    assert {stage for stage, t in synthesized.templates.items() if t.find_resources("AWS::KMS::Key")} == set(KEYED)
    dev_tables = synthesized.templates["dev"].find_resources("AWS::DynamoDB::Table").values()
    assert [t["Properties"]["SSESpecification"] for t in dev_tables] == [{"SSEEnabled": True}] * 3


@pytest.mark.parametrize("stage", KEYED)
def test_the_key_rotates_is_retained_and_named_after_the_stack(synthesized: Synthesized, stage: str) -> None:
    template = synthesized.templates[stage]
    (key,) = template.find_resources("AWS::KMS::Key").values()
    assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == "Retain"
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["Properties"]["PendingWindowInDays"] == 30
    (alias,) = template.find_resources("AWS::KMS::Alias").values()
    assert alias["Properties"] == {
        "AliasName": f"alias/version-demo-{stage}",
        "TargetKeyId": {"Fn::GetAtt": [key_id(template), "Arn"]},
    }


@pytest.mark.parametrize("stage", KEYED)
def test_tables_log_groups_and_environments_are_encrypted_with_it(synthesized: Synthesized, stage: str) -> None:
    template = synthesized.templates[stage]
    arn = {"Fn::GetAtt": [key_id(template), "Arn"]}
    for table in template.find_resources("AWS::DynamoDB::Table").values():
        assert table["Properties"]["SSESpecification"] == {"KMSMasterKeyId": arn, "SSEEnabled": True, "SSEType": "KMS"}
    log_groups = template.find_resources("AWS::Logs::LogGroup")
    unencrypted = sorted(lid for lid, group in log_groups.items() if group["Properties"].get("KmsKeyId") != arn)
    assert unencrypted == [f"{CDK_PROVIDER}LogGroup449FB7C2"]
    functions = template.find_resources("AWS::Lambda::Function")
    plain = sorted(lid for lid, fn in functions.items() if fn["Properties"].get("KmsKeyArn") != arn)
    assert plain == [f"{CDK_PROVIDER}2D164C4C"], "only CDK's provider (it has no environment) is not ours to key"


def _key_grants(template: Any) -> dict[str, list[str]]:
    """Role logical ID -> the KMS actions its policies allow on the stage key (nothing else may name it)."""
    arn = {"Fn::GetAtt": [key_id(template), "Arn"]}
    grants: dict[str, list[str]] = {}
    for policy in template.find_resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            kms = [a for a in actions if a.startswith("kms:")]
            if not kms:
                continue
            assert statement["Resource"] == arn, f"a KMS grant on something else: {statement}"
            assert kms == actions, f"KMS actions share a statement with others: {statement}"
            for role in policy["Properties"]["Roles"]:
                grants.setdefault(role["Ref"], []).extend(kms)
    return {role: sorted(set(actions)) for role, actions in grants.items()}


def test_who_may_use_the_prod_key_and_for_what(synthesized: Synthesized) -> None:
    # The Order API writes orders and audit records and reads config; the worker updates orders and
    # reads their stream; each pre-traffic hook only decrypts its own environment.
    assert _key_grants(synthesized.templates["prod"]) == {
        "OrderApiRoleF9D0D1EB": READ_WRITE,
        "OrderWorkerRole802F2FDD": READ_WRITE,
        "PreTrafficHookProdRole22A2739A": ["kms:Decrypt"],
        "OrderWorkerPreTrafficHookProdRole84ADEFAA": ["kms:Decrypt"],
    }


def test_the_key_policy_lets_in_the_account_and_its_own_log_groups_only(synthesized: Synthesized) -> None:
    (key,) = synthesized.templates["prod"].find_resources("AWS::KMS::Key").values()
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    assert [s.get("Principal") for s in statements] == [
        {"AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]}},
        {"Service": {"Fn::Join": ["", ["logs.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}},
    ]
    logs = statements[1]
    assert sorted(logs["Action"]) == [
        "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo",
    ]  # fmt: skip
    assert logs["Condition"] == {
        "ArnLike": {
            "kms:EncryptionContext:aws:logs:arn": {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        ":logs:",
                        {"Ref": "AWS::Region"},
                        ":",
                        {"Ref": "AWS::AccountId"},
                        ":log-group:*",
                    ],
                ]
            }
        }
    }


BASE = tomllib.loads(stages_file().read_text(encoding="utf-8"))


def test_reserved_concurrency_is_prods_choice_per_function(synthesized: Synthesized) -> None:
    reserved = {
        stage: {
            fn["Properties"]["FunctionName"]: fn["Properties"].get("ReservedConcurrentExecutions")
            for fn in template.find_resources("AWS::Lambda::Function").values()
            if fn["Properties"].get("FunctionName", "").endswith(("VersionedOrderAPI", "OrderWorker", "-prod"))
        }
        for stage, template in synthesized.templates.items()
    }
    assert reserved == {
        "dev": {"dev-VersionedOrderAPI": None, "dev-OrderWorker": None},
        "staging": {"staging-VersionedOrderAPI": None, "staging-OrderWorker": None},
        # A hook runs once per deployment of its alias, one deployment at a time: where the function
        # reserves, its hook reserves that one execution.
        "prod": {
            "prod-VersionedOrderAPI": 50,
            "prod-OrderWorker": 5,
            "CodeDeployHook_prod-VersionedOrderAPI-prod": 1,
            "CodeDeployHook_prod-OrderWorker-prod": 1,
        },
    }


def _with_prod_api(**settings: Any) -> dict[str, Any]:
    raw = copy.deepcopy(BASE)
    raw["stages"]["prod"]["functions"]["order-api"] = settings
    return raw


def test_a_reservation_must_hold_the_aliases_provisioned_concurrency() -> None:
    raw = _with_prod_api(reserved_concurrency=4)
    raw["stages"]["prod"]["aliases"][0]["provisioned_concurrency"] = 5
    with pytest.raises(StageConfigError) as caught:
        parse_stages(raw)
    assert str(caught.value) == (
        "stage 'prod': function 'order-api': its aliases' provisioned_concurrency adds up to 5, more than its "
        "reserved_concurrency 4; Lambda refuses provisioned concurrency above the reservation"
    )
    raw["stages"]["prod"]["aliases"][0]["provisioned_concurrency"] = 4
    assert parse_stages(raw)["prod"].function("order-api").reserved_concurrency == 4


@pytest.mark.parametrize("value", [0, -1])
def test_a_reservation_below_one_is_refused(value: int) -> None:
    with pytest.raises(StageConfigError) as caught:
        parse_stages(_with_prod_api(reserved_concurrency=value))
    assert f"reserved_concurrency must be >= 1, got {value} (0 would throttle every invocation" in str(caught.value)


def test_a_reservation_must_be_a_whole_number() -> None:
    with pytest.raises(StageConfigError) as caught:
        parse_stages(_with_prod_api(reserved_concurrency="50"))
    assert "stage 'prod': function 'order-api': reserved_concurrency must be int, got str '50'" in str(caught.value)


def test_customer_managed_key_must_be_a_boolean() -> None:
    raw = copy.deepcopy(BASE)
    raw["stages"]["prod"]["customer_managed_key"] = "yes"
    with pytest.raises(StageConfigError) as caught:
        parse_stages(raw)
    assert "stage 'prod': customer_managed_key must be bool, got str 'yes'" in str(caught.value)
