"""Fixtures for the release-operation tests: a function with published versions and aliases and an
audit table (PK/SK, as the stack builds it) on the session's moto server, and an in-process CLI runner.

Every test gets its own function and table names: the moto server lives for the whole session.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import uuid
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REGION = "us-east-1"


@pytest.fixture
def aws_env(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """boto3 pointed at moto through the standard ``AWS_ENDPOINT_URL`` (what the CLI honours)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_REGION", raising=False)
    return moto_endpoint


def code_zip(marker: str) -> bytes:
    """A deployment package whose content (and so CodeSha256) differs per marker."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # fixed timestamp: the same marker gives the same SHA-256
        entry = zipfile.ZipInfo("handler.py", date_time=(2024, 1, 1, 0, 0, 0))
        archive.writestr(entry, f"VERSION = {marker!r}\ndef handler(event, context):\n    return {{}}\n")
    return buffer.getvalue()


def create_pk_sk_table(client: Any, name: str) -> None:
    """A table keyed as the stack keys the audit and orders tables: PK and SK, both strings."""
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def events_folder(tmp_path: Path, names: Sequence[str]) -> Path:
    """``tmp_path/events`` holding the project's test events ``names`` (a smoke run reads a folder)."""
    from service_model.project import project_root

    folder = tmp_path / "events"
    folder.mkdir()
    for name in names:
        shutil.copy(project_root() / "test_events" / f"{name}.json", folder)
    return folder


@dataclass
class Lab:
    """One function with published versions, its aliases and an audit table, on moto."""

    function: str
    table: str
    role: str
    clients: dict[str, Any] = field(default_factory=dict)

    @property
    def lam(self) -> Any:
        return self.clients["lambda"]

    @property
    def ddb(self) -> Any:
        return self.clients["dynamodb"]

    def publish(self, marker: str, *, description: str = "", role: str | None = None) -> str:
        """Change the code (and role), publish, return the new version number."""
        if role:
            self.lam.update_function_configuration(FunctionName=self.function, Role=role)
        self.lam.update_function_code(FunctionName=self.function, ZipFile=code_zip(marker))
        return str(self.lam.publish_version(FunctionName=self.function, Description=description)["Version"])

    def alias(self, name: str, version: str, weights: dict[str, float] | None = None) -> None:
        routing = {"AdditionalVersionWeights": weights or {}}
        self.lam.create_alias(FunctionName=self.function, Name=name, FunctionVersion=version, RoutingConfig=routing)

    def state(self, name: str) -> tuple[str, dict[str, float]]:
        raw = self.lam.get_alias(FunctionName=self.function, Name=name)
        return raw["FunctionVersion"], dict((raw.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {})

    def versions(self) -> list[str]:
        raw = self.lam.list_versions_by_function(FunctionName=self.function)["Versions"]
        return [v["Version"] for v in raw if v["Version"] != "$LATEST"]

    def audit_items(self) -> list[dict[str, Any]]:
        return self.ddb.scan(TableName=self.table)["Items"]

    def target_args(self) -> list[str]:
        return ["--function", self.function, "--audit-table", self.table]


def new_lab(prefix: str = "fn") -> Lab:
    import boto3

    suffix = uuid.uuid4().hex[:8]
    clients = {name: boto3.client(name, region_name=REGION) for name in ("lambda", "dynamodb", "iam")}
    role = clients["iam"].create_role(RoleName=f"role-{suffix}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lab = Lab(function=f"{prefix}-{suffix}", table=f"audit-{suffix}", role=role, clients=clients)
    clients["lambda"].create_function(
        FunctionName=lab.function, Runtime="python3.13", Role=role, Handler="handler.handler",
        Code={"ZipFile": code_zip("initial")},
    )  # fmt: skip
    create_pk_sk_table(clients["dynamodb"], lab.table)
    return lab


@pytest.fixture
def lab(aws_env: str) -> Lab:
    """The seed's set-up: versions 1 and 2, prod -> 1, staging -> 2, dev -> $LATEST."""
    lab = new_lab()
    lab.publish("v1", description="v1.0.0")
    lab.publish("v2", description="v1.1.0")
    lab.alias("prod", "1")
    lab.alias("staging", "2")
    lab.alias("dev", "$LATEST")
    return lab


@pytest.fixture
def stage_stack(aws_env: str) -> Any:
    """Deploys a stand-in ``version-demo-<stage>`` stack whose outputs name a lab's function and table, plus
    any ``more`` outputs given by key (moto skips Lambda aliases in templates, so only the outputs the CLI
    reads are real); deleted after."""
    import boto3

    from service_model import naming

    cloudformation = boto3.client("cloudformation", region_name=REGION)
    created: list[str] = []

    def deploy(stage: str, lab: Lab, new_version: str, **more: str) -> str:
        name = naming.stack_name(stage)
        outputs = {"FunctionName": lab.function, "AuditTableName": lab.table, "NewVersion": new_version, **more}
        template = {
            "Resources": {"Marker": {"Type": "AWS::SNS::Topic"}},
            "Outputs": {key: {"Value": value} for key, value in outputs.items()},
        }
        cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template))
        created.append(name)
        return name

    yield deploy
    for name in created:
        cloudformation.delete_stack(StackName=name)


