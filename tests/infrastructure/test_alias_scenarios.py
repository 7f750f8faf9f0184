"""Alias shapes beyond the defaults, as stage config: the seed's one function with prod/staging/dev
aliases, the seed's 90/10 weighted alias, pinned versions, custom canary and linear rollouts."""

from __future__ import annotations

import tomllib

import pytest

from service_model.stages import parse_stages
from tests.conftest import synthesize

SCENARIOS = """
[defaults]
runtime = "python3.13"

# The seed's Part II: one function, prod -> 1, staging -> 2, dev -> $LATEST; the API invokes prod.
[stages.dev]
retain_data = false
api_alias = "prod"
aliases = [
  { name = "prod", target = 1, description = "Production traffic" },
  { name = "staging", target = 2 },
  { name = "dev", target = "$LATEST" },
]

# A custom linear rollout, and an alias pinned to 3 with 10% to the new version.
[stages.staging]
aliases = [
  { name = "staging", target = "new", rollout = { type = "linear", percent = 20, minutes = 2 } },
  { name = "qa", target = 3, weighted = { version = "new", weight = 0.1 } },
]

# The seed's Part III: prod on 1 with 10% to 2; plus a custom canary alias.
[stages.prod]
aliases = [
  { name = "prod", target = 1, weighted = { version = 2, weight = 0.1 } },
  { name = "live", target = "new", rollout = { type = "canary", percent = 25, minutes = 15 } },
]
"""


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    return synthesize(tmp_path_factory.mktemp("scenarios"), stages=parse_stages(tomllib.loads(SCENARIOS)))


def aliases(template) -> dict[str, dict]:
    return {r["Properties"]["Name"]: r["Properties"] for r in template.find_resources("AWS::Lambda::Alias").values()}


def test_seed_single_function_carries_prod_staging_and_dev_aliases(scenarios):
    found = aliases(scenarios.templates["dev"])
    assert set(found) == {"prod", "staging", "dev"}
    fn = {"Ref": next(iter(scenarios.templates["dev"].find_resources("AWS::Lambda::Function")))}
    assert all(a["FunctionName"] == fn for a in found.values())
    assert found["prod"]["FunctionVersion"] == "1"
    assert found["staging"]["FunctionVersion"] == "2"
    assert found["dev"]["FunctionVersion"] == "$LATEST"


def test_api_invokes_the_configured_alias(scenarios):
    integration = next(iter(scenarios.templates["dev"].find_resources("AWS::ApiGatewayV2::Integration").values()))
    prod_alias = next(
        k
        for k, v in scenarios.templates["dev"].find_resources("AWS::Lambda::Alias").items()
        if v["Properties"]["Name"] == "prod"
    )
    assert integration["Properties"]["IntegrationUri"] == {"Ref": prod_alias}


def test_seed_weighted_alias_sends_ten_percent_to_version_two(scenarios):
    prod = aliases(scenarios.templates["prod"])["prod"]
    assert prod["FunctionVersion"] == "1"
    assert prod["RoutingConfig"] == {"AdditionalVersionWeights": [{"FunctionVersion": "2", "FunctionWeight": 0.1}]}


def test_pinned_alias_can_route_a_weight_to_the_new_version(scenarios):
    template = scenarios.templates["staging"]
    version_id = next(iter(template.find_resources("AWS::Lambda::Version")))
    qa = aliases(template)["qa"]
    assert qa["FunctionVersion"] == "3"
    assert qa["RoutingConfig"]["AdditionalVersionWeights"] == [
        {"FunctionVersion": {"Fn::GetAtt": [version_id, "Version"]}, "FunctionWeight": 0.1}
    ]


@pytest.mark.parametrize(
    ("stage", "routing"),
    [
        ("staging", {"Type": "TimeBasedLinear", "TimeBasedLinear": {"LinearInterval": 2, "LinearPercentage": 20}}),
        ("prod", {"Type": "TimeBasedCanary", "TimeBasedCanary": {"CanaryInterval": 15, "CanaryPercentage": 25}}),
    ],
)
def test_custom_rollout_creates_a_time_based_deployment_config(scenarios, stage, routing):
    template = scenarios.templates[stage]
    template.has_resource_properties(
        "AWS::CodeDeploy::DeploymentConfig", {"ComputePlatform": "Lambda", "TrafficRoutingConfig": routing}
    )
    config_id = next(iter(template.find_resources("AWS::CodeDeploy::DeploymentConfig")))
    template.has_resource_properties("AWS::CodeDeploy::DeploymentGroup", {"DeploymentConfigName": {"Ref": config_id}})


def test_only_rollout_aliases_get_a_deployment_group(scenarios):
    assert len(scenarios.templates["dev"].find_resources("AWS::CodeDeploy::DeploymentGroup")) == 0
    assert len(scenarios.templates["prod"].find_resources("AWS::CodeDeploy::DeploymentGroup")) == 1
    assert len(scenarios.templates["prod"].find_resources("AWS::CloudWatch::Alarm")) == 6, "three alarms per alias"
