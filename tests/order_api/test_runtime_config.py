"""Settings from the config table: defaults, bounds, the short cache and a table that cannot be read."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from order_service import runtime_config
from order_service.runtime_config import CACHE_SECONDS, FAILURE_CACHE_SECONDS, Limits

from tests.order_api.conftest import CONFIG


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def put(ddb: Any, key: str, value: str, kind: str = "N") -> None:
    ddb.put_item(TableName=CONFIG, Item={"configKey": {"S": key}, "value": {kind: value}})


def test_empty_table_gives_defaults(ddb: Any) -> None:
    assert runtime_config.limits(ddb, CONFIG) == Limits()


def test_values_in_the_table_are_used(ddb: Any) -> None:
    put(ddb, "maxItemsPerOrder", "10")
    put(ddb, "smokeTestTtlSeconds", "600")
    assert runtime_config.limits(ddb, CONFIG) == Limits(max_items=10, smoke_test_ttl_seconds=600)


@pytest.mark.parametrize(("value", "kind"), [("0", "N"), ("101", "N"), ("ten", "S"), ("2.5", "N")])
def test_out_of_range_or_wrong_type_falls_back_to_default(ddb: Any, value: str, kind: str) -> None:
    put(ddb, "maxItemsPerOrder", value, kind)
    assert runtime_config.limits(ddb, CONFIG).max_items == Limits().max_items


def test_values_are_cached_briefly(ddb: Any) -> None:
    clock = Clock()
    runtime_config.limits(ddb, CONFIG, clock)
    put(ddb, "maxItemsPerOrder", "3")
    assert runtime_config.limits(ddb, CONFIG, clock).max_items == Limits().max_items


def test_cache_expires(ddb: Any) -> None:
    clock = Clock()
    runtime_config.limits(ddb, CONFIG, clock)
    put(ddb, "maxItemsPerOrder", "3")
    clock.now += CACHE_SECONDS + 1
    assert runtime_config.limits(ddb, CONFIG, clock).max_items == 3


class Unreadable:
    def batch_get_item(self, **_: Any) -> Any:
        raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "x"}}, "BatchGetItem")


def test_unreadable_table_gives_defaults(local: Any) -> None:
    assert runtime_config.limits(Unreadable(), CONFIG) == Limits()


def test_unreadable_table_keeps_the_last_known_values(ddb: Any) -> None:
    clock = Clock()
    put(ddb, "maxItemsPerOrder", "4")
    runtime_config.limits(ddb, CONFIG, clock)
    clock.now += CACHE_SECONDS + 1
    assert runtime_config.limits(Unreadable(), CONFIG, clock).max_items == 4


class Throttled:
    """BatchGetItem under throttling: an answer without error whose keys all come back unprocessed."""

    def batch_get_item(self, RequestItems: dict[str, Any]) -> Any:
        return {"Responses": {CONFIG: []}, "UnprocessedKeys": RequestItems}


def test_unprocessed_keys_keep_the_last_known_values(ddb: Any) -> None:
    clock = Clock()
    put(ddb, "maxItemsPerOrder", "4")
    runtime_config.limits(ddb, CONFIG, clock)
    clock.now += CACHE_SECONDS + 1
    assert runtime_config.limits(Throttled(), CONFIG, clock).max_items == 4


def test_unprocessed_keys_are_cached_only_briefly(ddb: Any) -> None:
    clock = Clock()
    runtime_config.limits(Throttled(), CONFIG, clock)
    put(ddb, "maxItemsPerOrder", "3")
    clock.now += FAILURE_CACHE_SECONDS + 1
    assert runtime_config.limits(ddb, CONFIG, clock).max_items == 3
