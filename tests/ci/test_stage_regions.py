"""``regions`` in stages.toml: where the pipeline deploys a stage, as one wave; checked like every setting."""

from __future__ import annotations

import copy
import re
import tomllib

import pytest

from service_model.stages import StageConfigError, parse_stages, stages_file

BASE = tomllib.loads(stages_file().read_text())


def prod_with(**settings) -> dict:
    raw = copy.deepcopy(BASE)
    raw["stages"]["prod"].update(settings)
    return raw


def test_regions_are_read_in_order_and_region_alone_is_one_place():
    stages = parse_stages(prod_with(regions=["us-east-1", "eu-west-1"], region="eu-west-1"))
    assert stages["prod"].deploy_regions("ap-south-1") == ("us-east-1", "eu-west-1")
    assert parse_stages(prod_with(region="eu-west-1"))["prod"].deploy_regions("ap-south-1") == ("eu-west-1",)
    assert parse_stages(BASE)["prod"].deploy_regions("ap-south-1") == ("ap-south-1",)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"regions": "us-east-1"}, "regions must be a list of Region names"),
        ({"regions": ["us-east-1", 3]}, "regions must be a list of Region names"),
        ({"regions": ["US East"]}, "regions: 'US East' is not a Region name"),
        ({"regions": ["us-east-1", "us-east-1"]}, "regions lists a Region twice"),
        ({"regions": ["us-east-1"], "region": "eu-west-1"}, "region 'eu-west-1' must be one of regions (us-east-1)"),
        ({"region": "eu_west_1"}, "region 'eu_west_1' is not a Region name"),
    ],
)
def test_bad_regions_name_the_stage_and_key(settings, message):
    with pytest.raises(StageConfigError, match=re.escape(f"stage 'prod': {message}")):
        parse_stages(prod_with(**settings))
