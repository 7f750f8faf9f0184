"""Whether a target is production, and the reason every refusal and prompt shows, decided from the
stage settings and (for ``--function``) the function's ``Stage`` tag: ``release_cli.ops.production``.

No AWS endpoint: the tag is read through a stubbed client, and a decision that must not call AWS
runs with a stub that has no answers (any call would fail the test).
"""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from release_cli.ops.clients import AwsContext
from release_cli.ops.errors import OpsError
from release_cli.ops.production import Production, decide, of_names, of_stage
from release_cli.ops.target import Target
from service_model.alias_spec import AliasSpec
from service_model.stages import StageConfig

PROD_BECAUSE = "stage prod is a production stage (stages.toml: production = true)"
PROD_FUNCTION = "prod-VersionedOrderAPI"
NAMED_BY_NONE = Production(False, "no production stage names it")


def _qa_stages(production: bool) -> dict[str, StageConfig]:
    """Another project's settings: one stage, qa, whose alias is live."""
    qa = StageConfig(name="qa", aliases=(AliasSpec(name="live", target=1),), api_alias="live", production=production)
    return {"qa": qa}


def test_the_stage_settings_decide_and_an_unknown_stage_counts_as_production() -> None:
    assert of_stage("prod") == Production(True, PROD_BECAUSE)
    assert of_stage("dev") == Production(False, "stage dev is not a production stage")
    assert of_stage("qa") == Production(True, "stage qa is not in stages.toml, so it counts as production")
    assert of_stage("qa", _qa_stages(production=False)) == Production(False, "stage qa is not a production stage")
    assert of_stage("prod", _qa_stages(production=True)) == Production(
        True, "stage prod is not in stages.toml, so it counts as production"
    )


@pytest.mark.parametrize(
    ("names", "decided"),
    [
        ({"stage": "dev", "function": None, "alias": "prod"}, Production(False, "stage dev is not a production stage")),
        ({"stage": None, "function": None, "alias": "prod"},
         Production(True, "alias prod is named after production stage prod's alias")),
        ({"stage": None, "function": "some-fn", "alias": "prod"},
         Production(True, "alias prod is named after production stage prod's alias")),
        ({"stage": None, "function": PROD_FUNCTION, "alias": None},
         Production(True, f"{PROD_FUNCTION} is production stage prod's function")),
        ({"stage": None, "function": f"arn:aws:lambda:us-east-1:123456789012:function:{PROD_FUNCTION}:live",
          "alias": "staging"},
         Production(True, f"arn:aws:lambda:us-east-1:123456789012:function:{PROD_FUNCTION}:live is production "
                          "stage prod's function")),
        ({"stage": None, "function": f"{PROD_FUNCTION}:live", "alias": "staging"},  # a qualified name
         Production(True, f"{PROD_FUNCTION}:live is production stage prod's function")),
        ({"stage": None, "function": "some-fn", "alias": "staging"}, NAMED_BY_NONE),
        ({"stage": "dev", "function": "some-fn", "alias": "staging"}, NAMED_BY_NONE),
        ({"stage": "prod", "function": "some-fn", "alias": "staging"}, Production(True, PROD_BECAUSE)),
        ({"stage": "dev", "function": PROD_FUNCTION, "alias": None},
         Production(True, f"{PROD_FUNCTION} is production stage prod's function")),
    ],
)  # fmt: skip
def test_the_names_alone_decide_without_an_aws_call(names: dict[str, str | None], decided: Production) -> None:
    assert of_names(**names) == decided


def test_the_names_are_read_against_the_settings_given() -> None:
    qa = _qa_stages(production=True)
    assert of_names(stage="qa", function=None, alias=None, stages=qa) == Production(
        True, "stage qa is a production stage (stages.toml: production = true)"
    )
    assert of_names(stage="qa", function="some-fn", alias=None, stages=qa) == Production(
        True, "stage qa is a production stage (stages.toml: production = true)"
    )
    assert of_names(stage=None, function="some-fn", alias="live", stages=qa) == Production(
        True, "alias live is named after production stage qa's alias"
    )
    assert of_names(stage=None, function="some-fn", alias="prod", stages=qa).is_production is False


