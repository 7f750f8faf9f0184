"""Who may call a stage's HTTP API: the ``api_auth`` setting, its refusals, and the route it synthesizes."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from service_model.api_auth import ApiAuth
from service_model.stages import StageConfigError, parse_stages, stages_file
from tests.conftest import Synthesized, synthesize

BASE = tomllib.loads(stages_file().read_text(encoding="utf-8"))
REASON = "A public demo of the lab: it returns no customer data, and the stage is throttled."
ISSUER = "https://login.example.com/tenant"


def with_auth(**stages: Any) -> dict[str, Any]:
    raw = copy.deepcopy(BASE)
    for stage, auth in stages.items():
        raw["stages"][stage]["api_auth"] = auth
    return raw


def test_every_stage_signs_unless_it_says_otherwise() -> None:
    stages = parse_stages(copy.deepcopy(BASE))
    assert {name: stage.api_auth for name, stage in stages.items()} == {
        "dev": ApiAuth(type="iam"),
        "staging": ApiAuth(type="iam"),
        "prod": ApiAuth(type="iam"),
    }
    raw = copy.deepcopy(BASE)
    del raw["defaults"]["api_auth"]
    assert parse_stages(raw)["dev"].api_auth == ApiAuth(type="iam")


def test_jwt_and_a_reasoned_none_are_read() -> None:
    stages = parse_stages(
        with_auth(
            dev={"type": "none", "reason": REASON},
            staging={"type": "jwt", "issuer": ISSUER, "audiences": ["orders-web", "orders-cli"]},
        )
    )
    assert stages["dev"].api_auth == ApiAuth(type="none", reason=REASON)
    assert stages["dev"].api_auth.open
    assert stages["staging"].api_auth == ApiAuth(type="jwt", issuer=ISSUER, audiences=("orders-web", "orders-cli"))
    assert not stages["staging"].api_auth.open


REFUSED = [
    (
        {"prod": {"type": "none", "reason": REASON}},
        "stage 'prod': api_auth { type = \"none\" } is refused on a production stage",
    ),
    ({"dev": "none"}, "stage 'dev': api_auth 'none' needs a reason: api_auth = \"iam\""),
    ({"dev": {"type": "none"}}, "stage 'dev': api_auth { type = \"none\" } needs a reason of at least 8 words"),
    (
        {"dev": {"type": "none", "reason": "because"}},
        "needs a reason of at least 8 words saying why anyone may call this stage's API, got 'because'",
    ),
    ({"dev": "jwt"}, "stage 'dev': api_auth 'jwt' needs an issuer and audiences"),
    ({"dev": "cognito"}, "stage 'dev': api_auth 'cognito' is not one of iam, jwt, none"),
    ({"dev": {"type": "oauth"}}, "stage 'dev': api_auth.type 'oauth' is not one of iam, jwt, none"),
    ({"dev": 3}, "stage 'dev': api_auth must be a string or a table, got int 3"),
    (
        {"dev": {"type": "iam", "reason": REASON}},
        "stage 'dev': api_auth (iam): unknown key(s) ['reason']; allowed: type",
    ),
    (
        {"dev": {"type": "jwt", "issuer": "http://login.example.com", "audiences": ["a"]}},
        "api_auth (jwt): issuer must be the token issuer's https:// URL, got 'http://login.example.com'",
    ),
    (
        {"dev": {"type": "jwt", "issuer": ISSUER, "audiences": []}},
        "api_auth (jwt): audiences must be a non-empty list of the client IDs tokens are issued for, got []",
    ),
    ({"dev": {"type": "jwt", "issuer": ISSUER, "audiences": [" "]}}, "audiences must be a non-empty list"),
    (
        {"dev": {"type": "jwt", "issuer": ISSUER}},
        "audiences must be a non-empty list of the client IDs tokens are issued for, got None",
    ),
]


@pytest.mark.parametrize(("auth", "message"), REFUSED, ids=[m for _, m in REFUSED])
def test_an_api_auth_that_would_open_or_break_the_api_is_refused(auth: dict[str, Any], message: str) -> None:
    with pytest.raises(StageConfigError) as caught:
        parse_stages(with_auth(**auth))
    assert message in str(caught.value)


def _route(template: Any) -> dict[str, Any]:
    (route,) = template.find_resources("AWS::ApiGatewayV2::Route").values()
    return route["Properties"]


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_the_route_of_every_stage_is_signed_with_iam(synthesized: Synthesized, stage: str) -> None:
    # An AWS_IAM route: API Gateway answers an unsigned request with 403 before the alias is invoked.
    route = _route(synthesized.templates[stage])
    assert route["AuthorizationType"] == "AWS_IAM"
    assert route["RouteKey"] == "$default"
    assert synthesized.templates[stage].find_resources("AWS::ApiGatewayV2::Authorizer") == {}


def test_no_stage_acknowledges_an_open_api(synthesized: Synthesized) -> None:
    report = json.loads((synthesized.outdir / "validation-report.json").read_text())
    text = json.dumps(report)
    assert "AwsSolutions-APIG4" not in text


ACKNOWLEDGED: list[tuple[str, dict[str, str]]] = []
"""(construct path, rules) of every acknowledgment the stage stacks made in the ``jwt_and_open`` synth."""


@pytest.fixture(scope="module")
def jwt_and_open(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """dev open with a reason, staging behind a JWT authorizer: one synth for the module, with every
    stack-level cdk-nag acknowledgment recorded (synth passing proves each finding was acknowledged)."""
    import stacks.nag_checks as nag_checks

    stages = parse_stages(
        with_auth(
            dev={"type": "none", "reason": REASON},
            staging={"type": "jwt", "issuer": ISSUER, "audiences": ["orders-web"]},
        )
    )
    del stages["prod"]
    original = nag_checks.acknowledge

    def recording(scope: Any, rules: dict[str, str]) -> None:
        ACKNOWLEDGED.append((scope.node.path, dict(rules)))
        original(scope, rules)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nag_checks, "acknowledge", recording)
        return synthesize(Path(tmp_path_factory.mktemp("auth")), stages=stages)


def test_a_jwt_stage_checks_issuer_and_audience_on_its_route(jwt_and_open: Synthesized) -> None:
    template = jwt_and_open.templates["staging"]
    route = _route(template)
    assert route["AuthorizationType"] == "JWT"
    ((authorizer_id, authorizer),) = template.find_resources("AWS::ApiGatewayV2::Authorizer").items()
    assert route["AuthorizerId"] == {"Ref": authorizer_id}
    assert authorizer["Properties"]["AuthorizerType"] == "JWT"
    assert authorizer["Properties"]["JwtConfiguration"] == {"Audience": ["orders-web"], "Issuer": ISSUER}
    assert authorizer["Properties"]["IdentitySource"] == ["$request.header.Authorization"]


def test_an_open_stage_is_open_and_carries_its_reason_to_cdk_nag(jwt_and_open: Synthesized) -> None:
    assert _route(jwt_and_open.templates["dev"])["AuthorizationType"] == "NONE"
    open_api = [(path, rules) for path, rules in ACKNOWLEDGED if "AwsSolutions-APIG4" in rules]
    assert open_api == [
        ("version-demo-dev/Default/HttpApi/Api", {"AwsSolutions-APIG4": f"api_auth is none in stages.toml: {REASON}"})
    ]
