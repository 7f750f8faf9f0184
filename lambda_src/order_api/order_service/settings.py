"""Runtime settings the construct passes as environment variables.

Read at call time rather than import time: reading ``os.environ`` costs microseconds, and the local
runner and tests can point one loaded handler at different tables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from order_service.errors import InternalError

ENV_ORDERS_TABLE = "ORDERS_TABLE"
ENV_CONFIG_TABLE = "CONFIG_TABLE"
ENV_AUDIT_TABLE = "AUDIT_TABLE"
ENV_STAGE = "STAGE"


@dataclass(frozen=True)
class Tables:
    orders: str
    config: str
    audit: str


def tables() -> Tables:
    """The three table names; a missing variable is a deployment bug, reported as a 500 that names it."""
    names = {key: os.environ.get(key, "") for key in (ENV_ORDERS_TABLE, ENV_CONFIG_TABLE, ENV_AUDIT_TABLE)}
    missing = [key for key, value in names.items() if not value]
    if missing:
        raise InternalError(f"function is misconfigured: environment variable(s) {', '.join(missing)} not set")
    return Tables(orders=names[ENV_ORDERS_TABLE], config=names[ENV_CONFIG_TABLE], audit=names[ENV_AUDIT_TABLE])


def stage() -> str:
    return os.environ.get(ENV_STAGE, "unknown")