def _lambda(*answers: tuple[str, object]) -> AwsContext:
    client = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
    stub = Stubber(client)
    for kind, answer in answers:
        if kind == "tags":
            stub.add_response("get_function", answer, {"FunctionName": "some-fn"})
        else:
            stub.add_client_error(
                "get_function",
                service_error_code=str(answer),
                http_status_code=404,
                service_message="Function not found",
                expected_params={"FunctionName": "some-fn"},
            )
    stub.activate()
    ctx = AwsContext(region="us-east-1")
    ctx.use("lambda", client)
    return ctx


def _given(stage: str | None = None) -> Target:
    return Target(function="some-fn", audit_table="t", stage=stage, source="--function", function_given=True)


def test_a_stage_target_is_decided_by_its_stage_alone_without_an_aws_call() -> None:
    target = Target(function="dev-VersionedOrderAPI", audit_table="t", stage="dev", source="--stage dev")
    assert decide(_lambda(), target, alias="prod").production == Production(
        False, "stage dev is not a production stage"
    )
    prod = Target(function=PROD_FUNCTION, audit_table="t", stage="prod", source="--stage prod")
    assert decide(_lambda(), prod, alias="staging").production == Production(True, PROD_BECAUSE)


@pytest.mark.parametrize(
    ("stage", "alias", "because"),
    [
        ("prod", "staging", PROD_BECAUSE),
        (None, "prod", "alias prod is named after production stage prod's alias"),
    ],
)
def test_a_function_named_production_by_stage_or_alias_needs_no_tag_read(
    stage: str | None, alias: str, because: str
) -> None:
    assert decide(_lambda(), _given(stage), alias=alias).production == Production(True, because)


def test_a_function_given_with_its_production_function_name_needs_no_tag_read() -> None:
    target = Target(function=PROD_FUNCTION, audit_table="t", stage="dev", source="--function", function_given=True)
    assert decide(_lambda(), target, alias="staging").production == Production(
        True, f"{PROD_FUNCTION} is production stage prod's function"
    )


@pytest.mark.parametrize(
    ("response", "decided"),
    [
        ({"Configuration": {}, "Tags": {"Stage": "prod"}},
         Production(True, f"some-fn is tagged Stage=prod: {PROD_BECAUSE}")),
        ({"Configuration": {}, "Tags": {"Stage": "dev"}},
         Production(False, "some-fn is tagged Stage=dev: stage dev is not a production stage")),
        ({"Configuration": {}, "Tags": {"Team": "orders"}},
         Production(False, "some-fn has no Stage tag and no production stage names it")),
        ({"Configuration": {}}, Production(False, "some-fn has no Stage tag and no production stage names it")),
    ],
)  # fmt: skip
def test_otherwise_the_functions_stage_tag_decides(response: dict[str, object], decided: Production) -> None:
    assert decide(_lambda(("tags", response)), _given("dev"), alias="staging").production == decided


def test_a_tag_that_cannot_be_read_fails_closed_and_says_what_to_do() -> None:
    decided = decide(_lambda(("error", "AccessDeniedException")), _given(), alias="staging").production
    assert decided == Production(
        True,
        "the Stage tag of some-fn could not be read (AccessDeniedException), so it counts as production; run it "
        "with --stage S alone (the stage's own function), or allow lambda:GetFunction",
    )


def test_a_missing_function_is_bad_input_that_names_the_function() -> None:
    with pytest.raises(OpsError) as missing:
        decide(_lambda(("error", "ResourceNotFoundException")), _given(), alias="staging")
    assert str(missing.value) == (
        "reading the tags of some-fn: ResourceNotFoundException: Function not found (check the function name: "
        "--function, or --stage whose stack outputs (or stage names) give it)"
    )
