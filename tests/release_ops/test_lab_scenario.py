"""The seed lab's Parts II and III as one script, every step a `release` command on the moto server.

Part II: versions 1 and 2, aliases prod -> 1, staging -> 2, dev -> $LATEST; test each alias;
promote prod to 2 (and roll back). Part III: prod 90/10 between 1 and 2, run the test events at
least 10 times and watch the split, then promote; finally prune what no alias uses.
moto runs no handler and never routes by weight (FACTS), so only the smoke step's Invoke calls are
answered by a stand-in that routes 90/10 deterministically and answers like the Order API; every
other call (GetAlias, UpdateAlias, the audit table, DeleteFunction) is moto's.
"""

from __future__ import annotations

import io
import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from botocore.response import StreamingBody

from release_cli.commands import smoke as smoke_command
from release_cli.ops.clients import AwsContext
from service_model.project import project_root
from tests.release_ops.conftest import REGION, Lab


class RoutingLambda:
    """The real (moto) Lambda client, except that Invoke routes by the alias's weights like Lambda does
    (deterministically: every tenth call goes to the extra version) and answers a status read."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self._counter = itertools.count()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def invoke(self, *, FunctionName: str, Qualifier: str, **_: Any) -> dict[str, Any]:
        alias = self._real.get_alias(FunctionName=FunctionName, Name=Qualifier)
        weights = alias.get("RoutingConfig", {}).get("AdditionalVersionWeights", {})
        version = alias["FunctionVersion"]
        if weights and next(self._counter) % round(1 / next(iter(weights.values()))) == 0:
            version = next(iter(weights))
        body = {"message": "ok", "version": f"{version}.0.0", "functionVersion": version, "action": "status",
                "error": "order ORD-DOES-NOT-EXIST not found"}  # fmt: skip
        payload = json.dumps({"statusCode": 404, "body": json.dumps(body)}).encode()
        return {
            "StatusCode": 200,
            "ExecutedVersion": version,
            "Payload": StreamingBody(io.BytesIO(payload), len(payload)),
        }


def test_lab_parts_two_and_three(lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = lab.target_args()

    # Part II: the three aliases as the lab creates them
    status = run_cli("status", *target, "--json").json()
    assert {a["name"]: a["version"] for a in status["aliases"]} == {"prod": "1", "staging": "2", "dev": "$LATEST"}

    # Part II step 05: prod -> 2, then back (instantly, from the audit trail)
    assert run_cli("promote", *target, "--alias", "prod", "--to", "2", "--yes", "--reason", "lab II.05").code == 0
    assert lab.state("prod") == ("2", {})
    assert run_cli("rollback", *target, "--alias", "prod", "--yes", "--reason", "back to 1").code == 0
    assert lab.state("prod") == ("1", {})

    # Part III step 01: 90/10
    assert run_cli("canary", *target, "--alias", "prod", "--version", "2", "--weight", "0.1", "--yes").code == 0
    assert lab.state("prod") == ("1", {"2": 0.1})

    # Part III step 02: run the test event at least 10 times and watch the split
    events = tmp_path / "events"
    events.mkdir()
    shutil.copy(project_root() / "test_events" / "GetOrderStatusUnknown.json", events)
    ctx = AwsContext(region=REGION)
    ctx.use("lambda", RoutingLambda(ctx.client("lambda")))
    monkeypatch.setattr(smoke_command, "context_for", lambda _args: ctx)
    smoke = run_cli("smoke", *target, "--alias", "prod", "--repeat", "20", "--events-dir", events, "--json")
    assert smoke.code == 0, smoke.out + smoke.err
    split = {s["version"]: (s["count"], s["consistent"]) for s in smoke.json()["split"]}
    assert split == {"1": (18, True), "2": (2, True)}

    # Part III step 04.1: promote v2 to 100% (the canary's version, route removed)
    assert run_cli("promote", *target, "--alias", "prod", "--yes").code == 0
    assert lab.state("prod") == ("2", {})

    # and version 1, which nothing uses any more, goes
    pruned = run_cli("prune", *target, "--keep", "1", "--no-stack", "--apply", "--json")
    assert pruned.code == 0, pruned.err
    assert pruned.json()["deleted"] == ["1"]
    assert lab.versions() == ["2"]

    trail = run_cli("audit", *target, "--alias", "prod", "--json").json()
    assert [(r["action"], r["fromVersion"], r["toVersion"]) for r in trail] == [
        ("promote", "1", "2"),
        ("canary", "1", "1"),
        ("rollback", "2", "1"),
        ("promote", "1", "2"),
    ]
    assert trail[-1]["reason"] == "lab II.05"
