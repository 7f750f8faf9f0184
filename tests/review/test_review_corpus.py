"""The corpus of template pairs, one behaviour per test: what each class of change is reported as.

Logical IDs here are the corpus's own (hand-written templates), not CDK-generated ones.
"""

from __future__ import annotations

from release_cli.review import Action, Replacement, Report, ResourceChange, review_templates
from tests.review.conftest import corpus_pair


def _change(report: Report, logical_id: str) -> ResourceChange:
    return next(c for c in report.changes if c.logical_id == logical_id)


def _kinds(report: Report) -> list[str]:
    return [f.kind for f in report.blocking]


def test_added_table_and_queue_are_adds_and_safe() -> None:
    report = corpus_pair("add").review()
    assert {(c.logical_id, c.action) for c in report.changes} == {
        ("AuditTable", Action.ADD),
        ("DeadLetters", Action.ADD),
    }
    assert report.safe


def test_in_place_table_changes_are_modify_without_replacement() -> None:
    # FACTS (CloudFormation and data): billing, GSIs, streams, TTL, PITR, SSE and tags change in place.
    report = corpus_pair("modify_in_place").review()
    table = _change(report, "OrdersTable")
    assert table.action == Action.MODIFY
    assert table.replacement == Replacement.FALSE
    assert {c.path for c in table.causes} >= {
        "PointInTimeRecoverySpecification",
        "TimeToLiveSpecification",
        "StreamSpecification",
        "SSESpecification",
        "Tags",
        "GlobalSecondaryIndexes",
    }


def test_in_place_changes_pass_the_gate() -> None:
    assert corpus_pair("modify_in_place").review().safe


def test_key_schema_change_is_replacement_and_danger() -> None:
    # Docs and FACTS: KeySchema changes replace the table (the schema's "conditional" is overridden).
    report = corpus_pair("key_schema").review()
    assert _change(report, "OrdersTable").replacement == Replacement.TRUE
    assert _kinds(report) == ["replacement"]


def test_create_only_property_set_to_a_deploy_time_value_is_conditional() -> None:
    report = corpus_pair("conditional_intrinsic").review()
    table = _change(report, "OrdersTable")
    assert table.replacement == Replacement.CONDITIONAL
    assert "deploy time" in table.causes[0].reason


def test_reference_to_a_replaced_resource_makes_create_only_property_conditional() -> None:
    report = corpus_pair("conditional_cascade").review()
    assert _change(report, "ApiFunction").replacement == Replacement.TRUE
    logs = _change(report, "ApiLogs")
    assert (logs.action, logs.replacement, logs.cause_text) == (Action.MODIFY, Replacement.CONDITIONAL, "LogGroupName")


def test_cascaded_replacement_of_a_log_group_is_danger() -> None:
    report = corpus_pair("conditional_cascade").review()
    assert [(f.kind, f.logical_ids) for f in report.blocking] == [("replacement", ("ApiLogs",))]


def test_table_name_change_replaces_the_table() -> None:
    report = corpus_pair("replacement").review()
    table = _change(report, "OrdersTable")
    assert (table.replacement, table.cause_text) == (Replacement.TRUE, "TableName")


def test_replaced_role_is_not_danger_but_replaced_table_is() -> None:
    report = corpus_pair("replacement").review()
    assert _change(report, "ApiRole").replacement == Replacement.TRUE
    assert [f.logical_ids for f in report.blocking] == [("OrdersTable",)]


def test_logical_id_rename_is_one_rename_finding() -> None:
    report = corpus_pair("rename").review()
    assert [(f.kind, f.logical_ids) for f in report.blocking] == [("rename", ("OrdersTable", "OrdersTableV2"))]
    assert "CloudFormation sees Remove + Add" in report.blocking[0].message
    assert "OrdersTable is orphaned (DeletionPolicy Retain)" in report.blocking[0].message


def test_rename_that_also_drops_retain_reports_both_findings() -> None:
    report = corpus_pair("rename_retain_removed").review()
    assert [(f.kind, f.logical_ids) for f in report.blocking] == [
        ("rename", ("OrdersTable", "OrdersTableV2")),
        ("retain-removed", ("OrdersTable", "OrdersTableV2")),
    ]
    assert "DeletionPolicy Retain -> Delete (default)" in report.blocking[1].message
    assert "UpdateReplacePolicy Retain -> Delete (default)" in report.blocking[1].message


def test_rename_that_keeps_retain_has_no_retain_finding() -> None:
    assert _kinds(corpus_pair("rename").review()) == ["rename"]


def test_removed_table_without_retain_is_deleted_danger() -> None:
    report = corpus_pair("remove").review()
    assert _change(report, "OrdersTable").action == Action.REMOVE
    assert _kinds(report) == ["removal"]
    assert "deleted with its data" in report.blocking[0].message


