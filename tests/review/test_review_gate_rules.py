"""The gate's rules one at a time, and every report it writes pinned whole.

``test_report_matches_snapshot`` renders the JSON report of each corpus case and of the small cases
below and compares it with the stored snapshot (``pytest --snapshot-update`` after an intended
change): every finding's message, every note and verdict is what a reviewer reads before a release,
so a change to any of them must show in a diff. The other tests state the rules directly.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from release_cli.review import Action, Replacement, review_templates
from release_cli.review.churn import mark_churn
from release_cli.review.model import ResourceChange
from release_cli.review.renames import find_renames, same_identity
from release_cli.review.render_json import render_json
from release_cli.review.review import gate_changes
from release_cli.review.stateful import load_stateful_types
from tests.review.conftest import CORPUS, corpus_pair

KEY = [{"AttributeName": "pk", "KeyType": "HASH"}]


def table(policy: str | None = "Retain", **props: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {"Type": "AWS::DynamoDB::Table", "Properties": {"KeySchema": KEY, **props}}
    if policy:
        resource["DeletionPolicy"] = resource["UpdateReplacePolicy"] = policy
    return resource


def version(function: str, policy: str | None = "Retain") -> dict[str, Any]:
    resource: dict[str, Any] = {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": function}}}
    if policy:
        resource["DeletionPolicy"] = policy
    return resource


def tpl(**resources: Any) -> dict[str, Any]:
    return {"Resources": resources}


CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "snapshot_policy_removed": (tpl(T=table("Snapshot")), tpl()),
    "deleted_table": (tpl(T=table(None)), tpl()),
    "replaced_keeping_retain": (tpl(T=table()), tpl(T=table(KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}]))),
    "replaced_fixed_name": (
        tpl(T=table(None, TableName="orders")),
        tpl(T=table(None, TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])),
    ),
    "replaced_and_retain_dropped": (
        tpl(T=table()),
        tpl(T=table(None, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])),
    ),
    "retain_except_on_create_dropped": (tpl(T=table("RetainExceptOnCreate")), tpl(T=table("Delete"))),
    "unknown_type_modified": (
        tpl(Q={"Type": "AWS::Custom::Store", "Properties": {"A": 1}}),
        tpl(Q={"Type": "AWS::Custom::Store", "Properties": {"A": 2}}),
    ),
    "version_deleted_not_retained": (tpl(V1=version("Fn", None)), tpl(V2=version("Fn", None))),
    "version_republished_same_id": (
        tpl(V={"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": "fn", "Description": "a"}}),
        tpl(V={"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": "fn", "Description": "b"}}),
    ),
    "cdk_analytics_only": (
        tpl(M={"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:a"}}),
        tpl(M={"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:b"}}),
    ),
    "two_renames_of_identical_tables": (tpl(A=table(), B=table()), tpl(C=table(), D=table())),
    "rename_of_a_table_without_retain": (tpl(A=table(None)), tpl(B=table(None))),
    "replaced_fixed_name_from_sub": (
        tpl(T=table(None, TableName={"Fn::Sub": ["${b}-${a}", {"b": "x", "a": "y"}]})),
        tpl(
            T=table(
                None,
                TableName={"Fn::Sub": ["${b}-${a}", {"b": "x", "a": "y"}]},
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            )
        ),
    ),
}


def _json_report(old: dict[str, Any], new: dict[str, Any], label: str) -> Any:
    return json.loads(render_json([review_templates(old=old, new=new, label=label, stage="dev")]))


SNAPSHOT_CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) + sorted(CASES)


@pytest.mark.parametrize("case", SNAPSHOT_CASES)
def test_report_matches_snapshot(case: str, snapshot: Any) -> None:
    if case in CASES:
        old, new = CASES[case]
        document = _json_report(copy.deepcopy(old), copy.deepcopy(new), case)
    else:
        pair = corpus_pair(case)
        from release_cli.review.templates import load_template_file

        document = _json_report(load_template_file(path=pair.old), load_template_file(path=pair.new), case)
    assert document == snapshot(extension_class=JSONSnapshotExtension)


# --- churn ---------------------------------------------------------------------------------------


def _kinds(case: str) -> list[str]:
    old, new = CASES[case]
    return [f.kind for f in review_templates(old=old, new=new, label=case).findings]


def test_a_version_pair_needs_the_same_function() -> None:
    report = review_templates(old=tpl(V1=version("Fn")), new=tpl(V2=version("Other")), label="t")
    assert [c.churn for c in report.changes] == [None, None]


def test_an_unmatched_removed_version_does_not_stop_the_pairing() -> None:
    old, new = tpl(V0=version("Gone"), V1=version("Fn")), tpl(V2=version("Fn"))
    churn = {c.logical_id: c.churn for c in review_templates(old=old, new=new, label="t").changes}
    assert churn == {"V0": None, "V1": "lambda-version", "V2": "lambda-version"}


def test_metadata_and_a_property_change_is_not_metadata_churn() -> None:
    old = tpl(T=table(None, BillingMode="PROVISIONED"))
    new = tpl(T={**table(None, BillingMode="PAY_PER_REQUEST"), "Metadata": {"x": 1}})
    assert review_templates(old=old, new=new, label="t").changes[0].churn is None


def test_cdk_metadata_with_other_attribute_changes_is_not_churn() -> None:
    old = tpl(M={"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "a"}})
    new = tpl(M={"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "b"}, "Condition": "C"})
    assert review_templates(old=old, new=new, label="t").changes[0].churn is None


LAMBDA_VERSION = {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": "fn"}}


@pytest.mark.parametrize(("old", "new"), [(None, LAMBDA_VERSION), (LAMBDA_VERSION, None)])
def test_a_change_missing_one_side_is_never_churn(old: Any, new: Any) -> None:
    change = ResourceChange("R", "AWS::Lambda::Version", Action.MODIFY, old=old, new=new)
    mark_churn(changes={"R": change})
    assert (change.churn, change.notes) == (None, [])


def test_only_modified_resources_are_churn_and_every_one_is_looked_at() -> None:
    added = ResourceChange("A", "AWS::Lambda::Version", Action.ADD, old=LAMBDA_VERSION, new=LAMBDA_VERSION)
    modified = ResourceChange("M", "AWS::Lambda::Version", Action.MODIFY, old=LAMBDA_VERSION, new=LAMBDA_VERSION)
    mark_churn(changes={"A": added, "M": modified})
    assert (added.churn, modified.churn) == (None, "lambda-version")


def test_cdk_analytics_with_a_metadata_change_is_still_churn() -> None:
    old = tpl(M={"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "a"}, "Metadata": {"x": 1}})
    new = tpl(M={"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "b"}, "Metadata": {"x": 2}})
    assert review_templates(old=old, new=new, label="t").changes[0].churn == "metadata-only"


# --- renames -------------------------------------------------------------------------------------

IDENTITY = ("TableName", "KeySchema")


@pytest.mark.parametrize(
    ("old", "new", "same"),
    [
        ({"TableName": "t"}, {"TableName": "t", "Billing": 1}, True),
        ({"TableName": "t"}, {"TableName": "u"}, False),
        ({"TableName": "t"}, {}, False),
        ({}, {"TableName": "t"}, False),
        ({"KeySchema": 1, "TableName": "t"}, {"KeySchema": 2, "TableName": "t"}, False),
        ({"Other": 1}, {"Other": 1}, True),
        ({"Other": 1}, {"Other": 2}, False),
        ({"TableName": "t", "KeySchema": 1}, {"KeySchema": 1}, False),
        ({}, {"TableName": None}, False),
        ({"TableName": None}, {}, False),
    ],
)
def test_same_identity(old: dict[str, Any], new: dict[str, Any], same: bool) -> None:
    assert same_identity(old=old, new=new, identity=IDENTITY) is same


def _changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, ResourceChange]:
    return {c.logical_id: c for c in review_templates(old=old, new=new, label="t").changes}


def test_each_added_resource_pairs_with_one_removed_one() -> None:
    changes = _changes(tpl(A=table(), B=table()), tpl(C=table()))
    assert find_renames(changes=changes, stateful=load_stateful_types()) == [("A", "C")]


def test_renames_pair_only_stateful_resources_of_one_type() -> None:
    queue = {"Type": "AWS::SNS::Topic", "Properties": {}}
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {}}
    assert find_renames(changes=_changes(tpl(Q=queue), tpl(R=queue)), stateful=load_stateful_types()) == []
    assert find_renames(changes=_changes(tpl(T=table()), tpl(B=bucket)), stateful=load_stateful_types()) == []


def test_a_rename_keeps_looking_past_a_different_table() -> None:
    old = tpl(A=table(TableName="a"))
    new = tpl(X=table(TableName="x"), Y=table(TableName="a"))
    assert find_renames(changes=_changes(old, new), stateful=load_stateful_types()) == [("A", "Y")]


def test_resources_without_properties_compare_as_empty() -> None:
    bare = {"Type": "AWS::S3::Bucket"}
    assert find_renames(changes=_changes(tpl(A=bare), tpl(B=bare)), stateful=load_stateful_types()) == [("A", "B")]


# --- gate ----------------------------------------------------------------------------------------


def test_replacement_and_lost_retain_are_two_findings() -> None:
    assert _kinds("replaced_and_retain_dropped") == ["replacement", "retain-removed"]


def test_stateful_type_replaced_by_a_stateless_one_is_still_judged() -> None:
    old, new = tpl(T=table(None)), tpl(T={"Type": "AWS::SNS::Topic", "Properties": {}})
    assert [f.kind for f in review_templates(old=old, new=new, label="t").findings] != []


def test_unknown_replacement_of_a_stateful_resource_is_danger() -> None:
    # A change set may omit Replacement for a row; with nothing to classify it offline it stays Unknown.
    change = ResourceChange("T", "AWS::DynamoDB::Table", Action.MODIFY, replacement=Replacement.UNKNOWN)
    report = gate_changes(changes={"T": change}, label="t", stage=None, allowances=None, notices=None)
    assert [(f.kind, f.logical_ids, f.resource_type, f.message) for f in report.findings] == [
        (
            "unknown-replacement",
            ("T",),
            "AWS::DynamoDB::Table",
            "modified, and neither the change set nor the templates tell whether it is replaced: treated as danger",
        )
    ]


def test_stateless_changes_are_never_danger() -> None:
    old = tpl(Q={"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "a"}})
    assert review_templates(old=old, new=tpl(), label="t").findings == []
