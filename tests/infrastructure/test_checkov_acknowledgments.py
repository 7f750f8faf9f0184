"""checkov acknowledgments: the mechanism (on the resource, merged, refused without a reason or a real
check id) and exactly which skips each synthesized stage carries, on which resources."""

from __future__ import annotations

import re
from typing import Any

import pytest

REASON = "A reason long enough to say why this check does not apply here."
OTHER_REASON = "Another reason, also long enough to say why the check does not apply."
CDK_PROVIDER = "AWS679f53fac002430cb0da5b7982bd2287"


def a_stack() -> Any:
    from aws_cdk import App, Stack

    return Stack(App(), "Scratch")


def a_function(stack: Any, construct_id: str = "Fn") -> Any:
    from aws_cdk import aws_lambda as lambda_

    return lambda_.Function(
        stack,
        construct_id,
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context): return None"),
    )


def skips_of(construct: Any) -> list[dict[str, str]]:
    from constructs_lib.checkov_acknowledgments import cfn_resource_of

    metadata = cfn_resource_of(construct).get_metadata("checkov")
    return [] if metadata is None else list(metadata["skip"])


def test_an_acknowledgment_lands_on_the_construct_s_cloudformation_resource():
    from aws_cdk import aws_lambda as lambda_

    from constructs_lib.checkov_acknowledgments import acknowledge_checkov

    function = a_function(a_stack())
    acknowledge_checkov(function, {"CKV_AWS_117": REASON})
    cfn_function = function.node.default_child
    assert isinstance(cfn_function, lambda_.CfnFunction)
    assert cfn_function.get_metadata("checkov") == {"skip": [{"id": "CKV_AWS_117", "comment": REASON}]}
    acknowledge_checkov(cfn_function, {"CKV2_AWS_5": REASON})  # a CfnResource itself is accepted too
    assert [skip["id"] for skip in skips_of(function)] == ["CKV_AWS_117", "CKV2_AWS_5"]


def test_acknowledgments_merge_and_never_drop_an_earlier_skip():
    from constructs_lib.checkov_acknowledgments import acknowledge_checkov

    function = a_function(a_stack())
    cfn_function = function.node.default_child
    earlier = {"id": "CKV_AWS_50", "comment": "added by hand before"}
    cfn_function.add_metadata("checkov", {"skip": [earlier], "note": "kept"})
    acknowledge_checkov(function, {"CKV_AWS_117": REASON})
    acknowledge_checkov(function, {"CKV_AWS_115": OTHER_REASON, "CKV_AWS_117": REASON})  # the same again: no-op
    assert cfn_function.get_metadata("checkov") == {
        "skip": [earlier, {"id": "CKV_AWS_117", "comment": REASON}, {"id": "CKV_AWS_115", "comment": OTHER_REASON}],
        "note": "kept",
    }


def test_the_same_check_with_another_reason_is_refused():
    from constructs_lib.checkov_acknowledgments import acknowledge_checkov

    function = a_function(a_stack())
    acknowledge_checkov(function, {"CKV_AWS_117": REASON})
    with pytest.raises(ValueError, match="already acknowledged with another reason"):
        acknowledge_checkov(function, {"CKV_AWS_117": OTHER_REASON})
    assert skips_of(function) == [{"id": "CKV_AWS_117", "comment": REASON}]


@pytest.mark.parametrize("reason", ["", "because", "Seven words are not quite enough here."])
def test_a_reason_under_eight_words_is_refused(reason):
    from constructs_lib.checkov_acknowledgments import acknowledge_checkov

    function = a_function(a_stack())
    with pytest.raises(ValueError, match="the reason must say why, in at least 8 words"):
        acknowledge_checkov(function, {"CKV_AWS_117": reason})
    assert skips_of(function) == []


@pytest.mark.parametrize(
    "check", ["CKV_AWS_", "ckv_aws_117", "CKV_AWS_117a", " CKV_AWS_117", "CKV_AZURE_1", "AwsSolutions-L1", "CKV3_AWS_1"]
)
def test_anything_but_a_checkov_aws_check_id_is_refused(check):
    from constructs_lib.checkov_acknowledgments import acknowledge_checkov

    function = a_function(a_stack())
    with pytest.raises(ValueError, match="is not a checkov AWS check id"):
        acknowledge_checkov(function, {"CKV_AWS_116": REASON, check: REASON})
    assert skips_of(function) == [], "a refused batch adds nothing, not even its valid entries"


def test_a_construct_without_a_cloudformation_resource_is_refused_by_path():
    from constructs import Construct

    from constructs_lib.checkov_acknowledgments import acknowledge_checkov

    group = Construct(a_stack(), "Group")
    with pytest.raises(ValueError, match=r"^Scratch/Group: no CloudFormation resource"):
        acknowledge_checkov(group, {"CKV_AWS_117": REASON})


def skips_by_resource(template: dict[str, Any]) -> dict[str, list[str]]:
    """Logical ID without its hash -> the checkov check ids skipped on it, for every resource with skips."""
    found = {}
    for logical_id, resource in template["Resources"].items():
        skips = resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
        if skips:
            found[re.sub(r"[0-9A-F]{8}$", "", logical_id)] = sorted(skip["id"] for skip in skips)
    return found


