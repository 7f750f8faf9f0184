"""The release audit trail in the stage's audit table (PK S, SK S; the same table the Order API writes).

Item layout, kept apart from the Order API's ``ORDER#...`` items by the key prefix:
    alias move   PK=RELEASE#<function>#ALIAS#<alias>   SK=MOVE#<at>#<id>
    prune        PK=RELEASE#<function>#VERSIONS        SK=PRUNE#<at>#<id>
<at> is ISO 8601 UTC with milliseconds, so a Query on PK with ScanIndexForward=false reads the
trail newest first, one page per 1 MB, never a Scan. Attributes: who (caller ARN from STS), at,
stage, function, alias, action, fromVersion, fromWeights, toVersion, toWeights, reason,
toolVersion, revisionBefore, revisionAfter, and for prunes the deleted versions and bytes freed.
Release records have no ``expiresAt``: the table's TTL never removes them.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from release_cli.ops.clients import AwsContext, aws_call

VERSIONS_PARTITION = "VERSIONS"


@dataclass(frozen=True)
class AuditRecord:
    """One change: who, when, what moved from where to where, and why."""

    who: str
    at: str
    function: str
    action: str
    alias: str = ""
    stage: str = ""
    from_version: str = ""
    from_weights: dict[str, float] = field(default_factory=dict)
    to_version: str = ""
    to_weights: dict[str, float] = field(default_factory=dict)
    reason: str = ""
    tool_version: str = ""
    revision_before: str = ""
    revision_after: str = ""
    undoes: str = ""  # a rollback's: the SK of the move it undid (release_cli/ops/rollback_plan.py)
    deleted_versions: tuple[str, ...] = ()
    bytes_freed: int = 0
    record_id: str = field(default_factory=lambda: secrets.token_hex(4))

    @property
    def pk(self) -> str:
        return partition_key(self.function, self.alias)

    @property
    def sk(self) -> str:
        kind = "MOVE" if self.alias else "PRUNE"
        return f"{kind}#{self.at}#{self.record_id}"

    def to_json(self) -> dict[str, Any]:
        """The record as ``--json`` prints it (camelCase, the item's attribute names)."""
        raw = asdict(self)
        return {_camel(k): (list(v) if isinstance(v, tuple) else v) for k, v in raw.items()}


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def partition_key(function: str, alias: str) -> str:
    """The trail's partition; a function ARN and its name share one (``--function`` accepts either)."""
    name = function.split(":function:")[-1].split(":")[0]
    return f"RELEASE#{name}#ALIAS#{alias}" if alias else f"RELEASE#{name}#{VERSIONS_PARTITION}"


def to_item(record: AuditRecord) -> dict[str, Any]:
    """The DynamoDB item (low-level attribute values); weights as maps of numbers."""
    item: dict[str, Any] = {"PK": {"S": record.pk}, "SK": {"S": record.sk}}
    for key, value in record.to_json().items():
        if value in ("", [], {}, 0) and key not in ("fromVersion", "toVersion"):
            continue
        item[key] = _attribute(value)
    return item


def from_item(item: dict[str, Any]) -> AuditRecord:
    plain = {key: _plain(value) for key, value in item.items() if key not in ("PK", "SK")}
    fields = {_snake(key): value for key, value in plain.items()}
    known = AuditRecord.__dataclass_fields__
    kwargs = {k: v for k, v in fields.items() if k in known}
    kwargs["deleted_versions"] = tuple(kwargs.get("deleted_versions", ()))
    kwargs["bytes_freed"] = int(kwargs.get("bytes_freed", 0))
    return AuditRecord(**kwargs)


def check_table(ctx: AwsContext, table: str) -> None:
    """Fail before any change when the audit table cannot be found (so no move goes unrecorded)."""
    with aws_call(
        f"finding the audit table {table}",
        hint="deploy the stage's stack first, or name the table with --audit-table",
    ):
        ctx.client("dynamodb").describe_table(TableName=table)


def write_record(ctx: AwsContext, table: str, record: AuditRecord) -> None:
    """Put the record; never overwrites one (the key carries a random id)."""
    with aws_call(f"writing the audit record to {table}"):
        ctx.client("dynamodb").put_item(
            TableName=table, Item=to_item(record), ConditionExpression="attribute_not_exists(PK)"
        )


def put_item_request(table: str, record: AuditRecord) -> dict[str, Any]:
    """The exact PutItem call ``write_record`` makes (what --dry-run prints)."""
    return {"TableName": table, "Item": to_item(record), "ConditionExpression": "attribute_not_exists(PK)"}


def read_trail(
    ctx: AwsContext, table: str, *, function: str, alias: str, limit: int | None = None
) -> list[AuditRecord]:
    """The alias's records (or the prunes, with ``alias=""``), newest first."""
    client = ctx.client("dynamodb")
    records: list[AuditRecord] = []
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": partition_key(function, alias)}},
        "ScanIndexForward": False,
    }
    with aws_call(f"reading the audit trail in {table}"):
        for page in client.get_paginator("query").paginate(**request):
            records.extend(from_item(item) for item in page.get("Items", []))
            if limit is not None and len(records) >= limit:
                return records[:limit]
    return records


def _attribute(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float):
        return {"N": repr(value) if isinstance(value, float) else str(value)}
    if isinstance(value, dict):
        return {"M": {str(k): _attribute(v) for k, v in value.items()}}
    if isinstance(value, list):
        return {"L": [_attribute(v) for v in value]}
    return {"S": str(value)}


def _plain(value: dict[str, Any]) -> Any:
    ((kind, raw),) = value.items()
    if kind == "N":
        number = json.loads(raw)
        return number
    if kind == "M":
        return {k: _plain(v) for k, v in raw.items()}
    if kind == "L":
        return [_plain(v) for v in raw]
    return raw


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
