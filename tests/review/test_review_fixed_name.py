"""A replaced resource with a fixed physical name: CloudFormation cannot replace it, so the update fails.

FACTS (CloudFormation and data): changing KeySchema replaces the table; a custom-named table then
fails the update outright ("CloudFormation cannot update a stack when a custom-named resource
requires replacing").
"""

from __future__ import annotations

import copy
from typing import Any

from release_cli.review import Report, review_templates

KEYS = [{"AttributeName": "pk", "KeyType": "HASH"}]
NEW_KEYS = [*KEYS, {"AttributeName": "sk", "KeyType": "RANGE"}]


def _template(**properties: Any) -> dict[str, Any]:
    table = {"Type": "AWS::DynamoDB::Table", "Properties": {"KeySchema": KEYS, **properties}}
    return {"Resources": {"OrdersTable": table}}


def _review(old: dict[str, Any], new: dict[str, Any]) -> Report:
    return review_templates(old=old, new=new, label="fixed-name")


def _with_keys(template: dict[str, Any], keys: Any) -> dict[str, Any]:
    changed = copy.deepcopy(template)
    changed["Resources"]["OrdersTable"]["Properties"]["KeySchema"] = keys
    return changed


def test_replacing_a_custom_named_table_says_the_update_fails() -> None:
    old = _template(TableName="orders")
    report = _review(old, _with_keys(old, NEW_KEYS))
    assert 'fixed (TableName "orders")' in report.blocking[0].message
    assert "the update fails outright" in report.blocking[0].message


def test_replacing_a_custom_named_table_notes_it_on_the_row() -> None:
    old = _template(TableName="orders")
    report = _review(old, _with_keys(old, NEW_KEYS))
    assert report.changes[0].notes == ['fixed name (TableName "orders"): the update fails instead of replacing']


def test_conditional_replacement_of_a_custom_named_table_fails_if_it_happens() -> None:
    old = _template(TableName="orders")
    report = _review(old, _with_keys(old, {"Fn::If": ["Sorted", NEW_KEYS, KEYS]}))
    assert "if it is replaced, the update fails outright" in report.blocking[0].message


def test_replacement_by_a_new_name_is_not_said_to_fail() -> None:
    # A new TableName is a new physical name: the replacement goes ahead and the old table is deleted.
    report = _review(_template(TableName="orders"), _template(TableName="orders-v2"))
    assert "fails" not in report.blocking[0].message
    assert "the old one and its data are deleted" in report.blocking[0].message


def test_replacement_of_a_table_without_a_name_is_not_said_to_fail() -> None:
    old = _template()
    report = _review(old, _with_keys(old, NEW_KEYS))
    assert "fails" not in report.blocking[0].message