def only_order_api(stages: Path) -> Path:
    """``stages`` rewritten without any ``[functions.*]`` table but the Order API's (and without the
    stages' own ``[stages.S.functions.*]`` tables of the others): the seed's service of one function,
    for tests about one function's aliases. Returns ``stages``."""
    import re

    text = stages.read_bytes().decode("utf-8")  # bytes: line endings stay as the test wrote them
    kept = re.sub(r"(?ms)^\[(?:stages\.[a-z]+\.)?functions\.(?!order-api\])[^\]]+\]\r?\n.*?(?=^\[|\Z)", "", text)
    assert re.findall(r"(?m)^\[functions\.[^\]]+\]", kept) == ["[functions.order-api]"], "stages.toml layout changed"
    stages.write_bytes(kept.encode("utf-8"))
    return stages


@pytest.fixture
def one_function_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current directory becomes a project of one function (the seed's service: the Order API
    alone), for tests about one function's moves; ``project_root()`` finds it from the current directory."""
    from service_model.project import project_root

    root = project_root()
    project = tmp_path / "one-function-project"
    project.mkdir()
    shutil.copy(root / "cdk.json", project / "cdk.json")
    shutil.copy(root / "stages.toml", project / "stages.toml")
    only_order_api(project / "stages.toml")
    monkeypatch.chdir(project)
    return project


@contextlib.contextmanager
def two_function_stack(
    stage: str, api: Lab, worker: Lab, *, api_new: str, worker_new: str, more: dict[str, str] | None = None
) -> Iterator[None]:
    """A stand-in ``version-demo-<stage>`` stack whose outputs name the Order API and the worker as the
    real stack's do (the worker's prefixed ``OrderWorker``), plus ``more`` by key; deleted on exit."""
    import boto3

    outputs = {
        "FunctionName": api.function, "NewVersion": api_new, "AuditTableName": api.table,
        "OrderWorkerFunctionName": worker.function, "OrderWorkerNewVersion": worker_new, **(more or {}),
    }  # fmt: skip
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    template = {
        "Resources": {"Marker": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {k: {"Value": v} for k, v in outputs.items()},
    }
    name = f"version-demo-{stage}"
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template))
    try:
        yield
    finally:
        cloudformation.delete_stack(StackName=name)


@contextlib.contextmanager
def prod_pair(more: dict[str, str] | None = None) -> Iterator[tuple[Lab, Lab]]:
    """prod's Order API and worker for the release-train tests: versions 1 and 2 on each, prod -> 1,
    staging -> 2, one audit table, behind a stand-in ``version-demo-prod`` stack naming both (and
    ``more`` outputs by key)."""
    api, worker = new_lab("api"), new_lab("worker")
    for lab in (api, worker):
        lab.publish("v1")
        lab.publish("v2")
        lab.alias("prod", "1")
        lab.alias("staging", "2")
    with two_function_stack("prod", api, worker, api_new="2", worker_new="2", more=more):
        yield api, worker


Service = tuple[Lab, Lab]
"""prod's Order API and worker (``prod_pair``), as the release-train tests take them."""


@pytest.fixture
def service(aws_env: str) -> Iterator[Service]:
    """prod's two functions (the Order API and the worker), one audit table: prod -> 1, staging -> 2 on
    each, behind a stand-in ``version-demo-prod`` stack whose outputs name both. (A module may define its
    own ``service``, as test_status_functions does for staging.)"""
    with prod_pair() as pair:
        yield pair


def prod_states(service: Service) -> tuple[Any, Any]:
    """The ``prod`` alias of each function, as it is now."""
    api, worker = service
    return api.state("prod"), worker.state("prod")
