"""The release audit trail in the stage's audit table (PK S, SK S; the same table the Order API writes).

Item layout, kept apart from the Order API's ``ORDER#...`` items by the key prefix:
    alias move   PK=RELEASE#<function>#ALIAS#<alias>   SK=MOVE#<at>#<id>
    prune        PK=RELEASE#<function>#VERSIONS        SK=PRUNE#<at>#<id>
<at> is ISO 8601 UTC with milliseconds, so a Query on PK with ScanIndexForward=false reads the
trail newest first, one page per 1 MB, never a Scan. Attributes: who (caller ARN from STS), at,
stage, function, alias, action, fromVersion, fromWeights, toVersion, toWeights, reason,
toolVersion, revisionBefore, revisionAfter, undoes, releaseId (the moves of one release train),
judgement (a move ``canary --watch`` made: its verdict and figures), and for prunes the deleted
versions and bytes freed.
Release records have no ``expiresAt``: the table's TTL never removes them.

``check_table`` proves, before any change, that a record can be written (key names and types, and
the PutItem permission by a write that cannot succeed); ``put_item_command`` is the hand-written
fallback, quoted for a shell, that a change prints when its record could not be written.
"""

from __future__ import annotations

import json
import secrets
import shlex
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from release_cli.ops.clients import AwsContext, aws_call, error_code
from release_cli.ops.errors import OpsError

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
    release_id: str = ""  # a release train's moves all carry its id (release_cli/ops/release_train.py)
    judgement: dict[str, Any] = field(default_factory=dict)
    """A watched canary's move: the verdict and the figures it rested on (``canary_analysis.evidence``)."""
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
    """Prove, before any change, that a release record can be written to ``table`` as designed.

    1. DescribeTable: the table exists, its key is partition key ``PK`` and sort key ``SK``, both of
       type S. Another key schema, a number or binary key, or a PK-only table is refused here, naming
       the table and what is wrong, so no alias moves and no version is deleted whose record would
       then fail (a wrong table otherwise shows up only after the change).
    2. PutItem permission, proved without writing: a PutItem on a probe key whose condition can never
       hold (``attribute_not_exists(PK) AND attribute_exists(PK)``). IAM authorizes it exactly like the
       real write (same action, same table, same resource policies and SCPs), and it writes nothing:
       ConditionalCheckFailedException means allowed, AccessDeniedException means denied. Chosen over
       a ``TransactWriteItems`` ConditionCheck (that needs dynamodb:ConditionCheckItem, another
       permission) and over the IAM policy simulator (needs iam:SimulatePrincipalPolicy and misses
       resource policies and SCPs). The probe costs one write unit, like any failed conditional write.
    """
    client = ctx.client("dynamodb")
    with aws_call(
        f"finding the audit table {table}",
        hint="deploy the stage's stack first, or name the table with --audit-table",
    ):
        description = client.describe_table(TableName=table).get("Table", {})
    problem = key_schema_problem(description)
    if problem:
        raise OpsError(
            f"the audit table {table} cannot hold release records: {problem}; nothing was changed. "
            f"Name the stage's audit table (keys PK and SK, both strings) with --audit-table, or give --stage S"
        )
    _prove_put_allowed(client, table)


def key_schema_problem(description: dict[str, Any]) -> str:
    """What keeps a table described by DescribeTable from holding release records ("" if nothing)."""
    keys = {k.get("KeyType"): k.get("AttributeName") for k in description.get("KeySchema", [])}
    types = {a.get("AttributeName"): a.get("AttributeType") for a in description.get("AttributeDefinitions", [])}
    if keys.get("HASH") != "PK" or keys.get("RANGE") != "SK":
        found = ", ".join(f"{role} key {name}" for role, name in (("partition", keys.get("HASH")),
                                                                  ("sort", keys.get("RANGE"))) if name)  # fmt: skip
        return f"its key is {found or 'not described'} (release records need partition key PK and sort key SK)"
    for name in ("PK", "SK"):
        if types.get(name) != "S":
            kind = _KEY_TYPES.get(str(types.get(name)), f"of type {types.get(name)}")
            return f"key {name} is {kind} (release records need PK and SK of type S, a string)"
    return ""


PROBE_CONDITION = "attribute_not_exists(PK) AND attribute_exists(PK)"
"""A condition no item can meet: the probe PutItem is authorized like a real write and writes nothing."""

_KEY_TYPES = {"N": "a number (type N)", "B": "binary (type B)", "None": "not described"}


def _prove_put_allowed(client: Any, table: str) -> None:
    from botocore.exceptions import ClientError

    probe = {"PK": {"S": "RELEASE#PROBE"}, "SK": {"S": f"PROBE#{secrets.token_hex(8)}"}}
    with aws_call(f"checking that the audit record can be written to {table} (a PutItem that writes nothing)"):
        try:
            client.put_item(TableName=table, Item=probe, ConditionExpression=PROBE_CONDITION)
        except ClientError as err:
            code = error_code(err)
            if code == "ConditionalCheckFailedException":
                return  # allowed, and nothing written
            if code in ("AccessDeniedException", "AccessDenied"):
                message = err.response.get("Error", {}).get("Message", "")
                raise OpsError(
                    f"the audit record cannot be written to {table}: dynamodb:PutItem is denied ({message}); "
                    "nothing was changed. Grant the caller dynamodb:PutItem on the table, then run again"
                ) from None
            raise
    raise OpsError(
        f"the audit table {table} accepted a PutItem whose condition can never hold (probe item "
        f"PK=RELEASE#PROBE, SK={probe['SK']['S']}): this endpoint does not honour conditional writes, so a "
        "release record's no-overwrite guard would not hold either; nothing else was changed"
    )


def write_record(ctx: AwsContext, table: str, record: AuditRecord, *, replace: bool = False) -> None:
    """Put the record; never overwrites another one (the key carries a random id). ``replace`` may
    also rewrite this same record (a prune's, completed batch by batch), and only it."""
    with aws_call(f"writing the audit record to {table}"):
        ctx.client("dynamodb").put_item(**put_item_request(table, record, replace=replace))


def put_item_request(table: str, record: AuditRecord, *, replace: bool = False) -> dict[str, Any]:
    """The exact PutItem call ``write_record`` makes (what a dry run or a prune's plan prints)."""
    if replace:
        return {
            "TableName": table,
            "Item": to_item(record),
            "ConditionExpression": "attribute_not_exists(PK) OR recordId = :id",
            "ExpressionAttributeValues": {":id": {"S": record.record_id}},
        }
    return {"TableName": table, "Item": to_item(record), "ConditionExpression": "attribute_not_exists(PK)"}


def put_item_command(request: dict[str, Any]) -> str:
    """``request`` (a ``put_item_request``) as an ``aws dynamodb put-item`` command that pastes into a
    POSIX shell as is: every argument through ``shlex.quote``, so a reason holding quotes, ``$``,
    backticks or a newline (JSON escapes it) reaches DynamoDB unchanged."""
    words = ["aws", "dynamodb", "put-item", "--table-name", request["TableName"]]
    words += ["--item", json.dumps(request["Item"], sort_keys=True)]
    words += ["--condition-expression", request["ConditionExpression"]]
    if "ExpressionAttributeValues" in request:
        words += ["--expression-attribute-values", json.dumps(request["ExpressionAttributeValues"])]
    return " ".join(shlex.quote(word) for word in words)


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
    """A record's value (no field is a bool) as a DynamoDB attribute value."""
    if isinstance(value, int | float):
        return {"N": str(value)}  # a float's str is its shortest round-trip form, as repr
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
