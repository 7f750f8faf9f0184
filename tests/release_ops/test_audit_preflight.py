"""Before anything changes, the audit record is proved writable as designed; after a change whose
record could not be written, the printed ``aws dynamodb put-item`` pastes into a shell as is.

The wrong-shape tables are real tables on the moto server (DescribeTable answers what DynamoDB
would); a denied PutItem is an ``AccessDeniedException`` answered by a botocore event hook, since
moto enforces no IAM.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from release_cli.ops.audit_log import PROBE_CONDITION
from tests.release_ops.aws_hooks import aws_error, hook_cli_clients, request_body
from tests.release_ops.conftest import Lab

WRONG_SHAPES = {
    "other key names": (
        [("pk", "HASH", "S"), ("sk", "RANGE", "S")],
        "its key is partition key pk, sort key sk (release records need partition key PK and sort key SK)",
    ),
    "a number sort key": (
        [("PK", "HASH", "S"), ("SK", "RANGE", "N")],
        "key SK is a number (type N) (release records need PK and SK of type S, a string)",
    ),
    "PK only": (
        [("PK", "HASH", "S")],
        "its key is partition key PK (release records need partition key PK and sort key SK)",
    ),
}


def _wrong_table(lab: Lab, keys: list[tuple[str, str, str]]) -> str:
    name = f"wrong-{lab.table}"
    lab.ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": a, "KeyType": k} for a, k, _ in keys],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, _, t in keys],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def _with_old_versions(lab: Lab) -> None:
    lab.publish("v3")
    lab.publish("v4")  # prune --keep 1 would delete 3 (1 and 2 are aliased)


@pytest.mark.parametrize("shape", sorted(WRONG_SHAPES))
def test_a_table_of_the_wrong_shape_refuses_moves_and_prunes_before_anything_changes(
    lab: Lab, run_cli, shape: str
) -> None:
    keys, problem = WRONG_SHAPES[shape]
    table = _wrong_table(lab, keys)
    _with_old_versions(lab)
    target = ["--function", lab.function, "--audit-table", table]
    moved = run_cli("promote", *target, "--alias", "staging", "--to", "3")
    assert moved.code == 2
    assert f"the audit table {table} cannot hold release records: {problem}; nothing was changed" in moved.err
    assert "--audit-table" in moved.err
    assert lab.state("staging") == ("2", {})
    pruned = run_cli("prune", *target, "--keep", "1", "--no-stack", "--apply")
    assert pruned.code == 2 and problem in pruned.err
    assert lab.versions() == ["1", "2", "3", "4"]
    assert lab.ddb.scan(TableName=table)["Items"] == []


def test_the_permission_probe_writes_nothing_and_a_denied_put_item_refuses_before_the_change(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_old_versions(lab)
    probes: list[dict[str, Any]] = []

    def deny_put_item(params: dict[str, Any], **_: Any) -> Any:
        probes.append(request_body(params))
        return aws_error("AccessDeniedException", "User is not authorized to perform: dynamodb:PutItem")

    hook_cli_clients(monkeypatch, {"before-call.dynamodb.PutItem": deny_put_item})
    moved = run_cli("promote", *lab.target_args(), "--alias", "staging", "--to", "3")
    assert moved.code == 2
    assert f"the audit record cannot be written to {lab.table}: dynamodb:PutItem is denied" in moved.err
    assert "nothing was changed" in moved.err
    assert lab.state("staging") == ("2", {})
    pruned = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply")
    assert pruned.code == 2 and "dynamodb:PutItem is denied" in pruned.err
    assert lab.versions() == ["1", "2", "3", "4"]
    assert [p["ConditionExpression"] for p in probes] == [PROBE_CONDITION, PROBE_CONDITION]  # only probes


def test_the_permission_probe_on_the_real_table_is_a_put_item_that_leaves_no_item(lab: Lab) -> None:
    """moto evaluates the always-false condition: ConditionalCheckFailedException, nothing written."""
    from release_cli.ops.audit_log import check_table
    from release_cli.ops.clients import AwsContext

    ctx = AwsContext(region="us-east-1")
    check_table(ctx, lab.table)
    assert ctx.calls == ["dynamodb.DescribeTable", "dynamodb.PutItem"]
    assert lab.audit_items() == []


REASON = 'it\'s "urgent": $HOME `whoami`\nsecond line'


def _fake_aws(tmp_path: Path) -> Path:
    """An ``aws`` on PATH that writes its argv as JSON, so the pasted command's arguments can be read back."""
    script = tmp_path / "bin" / "aws"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\nimport json, os, sys\n"
                      "open(os.environ['ARGV_OUT'], 'w').write(json.dumps(sys.argv[1:]))\n")  # fmt: skip
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script.parent


def _paste(command: str, tmp_path: Path) -> list[str]:
    """Run the printed command with bash, as someone pasting it would, and return the argv aws got."""
    out = tmp_path / "argv.json"
    env = {**os.environ, "PATH": f"{_fake_aws(tmp_path)}:{os.environ['PATH']}", "ARGV_OUT": str(out)}
    subprocess.run(["bash", "-c", command], env=env, check=True, timeout=30)
    return json.loads(out.read_text())


def _printed_command(err: str) -> str:
    (line,) = [line for line in err.splitlines() if line.strip().startswith("aws dynamodb put-item")]
    return line.strip()


def _fail_real_writes(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Let the probe through to moto; answer every real audit write with AccessDenied; keep what was sent."""
    sent: list[dict[str, Any]] = []

    def fail_write(params: dict[str, Any], **_: Any) -> Any:
        body = request_body(params)
        if body.get("ConditionExpression") == PROBE_CONDITION:
            return None
        sent.append(body)
        return aws_error("AccessDeniedException", "denied after the check")

    hook_cli_clients(monkeypatch, {"before-call.dynamodb.PutItem": fail_write})
    return sent


def test_a_moves_fallback_put_item_pastes_as_is_whatever_the_reason_holds(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sent = _fail_real_writes(monkeypatch)
    result = run_cli("promote", *lab.target_args(), "--alias", "staging", "--to", "1", "--reason", REASON)
    assert result.code == 2 and "BUT ITS AUDIT RECORD WAS NOT WRITTEN" in result.err
    assert lab.state("staging") == ("1", {})
    argv = _paste(_printed_command(result.err), tmp_path)
    item = json.loads(argv[argv.index("--item") + 1])
    assert item == sent[-1]["Item"] and item["reason"] == {"S": REASON}
    assert argv[:4] == ["dynamodb", "put-item", "--table-name", lab.table]
    assert argv[argv.index("--condition-expression") + 1] == sent[-1]["ConditionExpression"]


def test_a_prunes_fallback_put_item_pastes_as_is_and_the_prune_stops_loudly(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _with_old_versions(lab)
    sent = _fail_real_writes(monkeypatch)
    result = run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply", "--reason", REASON)
    assert result.code == 2
    assert "VERSIONS 3 WERE DELETED BUT THE AUDIT RECORD WAS NOT WRITTEN" in result.err
    assert "\ndeleted (1 of 1): 3\nnot deleted (0): none\n" in result.err
    assert lab.versions() == ["1", "2", "4"]
    argv = _paste(_printed_command(result.err), tmp_path)
    item = json.loads(argv[argv.index("--item") + 1])
    assert item == sent[-1]["Item"] and item["reason"] == {"S": REASON}
    assert item["deletedVersions"] == {"L": [{"S": "3"}]}
    values = json.loads(argv[argv.index("--expression-attribute-values") + 1])
    assert values == sent[-1]["ExpressionAttributeValues"]
