"""What the CLI reads from Lambda and CloudFormation, and the names it falls back on: the answers an
endpoint may shorten (optional fields left out), the errors each read turns into, and where ``--stage``
takes its function and audit table from.

Lambda's and CloudFormation's answers are recorded (botocore's Stubber) where moto cannot give them:
fields left out, GetAccountSettings, a stack without outputs, AccessDenied.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from release_cli.ops.clients import AwsContext
from release_cli.ops.errors import EXIT_INPUT, OpsError
from release_cli.ops.lambda_reads import (
    AliasState,
    code_storage,
    get_alias,
    list_aliases,
    list_versions,
)
from release_cli.ops.target import Target, resolve_target
from service_model import naming
from tests.release_ops.conftest import REGION, Lab


def stubbed(service: str, monkeypatch: pytest.MonkeyPatch) -> tuple[AwsContext, Stubber]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client(service, region_name=REGION)
    ctx = AwsContext(region=REGION)
    ctx.use(service, client)
    return ctx, Stubber(client)


def test_fields_an_endpoint_leaves_out_read_as_empty_never_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lambda's optional fields (Description, CodeSha256, Role, a dead-letter queue, RevisionId,
    RoutingConfig) may be missing from an emulator's answer: status shows them empty, not "None"."""
    ctx, stub = stubbed("lambda", monkeypatch)
    stub.add_response("list_versions_by_function", {"Versions": [
        {"Version": "$LATEST"},
        {"Version": "10"},
        {"Version": "9", "Description": "v1.9.0", "CodeSha256": "sha9", "CodeSize": 2048,
         "LastModified": "2026-01-01T00:00:00.000+0000", "Role": "arn:aws:iam::1:role/r",
         "DeadLetterConfig": {"TargetArn": "arn:aws:sqs:us-east-1:1:dlq"}},
    ]}, {"FunctionName": "fn", "MaxItems": 50})  # fmt: skip
    stub.add_response("list_aliases", {"Aliases": [
        {"Name": "staging", "FunctionVersion": "10", "RoutingConfig": {}},
        {"Name": "prod", "FunctionVersion": "9", "RoutingConfig": {"AdditionalVersionWeights": {"10": 0.25}},
         "RevisionId": "rev-1", "Description": "live"},
    ]}, {"FunctionName": "fn", "MaxItems": 50})  # fmt: skip
    with stub:
        versions = list_versions(ctx, "fn")
        aliases = list_aliases(ctx, "fn")
    assert [v.number for v in versions] == ["9", "10"]  # by number, not as text; $LATEST is not a version
    nine, ten = versions
    assert (nine.description, nine.code_sha256, nine.code_size, nine.role, nine.dead_letter_target) == (
        "v1.9.0", "sha9", 2048, "arn:aws:iam::1:role/r", "arn:aws:sqs:us-east-1:1:dlq")  # fmt: skip
    assert nine.last_modified == "2026-01-01T00:00:00.000+0000"
    assert (ten.description, ten.code_sha256, ten.code_size, ten.last_modified, ten.role, ten.dead_letter_target) == (
        "", "", 0, "", "", "")  # fmt: skip
    assert [a.name for a in aliases] == ["prod", "staging"]
    prod, staging = aliases
    assert (prod.version, prod.weights, prod.revision_id, prod.description) == ("9", {"10": 0.25}, "rev-1", "live")
    assert (staging.version, staging.weights, staging.revision_id, staging.description) == ("10", {}, "", "")
    assert prod.share() == {"10": 0.25, "9": 0.75} and staging.share() == {"10": 1.0}
    assert prod.describe() == "9 @ 75% + 10 @ 25%" and staging.describe() == "10"


def test_a_page_that_leaves_out_an_empty_list_reads_as_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    """A function with no published version or alias: an endpoint may leave the empty list out of the page."""
    ctx, stub = stubbed("lambda", monkeypatch)
    stub.add_response("list_versions_by_function", {}, {"FunctionName": "fn", "MaxItems": 50})
    stub.add_response("list_aliases", {}, {"FunctionName": "fn", "MaxItems": 50})
    with stub:
        assert (list_versions(ctx, "fn"), list_aliases(ctx, "fn")) == ([], [])


