"""``examples/two_function_service``: a CDK app of its own, built from ``constructs_lib`` and ``service_model`` only.

The app is synthesized once for this module, in-process, with its own ``cdk.json`` context and
cdk-nag on, exactly as its ``app.py`` builds it; the tests read the templates.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from service_model.stages import load_stages
from service_model.test_events import load_events
from tests.conftest import ROOT, cdk_json_context

EXAMPLE = ROOT / "examples" / "two_function_service"
FUNCTIONS = {"hello": "ExampleHello", "heartbeat": "ExampleHeartbeat"}
ALIAS_OF = {"dev": "dev", "prod": "prod"}
PROJECT_PACKAGES = {"stacks", "release_cli", "tests"}
"""What an app outside the project cannot import: only constructs_lib and service_model are its public surface."""


def load_example_app() -> ModuleType:
    """The example's ``app.py`` as a module (its ``__main__`` block does not run)."""
    spec = importlib.util.spec_from_file_location("two_function_service_app", EXAMPLE / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def example_context() -> dict[str, Any]:
    return json.loads((EXAMPLE / "cdk.json").read_text())["context"]


@dataclass
class Example:
    module: ModuleType
    stacks: dict[str, Any]
    templates: dict[str, dict[str, Any]]  # stage -> the synthesized template (JSON)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Example:
    from aws_cdk import App

    module = load_example_app()
    outdir = tmp_path_factory.mktemp("example.out")
    app = App(analytics_reporting=False, context=example_context(), outdir=str(outdir))
    stacks = module.build(app)
    app.synth()  # cdk-nag runs here: any unacknowledged finding raises
    templates = {
        stage: json.loads((outdir / f"{stack.stack_name}.template.json").read_text()) for stage, stack in stacks.items()
    }
    return Example(module=module, stacks=stacks, templates=templates)


def resources(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == type_}


def function_ids(template: dict[str, Any]) -> dict[str, str]:
    """Physical function name -> logical ID, for the service's own functions (no hooks, no CDK providers)."""
    return {
        r["Properties"]["FunctionName"]: lid
        for lid, r in resources(template, "AWS::Lambda::Function").items()
        if isinstance(r["Properties"].get("FunctionName"), str)
        and not r["Properties"]["FunctionName"].startswith("CodeDeployHook_")
    }


def alias_ids(template: dict[str, Any], function_id: str) -> dict[str, str]:
    """Alias name -> logical ID, for the aliases of one function."""
    return {
        r["Properties"]["Name"]: lid
        for lid, r in resources(template, "AWS::Lambda::Alias").items()
        if r["Properties"]["FunctionName"] == {"Ref": function_id}
    }


def test_each_stage_has_the_two_functions_with_their_names(example: Example) -> None:
    assert sorted(example.templates) == ["dev", "prod"]
    for stage, template in example.templates.items():
        assert sorted(function_ids(template)) == sorted(f"{stage}-{name}" for name in FUNCTIONS.values())
        assert example.stacks[stage].stack_name == f"two-function-service-{stage}"


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_each_function_has_its_stage_alias(example: Example, stage: str) -> None:
    template = example.templates[stage]
    for name in FUNCTIONS.values():
        function_id = function_ids(template)[f"{stage}-{name}"]
        assert sorted(alias_ids(template, function_id)) == [ALIAS_OF[stage]]
    versions = {lid: r["Properties"]["FunctionVersion"] for lid, r in resources(template, "AWS::Lambda::Alias").items()}
    if stage == "dev":
        assert set(map(json.dumps, versions.values())) == {'"$LATEST"'}
    else:  # production: every alias on this deploy's published version
        for version in versions.values():
            assert template["Resources"][version["Fn::GetAtt"][0]]["Type"] == "AWS::Lambda::Version"


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_schedule_invokes_the_heartbeats_alias_not_the_function(example: Example, stage: str) -> None:
    template = example.templates[stage]
    heartbeat = function_ids(template)[f"{stage}-ExampleHeartbeat"]
    alias = alias_ids(template, heartbeat)[ALIAS_OF[stage]]
    (rule,) = resources(template, "AWS::Events::Rule").values()
    assert rule["Properties"]["ScheduleExpression"] == "rate(15 minutes)"
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Ref": alias}  # an alias's Ref is its ARN; the function's would be GetAtt Arn
    assert "DeadLetterConfig" in target and target["RetryPolicy"]["MaximumRetryAttempts"] == 2
    (permission,) = [
        p["Properties"]
        for p in resources(template, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "events.amazonaws.com"
    ]
    assert permission["FunctionName"] == {"Ref": alias}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_http_api_invokes_hellos_alias(example: Example, stage: str) -> None:
    template = example.templates[stage]
    hello = function_ids(template)[f"{stage}-ExampleHello"]
    alias = alias_ids(template, hello)[ALIAS_OF[stage]]
    (integration,) = resources(template, "AWS::ApiGatewayV2::Integration").values()
    assert integration["Properties"]["IntegrationUri"] == {"Ref": alias}


def test_prod_rolls_each_function_out_behind_a_hook_running_its_production_safe_events(example: Example) -> None:
    template = example.templates["prod"]
    hooks = {
        r["Properties"]["FunctionName"]: json.loads(r["Properties"]["Environment"]["Variables"]["EVENTS_JSON"])
        for r in resources(template, "AWS::Lambda::Function").values()
        if str(r["Properties"].get("FunctionName", "")).startswith("CodeDeployHook_")
    }
    expected = {
        f"CodeDeployHook_prod-{name}-prod": sorted(
            e.name for e in load_events(EXAMPLE / "test_events" / key) if e.production_safe
        )
        for key, name in FUNCTIONS.items()
    }
    assert {name: sorted(e["name"] for e in events) for name, events in hooks.items()} == expected
    assert len(resources(template, "AWS::CodeDeploy::DeploymentGroup")) == 2
    assert resources(example.templates["dev"], "AWS::CodeDeploy::DeploymentGroup") == {}


def test_the_heartbeat_may_put_items_in_the_audit_table_and_nothing_else(example: Example) -> None:
    template = example.templates["prod"]
    heartbeat = function_ids(template)["prod-ExampleHeartbeat"]
    role = template["Resources"][heartbeat]["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = [
        s
        for p in resources(template, "AWS::IAM::Policy").values()
        if {"Ref": role} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if any(
            action.startswith("dynamodb:")
            for action in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        )
    ]
    (table_id,) = resources(template, "AWS::DynamoDB::Table")
    assert statements == [
        {"Action": "dynamodb:PutItem", "Effect": "Allow", "Resource": {"Fn::GetAtt": [table_id, "Arn"]}}
    ]
    hello = function_ids(template)["prod-ExampleHello"]
    assert "AUDIT_TABLE" not in template["Resources"][hello]["Properties"].get("Environment", {}).get("Variables", {})


def test_cdk_nag_runs_on_the_example_and_each_acknowledgment_is_needed(
    example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The module's synth passed with both rule packs on; without the example's own acknowledgments it fails."""
    from aws_cdk import App

    monkeypatch.setattr(example.module, "acknowledge", lambda scope, rules: None)
    app = App(analytics_reporting=False, context=example_context(), outdir=str(tmp_path))
    example.module.build(app, "dev")
    with pytest.raises(RuntimeError, match=r"Validation ?[Ff]ailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    rules = {
        (plugin["pluginName"], violation["ruleName"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
    }
    assert rules == {
        ("AwsSolutions", "AwsSolutions-APIG4"),
        ("AwsSolutions", "AwsSolutions-DDB3"),
        ("Serverless", "Serverless-LambdaDLQ"),
    }


def test_the_example_imports_nothing_of_the_project_but_its_constructs_and_model() -> None:
    files = sorted(EXAMPLE.rglob("*.py"))
    assert EXAMPLE / "app.py" in files
    imported = {}
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imported[str(path.relative_to(EXAMPLE))] = names
    assert {path: sorted(names & PROJECT_PACKAGES) for path, names in imported.items()} == {
        path: [] for path in imported
    }
    assert {"constructs_lib", "service_model"} <= imported["app.py"]
    handlers = {path: names for path, names in imported.items() if path.startswith("lambda_src/")}
    assert handlers and all(not names & {"constructs_lib", "service_model"} for names in handlers.values())


def test_its_cdk_json_runs_app_py_with_the_projects_feature_flags() -> None:
    """The same flags as the project (they change logical IDs and defaults; a missing one is also a CLI warning)."""
    document = json.loads((EXAMPLE / "cdk.json").read_text())
    assert document["app"] == "python3 app.py"  # the project's `cdk` puts .venv/bin first on PATH
    assert document["context"] == cdk_json_context()


def test_its_stages_and_events_load_from_its_own_folder() -> None:
    stages = load_stages(EXAMPLE / "stages.toml")
    assert sorted(stages) == ["dev", "prod"]
    for config in stages.values():
        assert [f.key for f in config.functions] == list(FUNCTIONS)
        for function in config.functions:
            assert (EXAMPLE / "lambda_src" / function.code / "version.py").read_text().count('VERSION = "1.0.0"') == 1
            assert any(e.production_safe for e in load_events(EXAMPLE / function.events_dir))


class FakeDynamoDB:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self.items.append(kwargs)
        return {}


def load_handler(code: str) -> ModuleType:
    """``lambda_src/<code>/handler.py`` with its own ``version`` module, as Lambda would load it."""
    folder = EXAMPLE / "lambda_src" / code
    sys.path.insert(0, str(folder))
    try:
        spec = importlib.util.spec_from_file_location(f"example_{code}_handler", folder / "handler.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("version", None)


@pytest.mark.parametrize("code", sorted(FUNCTIONS))
def test_each_handler_answers_its_test_events_as_the_pre_traffic_hook_judges_them(
    code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler = load_handler(code)
    table = FakeDynamoDB()
    monkeypatch.setenv("AUDIT_TABLE", "dev-two-function-service-audit")
    monkeypatch.setenv("STAGE", "dev")
    if code == "heartbeat":
        monkeypatch.setattr(handler, "dynamodb", lambda: table)
    context = SimpleNamespace(function_version="7", aws_request_id="req-1")
    events = load_events(EXAMPLE / "test_events" / code)
    for event in events:
        response = handler.lambda_handler(event.payload, context)
        assert event.mismatches(response) == [], event.name
        assert json.loads(response["body"])["functionVersion"] == "7"
    if code == "heartbeat":
        assert [item["TableName"] for item in table.items] == ["dev-two-function-service-audit"] * len(events)
        assert all("expiresAt" in item["Item"] for item in table.items)  # production-safe: it expires
