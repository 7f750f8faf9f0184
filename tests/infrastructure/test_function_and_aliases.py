"""The versioned function and the default stage aliases (dev -> $LATEST, staging/prod -> new version)."""

from __future__ import annotations

import re

import pytest
from aws_cdk.assertions import Match

from constructs_lib.versioned_function import read_semantic_version
from service_model.project import SOURCE_ROOT

ORDER_API_CODE = SOURCE_ROOT / "lambda_src" / "order_api"

ALIAS = "AWS::Lambda::Alias"
VERSION = "AWS::Lambda::Version"


def only(template, type_: str) -> tuple[str, dict]:
    found = template.find_resources(type_)
    assert len(found) == 1, f"expected one {type_}, found {sorted(found)}"
    return next(iter(found.items()))


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_function_is_named_per_stage_and_runs_the_seed_runtime(synthesized, stage):
    synthesized.order_api[stage].has_resource_properties(
        "AWS::Lambda::Function",
        {"FunctionName": f"{stage}-VersionedOrderAPI", "Runtime": "python3.13", "TracingConfig": {"Mode": "Active"}},
    )


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_published_version_is_retained_and_described_with_the_semantic_version(synthesized, stage):
    _, version = only(synthesized.order_api[stage], VERSION)
    assert version["DeletionPolicy"] == "Retain"
    assert version["UpdateReplacePolicy"] == "Retain"
    assert version["Properties"]["Description"] == f"v{read_semantic_version(ORDER_API_CODE)}"


def test_dev_alias_points_at_latest(synthesized):
    _, alias = only(synthesized.order_api["dev"], ALIAS)
    assert alias["Properties"]["Name"] == "dev"
    assert alias["Properties"]["FunctionVersion"] == "$LATEST"
    assert "RoutingConfig" not in alias["Properties"]


@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_staging_and_prod_aliases_point_at_the_version_this_deploy_publishes(synthesized, stage):
    template = synthesized.order_api[stage]
    version_id, _ = only(template, VERSION)
    _, alias = only(template, ALIAS)
    assert alias["Properties"]["Name"] == stage
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version_id, "Version"]}
    assert "RoutingConfig" not in alias["Properties"], "CodeDeploy owns the routing of a rollout alias"


def test_version_logical_id_changes_when_the_code_changes(tmp_path):
    """A code edit must publish a new version: the version's logical ID hashes the code asset."""
    import shutil

    from aws_cdk import AssetStaging, Stack
    from aws_cdk.assertions import Template

    from constructs_lib.versioned_function import VersionedFunction
    from stacks.app_builder import project_app
    from tests.conftest import cdk_json_context

    code = tmp_path / "code"
    shutil.copytree(ORDER_API_CODE, code, ignore=shutil.ignore_patterns("__pycache__"))

    def version_id() -> str:
        AssetStaging.clear_asset_hash_cache()  # a CLI synth is a new process; this one must not reuse the hash
        app = project_app(context=cdk_json_context(), outdir=str(tmp_path / "out"))
        stack = Stack(app, "S")
        VersionedFunction(stack, "Fn", function_name="f", code_dir=code)
        return next(iter(Template.from_stack(stack).find_resources(VERSION)))

    before = version_id()
    (code / "handler.py").write_text((code / "handler.py").read_text() + "\n# a code change\n")
    after = version_id()
    assert before != after


def test_semantic_version_must_be_declared(tmp_path):
    (tmp_path / "version.py").write_text("RELEASE = 3\n")
    with pytest.raises(ValueError, match=re.escape('has no VERSION = "x.y.z" line')):
        read_semantic_version(tmp_path)


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_function_environment_names_its_own_stage_tables(synthesized, stage):
    synthesized.order_api[stage].has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {
                "Variables": {
                    "STAGE": stage,
                    "ORDERS_TABLE": {"Ref": Match.string_like_regexp("^TablesOrdersTable")},
                    "CONFIG_TABLE": {"Ref": Match.string_like_regexp("^TablesConfigTable")},
                    "AUDIT_TABLE": {"Ref": Match.string_like_regexp("^TablesAuditTable")},
                }
            }
        },
    )