@pytest.mark.parametrize("read", ["versions", "aliases"])
def test_a_missing_function_names_the_read_and_how_to_name_the_function(
    monkeypatch: pytest.MonkeyPatch, read: str
) -> None:
    ctx, stub = stubbed("lambda", monkeypatch)
    operation = "list_versions_by_function" if read == "versions" else "list_aliases"
    stub.add_client_error(
        operation, service_error_code="ResourceNotFoundException", service_message="Function not found"
    )
    with stub, pytest.raises(OpsError) as error:
        (list_versions if read == "versions" else list_aliases)(ctx, "nosuch")
    assert str(error.value) == (
        f"listing the {read} of nosuch: ResourceNotFoundException: Function not found (check the function name: "
        "--function, or --stage whose stack outputs (or stage names) give it)"
    )


def test_a_missing_alias_says_where_the_aliases_are_listed(lab: Lab) -> None:
    ctx = AwsContext(region=REGION)
    assert get_alias(ctx, lab.function, "staging").version == "2"
    with pytest.raises(OpsError) as error:
        get_alias(ctx, lab.function, "nope")
    message = str(error.value)
    assert message.startswith(f"reading alias nope of {lab.function}: ResourceNotFoundException: ")
    assert message.endswith(f"(check the alias name (release status lists the aliases of {lab.function}))")