def test_removed_retained_table_is_flagged_as_orphaned() -> None:
    report = corpus_pair("retained_removed").review()
    assert _kinds(report) == ["orphaned"]
    assert "orphaned, not deleted" in report.blocking[0].message


def test_retain_policies_taken_away_is_danger() -> None:
    report = corpus_pair("retain_policy_removed").review()
    assert _kinds(report) == ["retain-removed"]
    assert "DeletionPolicy Retain -> Delete" in report.blocking[0].message
    assert "UpdateReplacePolicy Retain -> Delete" in report.blocking[0].message


def test_new_version_and_retained_old_version_are_expected_churn() -> None:
    report = corpus_pair("version_churn").review()
    versions = [c for c in report.changes if c.resource_type == "AWS::Lambda::Version"]
    assert {(c.action, c.churn) for c in versions} == {
        (Action.ADD, "lambda-version"),
        (Action.REMOVE, "lambda-version"),
    }
    assert report.safe


def test_old_retained_version_is_said_to_be_orphaned() -> None:
    report = corpus_pair("version_churn").review()
    old = _change(report, "ApiFunctionCurrentVersion1A2B3C4D")
    assert any("orphans it" in note for note in old.notes)


def test_asset_hash_only_change_is_churn_without_replacement() -> None:
    report = corpus_pair("hash_only").review()
    function = _change(report, "ApiFunction")
    assert (function.churn, function.replacement) == ("asset-hash-only", Replacement.FALSE)
    assert report.safe


def test_metadata_only_change_is_churn() -> None:
    report = corpus_pair("metadata_only").review()
    table = _change(report, "OrdersTable")
    assert (table.churn, table.causes, report.safe) == ("metadata-only", [], True)


def test_yaml_short_tags_parse_to_the_same_template_as_json() -> None:
    assert corpus_pair("yaml_short_tags").review().changes == []


def test_lsi_added_to_existing_table_is_danger_by_documented_override() -> None:
    report = corpus_pair("lsi_added").review()
    table = _change(report, "OrdersTable")
    assert (table.replacement, table.cause_text) == (Replacement.CONDITIONAL, "LocalSecondaryIndexes")
    assert _kinds(report) == ["replacement"]


def _cdk_metadata(analytics: str, **extra: str) -> dict[str, object]:
    metadata = {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": analytics, **extra}}
    return {"Resources": {"CDKMetadata": metadata}}


def test_cdk_metadata_analytics_change_is_metadata_only_churn() -> None:
    # CDK rewrites Analytics (its version and construct usage) on upgrades; nothing is updated that matters.
    report = review_templates(old=_cdk_metadata("v2:deflate64:AAAA"), new=_cdk_metadata("v2:deflate64:BBBB"), label="t")
    assert (report.changes[0].action, report.changes[0].churn) == (Action.MODIFY, "metadata-only")


def test_cdk_metadata_change_beyond_analytics_is_not_churn() -> None:
    old, new = _cdk_metadata("v2:deflate64:AAAA"), _cdk_metadata("v2:deflate64:BBBB", Other="x")
    assert review_templates(old=old, new=new, label="t").changes[0].churn is None


def test_moving_a_table_to_the_stages_own_key_is_an_in_place_update_and_safe() -> None:
    # The resource schema lists SSESpecification as updatable (not create-only): no replacement.
    report = corpus_pair("kms_key_added").review()
    table = _change(report, "OrdersTable")
    assert (table.action, table.replacement) == (Action.MODIFY, Replacement.FALSE)
    assert [c.path for c in table.causes] == ["SSESpecification"]
    assert {(c.logical_id, c.action) for c in report.changes if c.logical_id != "OrdersTable"} == {
        ("StageKey", Action.ADD),
        ("StageKeyAlias", Action.ADD),
    }
    assert report.safe


def test_a_removed_key_and_its_alias_are_each_danger() -> None:
    report = corpus_pair("kms_key_removed").review()
    assert [(f.kind, f.logical_ids) for f in report.blocking] == [
        ("orphaned", ("StageKey",)),
        ("removal", ("StageKeyAlias",)),
    ]
    assert "whatever finds the stage's key by its name (alias/...) no longer can" in report.blocking[1].message


def test_a_key_removed_without_retain_says_what_its_deletion_makes_unreadable() -> None:
    report = corpus_pair("kms_key_deleted").review()
    assert _kinds(report) == ["removal"]
    assert report.blocking[0].message == (
        "removed from the template: the key is scheduled for deletion, and once its waiting period ends every "
        "table, backup and log group encrypted with it is unreadable for good"
    )


def test_a_key_whose_logical_id_changes_is_a_replaced_key() -> None:
    report = corpus_pair("kms_key_replaced").review()
    assert [(f.kind, f.logical_ids) for f in report.blocking] == [("rename", ("StageKey", "StageKeyV2"))]
    assert _change(report, "OrdersTable").replacement == Replacement.FALSE