PROVIDER_SKIPS = {
    CDK_PROVIDER: ["CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117"],
    f"{CDK_PROVIDER}LogGroup": ["CKV_AWS_158"],
}
NO_PITR = "CKV_AWS_28"
NO_KEY = "CKV_AWS_119"  # a table without the stage's key (dev: customer_managed_key = false)
NO_RESERVATION = "CKV_AWS_115"
OWN_FAILURE_PATH = "CKV_AWS_116"  # invoked synchronously, or through a stream with its own on-failure queue
SSE_SQS = "CKV_AWS_27"
PLAIN_LOGS = "CKV_AWS_158"
PLAIN_ENVIRONMENT = "CKV_AWS_173"
NO_VPC = "CKV_AWS_117"
EXPECTED = {
    "dev": {  # no stage key, no reservation, no point-in-time recovery
        **{f"Tables{kind}Table": sorted([NO_KEY, NO_PITR]) for kind in ("Orders", "Config", "Audit")},
        "OrderApiFunction": sorted([NO_RESERVATION, OWN_FAILURE_PATH, NO_VPC, PLAIN_ENVIRONMENT]),
        "OrderApiLogs": [PLAIN_LOGS],
        "HttpApiAccessLogs": [PLAIN_LOGS],
        "OrderWorkerFunction": sorted([NO_RESERVATION, OWN_FAILURE_PATH, NO_VPC, PLAIN_ENVIRONMENT]),
        "OrderWorkerLogs": [PLAIN_LOGS],
        "OrderWorkerStreamTriggerOnFailure": [SSE_SQS],
        **PROVIDER_SKIPS,
    },
    "staging": {  # its key encrypts everything; no reservation, no point-in-time recovery
        **{f"Tables{kind}Table": [NO_PITR] for kind in ("Orders", "Config", "Audit")},
        "OrderApiFunction": sorted([NO_RESERVATION, OWN_FAILURE_PATH, NO_VPC]),
        "PreTrafficHookStagingFunction": sorted([NO_RESERVATION, NO_VPC]),
        "PreTrafficHookStagingUndelivered": [SSE_SQS],
        "OrderWorkerFunction": sorted([NO_RESERVATION, OWN_FAILURE_PATH, NO_VPC]),
        "OrderWorkerPreTrafficHookStagingFunction": sorted([NO_RESERVATION, NO_VPC]),
        "OrderWorkerPreTrafficHookStagingUndelivered": [SSE_SQS],
        "OrderWorkerStreamTriggerOnFailure": [SSE_SQS],
        **PROVIDER_SKIPS,
    },
    "prod": {  # key, reservations (hooks: 1) and point-in-time recovery: only design choices remain
        "OrderApiFunction": sorted([OWN_FAILURE_PATH, NO_VPC]),
        "PreTrafficHookProdFunction": [NO_VPC],
        "PreTrafficHookProdUndelivered": [SSE_SQS],
        "OrderWorkerFunction": sorted([OWN_FAILURE_PATH, NO_VPC]),
        "OrderWorkerPreTrafficHookProdFunction": [NO_VPC],
        "OrderWorkerPreTrafficHookProdUndelivered": [SSE_SQS],
        "OrderWorkerStreamTriggerOnFailure": [SSE_SQS],
        **PROVIDER_SKIPS,
    },
}


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_each_stage_carries_exactly_the_expected_checkov_skips(synthesized, stage):
    assert skips_by_resource(synthesized.templates[stage].to_json()) == EXPECTED[stage]


def checkov_skips(resource: dict[str, Any]) -> list[dict[str, str]]:
    return list(resource.get("Metadata", {}).get("checkov", {}).get("skip", []))


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_every_function_of_the_stage_is_acknowledged_for_its_vpc_and_every_reason_is_a_sentence(synthesized, stage):
    resources = synthesized.templates[stage].to_json()["Resources"]
    functions = {k for k, v in resources.items() if v["Type"] == "AWS::Lambda::Function"}
    no_vpc = {k for k, v in resources.items() if any(skip["id"] == "CKV_AWS_117" for skip in checkov_skips(v))}
    assert no_vpc == functions
    for resource in resources.values():
        for skip in checkov_skips(resource):
            assert len(skip["comment"].split()) >= 8, skip


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_each_choice_is_acknowledged_only_where_the_resource_shows_it(synthesized, stage):
    """An acknowledgment of a real choice (keys, reservations, dead-letter queues, SQS encryption) sits only
    on a resource whose own properties show that choice: never where the fix is there to be seen."""
    resources = synthesized.templates[stage].to_json()["Resources"]
    for logical_id, resource in resources.items():
        if logical_id.startswith(CDK_PROVIDER):
            continue
        ids = {skip["id"] for skip in checkov_skips(resource)}
        properties = resource.get("Properties", {})
        if NO_RESERVATION in ids:
            assert "ReservedConcurrentExecutions" not in properties, logical_id
        if OWN_FAILURE_PATH in ids:
            assert "DeadLetterConfig" not in properties, logical_id
        if PLAIN_ENVIRONMENT in ids:
            assert "KmsKeyArn" not in properties, logical_id
        if PLAIN_LOGS in ids:
            assert "KmsKeyId" not in properties, logical_id
        if NO_KEY in ids:
            assert "KMSMasterKeyId" not in properties["SSESpecification"], logical_id
        if SSE_SQS in ids:
            assert properties.get("SqsManagedSseEnabled") is True and "KmsMasterKeyId" not in properties, logical_id