def test_code_storage_says_why_it_is_unknown(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    moto = code_storage(AwsContext(region=REGION))  # moto answers GetAccountSettings with a bare 404
    assert (moto.used_bytes, moto.limit_bytes) == (None, None)
    assert moto.note == "unknown (GetAccountSettings: not available at this endpoint)"

    ctx, stub = stubbed("lambda", monkeypatch)
    stub.add_client_error("get_account_settings", service_error_code="AccessDeniedException", http_status_code=403)
    with stub:
        denied = code_storage(ctx)
    assert (denied.used_bytes, denied.limit_bytes) == (None, None)
    assert denied.note == "unknown (GetAccountSettings: AccessDeniedException, check lambda:GetAccountSettings)"


def test_code_storage_on_an_unreachable_endpoint_is_a_note_with_the_first_line_of_the_error() -> None:
    url = "https://lambda.example.invalid/" + "x" * 150

    class Unreachable:
        def get_account_settings(self) -> Any:
            raise EndpointConnectionError(endpoint_url=url + "\nsecond line")

    class Context:
        def client(self, _service: str) -> Any:
            return Unreachable()

    storage = code_storage(Context())  # type: ignore[arg-type]
    assert (storage.used_bytes, storage.limit_bytes) == (None, None)
    first_line = f'Could not connect to the endpoint URL: "{url}'
    assert storage.note == f"unknown (GetAccountSettings: {first_line[:100]})"


def test_code_storage_counts_a_figure_the_answer_leaves_out_as_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, stub = stubbed("lambda", monkeypatch)
    stub.add_response("get_account_settings", {"AccountLimit": {"TotalCodeSize": 1000}})
    stub.add_response("get_account_settings", {"AccountUsage": {"TotalCodeSize": 10}})
    with stub:
        no_usage, no_limit = code_storage(ctx), code_storage(ctx)
    assert (no_usage.used_bytes, no_usage.limit_bytes, no_usage.note) == (0, 1000, "")
    assert (no_limit.used_bytes, no_limit.limit_bytes) == (10, 0)


def stack_answer(outputs: list[dict[str, str]] | None) -> dict[str, Any]:
    stack: dict[str, Any] = {"StackName": naming.stack_name("dev"), "CreationTime": "2026-01-01T00:00:00Z",
                             "StackStatus": "CREATE_COMPLETE"}  # fmt: skip
    if outputs is not None:
        stack["Outputs"] = outputs
    return {"Stacks": [stack]}


def test_a_deployed_stack_without_outputs_falls_back_to_the_stage_names(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, stub = stubbed("cloudformation", monkeypatch)
    stub.add_response("describe_stacks", stack_answer(None), {"StackName": naming.stack_name("dev")})
    with stub:
        target = resolve_target(ctx, stage="dev", function="order-api")
    assert (target.function, target.audit_table) == (naming.function_name("dev"), naming.table_name("dev", "audit"))
    assert target.stack_found and target.source == f"stack {naming.stack_name('dev')} outputs"
    assert (target.stage, target.stack_name, target.stack_version, target.function_given) == (
        "dev", naming.stack_name("dev"), None, False)  # fmt: skip


def test_an_output_without_a_value_is_not_taken_as_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, stub = stubbed("cloudformation", monkeypatch)
    outputs = [{"OutputKey": "FunctionName"}, {"OutputKey": "AuditTableName", "OutputValue": "audit-t"},
               {"OutputKey": "NewVersion", "OutputValue": "7"}, {"OutputValue": "no key"}]  # fmt: skip
    stub.add_response("describe_stacks", stack_answer(outputs))
    with stub:
        target = resolve_target(ctx, stage="dev", function="given-fn")
    assert target.outputs == {"FunctionName": "", "AuditTableName": "audit-t", "NewVersion": "7"}
    assert (target.function, target.audit_table, target.stack_version) == ("given-fn", "audit-t", "7")
    assert target.function_given
    ctx, stub = stubbed("cloudformation", monkeypatch)
    stub.add_response("describe_stacks", stack_answer(outputs))
    with stub:
        assert resolve_target(ctx, stage="dev", function="order-api").function == naming.function_name("dev")


def test_an_empty_stack_list_counts_as_not_deployed(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, stub = stubbed("cloudformation", monkeypatch)
    stub.add_response("describe_stacks", {"Stacks": []})
    with stub:
        target = resolve_target(ctx, stage="prod", function="order-api")
    assert not target.stack_found and target.function == naming.function_name("prod")
    assert target.source == f"stage prod names (stack {naming.stack_name('prod')} not found)"


@pytest.mark.parametrize(
    ("code", "message"),
    [("AccessDenied", "not authorized to perform: cloudformation:DescribeStacks"),
     ("ValidationError", "1 validation error detected: Value at 'stackName' failed to satisfy constraint")],
)  # fmt: skip
def test_only_a_stack_that_does_not_exist_falls_back(monkeypatch: pytest.MonkeyPatch, code: str, message: str) -> None:
    """A denied or malformed DescribeStacks is an error naming the read, never a silent fall-back to
    names the stack may not use."""
    ctx, stub = stubbed("cloudformation", monkeypatch)
    stub.add_client_error("describe_stacks", service_error_code=code, service_message=message)
    with stub, pytest.raises(OpsError) as error:
        resolve_target(ctx, stage="prod", function="order-api")
    assert str(error.value).startswith(f"reading the outputs of stack {naming.stack_name('prod')}: {code}: {message}")


def test_no_stage_and_no_function_is_bad_input() -> None:
    with pytest.raises(OpsError) as error:
        resolve_target(AwsContext(region=REGION), stage=None)
    assert str(error.value) == "name the function: give --stage S (dev, staging, prod) or --function NAME"
    assert error.value.exit_code == EXIT_INPUT
    named = resolve_target(AwsContext(region=REGION), stage=None, function="fn", audit_table="t")
    assert (named.function, named.audit_table, named.source, named.function_given) == ("fn", "t", "--function", True)


def test_a_function_without_an_audit_table_names_both_ways_to_give_one() -> None:
    assert Target(function="fn", audit_table="t").require_audit_table() == "t"
    with pytest.raises(OpsError) as error:
        Target(function="fn", audit_table=None).require_audit_table()
    assert str(error.value) == "no audit table for fn: give --audit-table NAME, or --stage S to use the stage's"


def test_describe_and_share_of_a_single_version_alias() -> None:
    alias = AliasState(name="prod", version="3", weights={"4": 0.1})
    assert alias.describe() == "3 @ 90% + 4 @ 10%" and alias.share() == {"4": 0.1, "3": 0.9}
    assert alias.routed_versions == {"3", "4"}
