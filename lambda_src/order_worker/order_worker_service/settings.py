"""Runtime settings the construct passes as environment variables.

Read per invocation, not at import: it costs microseconds, and tests point one loaded handler at
different tables. A missing table name is a deployment bug, not a property of the records, so it
stops the whole invocation (a function error: the batch is retried and the alias's error alarm sees
it) instead of being reported as failed records one by one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

ENV_ORDERS_TABLE = "ORDERS_TABLE"
ENV_STAGE = "STAGE"


class MisconfiguredError(RuntimeError):
    """The function's environment lacks what it needs; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    orders_table: str
    stage: str


def read() -> Settings:
    orders_table = os.environ.get(ENV_ORDERS_TABLE, "").strip()
    if not orders_table:
        raise MisconfiguredError(
            f"function is misconfigured: environment variable {ENV_ORDERS_TABLE} is not set "
            "(the name of the orders table whose stream invokes this function)"
        )
    return Settings(orders_table=orders_table, stage=os.environ.get(ENV_STAGE, "unknown"))
