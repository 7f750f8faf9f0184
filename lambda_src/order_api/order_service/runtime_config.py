"""Runtime settings from the config table, cached briefly per container, with safe defaults.

Config table layout (key ``configKey`` S): one item per setting, the value in a number attribute
``value``, for example ``{"configKey": "maxItemsPerOrder", "value": 25}``. Settings:
    maxItemsPerOrder        items allowed in one order            default 25,   allowed 1..100
    smokeTestTtlSeconds     lifetime of smokeTest orders          default 3600, allowed 60..604800
    idempotencyTtlSeconds   how long a key replays its result     default 86400, allowed 60..2592000
An absent key, a non-number or an out-of-range value falls back to the default, so a typo in the
table cannot take the API down. All keys are read in one BatchGetItem; the result is cached for
``CACHE_SECONDS`` so a change in the table takes effect within that time without a deploy. If the
table cannot be read, the last known values (the defaults before any good read) are used and cached
only briefly (``FAILURE_CACHE_SECONDS``), so orders keep flowing. A read that leaves keys in
``UnprocessedKeys`` (BatchGetItem does that under throttling instead of raising) counts as unreadable,
never as "absent, use the default".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

LOGGER = logging.getLogger(__name__)
CACHE_SECONDS = 30.0
FAILURE_CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class Limits:
    max_items: int = 25
    smoke_test_ttl_seconds: int = 3600
    idempotency_ttl_seconds: int = 86400


_SETTINGS: dict[str, tuple[str, int, int]] = {
    # config key -> (Limits field, minimum, maximum)
    "maxItemsPerOrder": ("max_items", 1, 100),
    "smokeTestTtlSeconds": ("smoke_test_ttl_seconds", 60, 604800),
    "idempotencyTtlSeconds": ("idempotency_ttl_seconds", 60, 2592000),
}

_cache: tuple[float, Limits] | None = None


class IncompleteRead(Exception):
    """BatchGetItem answered without some keys (``UnprocessedKeys``, typically throttling)."""


def limits(client: Any, table: str, clock: Callable[[], float] = time.monotonic) -> Limits:
    """The current limits, from the cache when it is fresh."""
    global _cache
    now = clock()
    if _cache is not None and now < _cache[0]:
        return _cache[1]
    try:
        loaded = _load(client, table)
        _cache = (now + CACHE_SECONDS, loaded)
    except (BotoCoreError, ClientError, IncompleteRead) as err:
        LOGGER.warning("config table %s unreadable, using defaults: %s", table, err)
        loaded = _cache[1] if _cache is not None else Limits()
        _cache = (now + FAILURE_CACHE_SECONDS, loaded)
    return loaded


def clear_cache() -> None:
    global _cache
    _cache = None


def _load(client: Any, table: str) -> Limits:
    keys = [{"configKey": {"S": key}} for key in _SETTINGS]
    response = client.batch_get_item(
        RequestItems={
            table: {"Keys": keys, "ProjectionExpression": "configKey, #v", "ExpressionAttributeNames": {"#v": "value"}}
        }
    )
    if response.get("UnprocessedKeys"):
        raise IncompleteRead(f"{len(response['UnprocessedKeys'].get(table, {}).get('Keys', []))} key(s) unprocessed")
    values: dict[str, int] = {}
    for item in response.get("Responses", {}).get(table, []):
        key = item.get("configKey", {}).get("S", "")
        if key in _SETTINGS:
            parsed = _parse(key, item.get("value"))
            if parsed is not None:
                values[_SETTINGS[key][0]] = parsed
    return Limits(**values)


def _parse(key: str, attribute: Any) -> int | None:
    _, minimum, maximum = _SETTINGS[key]
    raw = attribute.get("N") if isinstance(attribute, dict) else None
    try:
        value = int(raw) if raw is not None else None
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        LOGGER.warning("config %s=%r ignored: want a whole number from %d to %d", key, attribute, minimum, maximum)
        return None
    return value
