"""The seed's one rule in the stage config and at synth: production never runs $LATEST.

``production = true`` marks a production stage (prod, in the shipped stages.toml; default false):
its aliases may not target "$LATEST" (an error naming the stage, the alias, the key and the allowed
values), and at synth every alias, API integration and permission of its function must go through
an alias on a published version. Plus the weight precision a stage may declare.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from service_model.alias_spec import AliasSpec
from service_model.stages import StageConfigError, load_stages, parse_stages, stages_file

BASE = tomllib.loads(stages_file().read_text())


def with_stage(stage: str, **settings: Any) -> dict[str, Any]:
    raw = copy.deepcopy(BASE)
    raw["stages"][stage].update(settings)
    return raw


def test_the_shipped_stages_mark_prod_and_only_prod_as_production() -> None:
    assert {name: config.production for name, config in load_stages().items()} == {
        "dev": False,
        "staging": False,
        "prod": True,
    }


def test_a_production_alias_on_latest_is_refused_naming_stage_alias_key_and_allowed_values() -> None:
    raw = with_stage("prod", aliases=[{"name": "live", "target": "new"}, {"name": "prod", "target": "$LATEST"}])
    with pytest.raises(StageConfigError) as caught:
        parse_stages(raw)
    assert str(caught.value) == (
        "stage 'prod' (production = true): aliases[1] ('prod').target: a production stage never runs $LATEST "
        "(unpublished code that any update changes); allowed: 'new' (the version this deploy publishes) or a "
        "published version number >= 1"
    )


def test_the_stage_decides_not_the_alias_name() -> None:
    """dev may run $LATEST, even on an alias called prod (the seed's single function); any stage marked
    production may not, whatever its aliases are called."""
    dev = parse_stages(with_stage("dev", aliases=[{"name": "prod", "target": "$LATEST"}]))["dev"]
    assert dev.alias("prod").target == "$LATEST" and not dev.production
    marked = with_stage("staging", production=True, aliases=[{"name": "qa", "target": "$LATEST"}])
    with pytest.raises(StageConfigError, match=re.escape("stage 'staging' (production = true): aliases[0] ('qa')")):
        parse_stages(marked)


def test_production_must_be_a_boolean() -> None:
    with pytest.raises(StageConfigError, match=re.escape("stage 'prod': production must be bool, got str 'yes'")):
        parse_stages(with_stage("prod", production="yes"))


@pytest.mark.parametrize("weight", [1e-300, 1e-131, 0.00005, 0.12345])
def test_a_declared_weight_finer_than_four_decimal_places_is_refused(weight: float) -> None:
    raw = with_stage("dev", aliases=[{"name": "dev", "target": 1, "weighted": {"version": 2, "weight": weight}}])
    with pytest.raises(StageConfigError) as caught:
        parse_stages(raw)
    assert "aliases[0] ('dev').weighted.weight: must have at most 4 decimal places" in str(caught.value)
    assert repr(weight) in str(caught.value)


@pytest.mark.parametrize("weight", [0.0001, 0.9999, 0.1])
def test_a_declared_weight_of_four_decimal_places_is_accepted(weight: float) -> None:
    raw = with_stage("dev", aliases=[{"name": "dev", "target": 1, "weighted": {"version": 2, "weight": weight}}])
    assert parse_stages(raw)["dev"].alias("dev").weighted.weight == weight  # type: ignore[union-attr]


# --- at synth: what was built, not only what stages.toml says ---------------------------------------


def _prod_with(production: bool = True, **changes: Any) -> Any:
    """Prod with ``changes`` to its primary function (the Order API), which is what the stack builds from."""
    prod = load_stages()["prod"]
    primary = dataclasses.replace(prod.primary, **changes)
    return dataclasses.replace(prod, production=production, functions=(primary, *prod.functions[1:]))


def _synth_errors(tmp_path: Path, config: Any, extra: Any = None) -> str:
    """Synthesize one stage from ``config`` (bypassing stages.toml's checks, as a hand-built stack would);
    ``extra(stack)`` adds constructs first. The validation error's text, or '' when synth passed."""
    from aws_cdk import App

    from stacks.version_demo_stack import VersionDemoStack
    from tests.conftest import cdk_json_context

    app = App(context=cdk_json_context(), outdir=str(tmp_path), analytics_reporting=False)
    stack = VersionDemoStack(app, config.stack_name, config=config)
    if extra is not None:
        extra(stack)
    try:
        app.synth()
    except RuntimeError as err:
        return str(err)
    return ""


def test_synth_stops_on_a_production_alias_on_latest_naming_the_construct_path(tmp_path: Path) -> None:
    bad = _prod_with(aliases=(AliasSpec(name="prod", target="$LATEST"),))
    errors = _synth_errors(tmp_path, bad)
    assert "version-demo-prod/Default/AliasProd/Alias/Resource: alias prod of the function runs $LATEST" in errors
    integration = "version-demo-prod/Default/HttpApi/Api/DefaultRoute/AliasIntegration/Resource"
    assert f"{integration}: API integration goes through alias prod, which runs $LATEST" in errors
    assert "AliasIntegration-Permission: permission goes through alias prod" in errors
    assert not list(tmp_path.glob("*.template.json"))


def test_synth_stops_on_an_integration_and_a_permission_to_the_unqualified_function(tmp_path: Path) -> None:
    def unqualified(stack: Any) -> None:
        from aws_cdk import aws_apigatewayv2 as apigwv2
        from aws_cdk import aws_apigatewayv2_integrations as integrations

        apigwv2.HttpApi(
            stack, "Backdoor", default_integration=integrations.HttpLambdaIntegration("Direct", stack.function.function)
        )

    errors = _synth_errors(tmp_path, _prod_with(), unqualified)
    backdoor = "version-demo-prod/Backdoor/DefaultRoute/Direct"
    assert f"{backdoor}/Resource: API integration targets the function itself" in errors
    assert f"{backdoor}-Permission: permission targets the function itself" in errors
    assert "version-demo-prod/Default/HttpApi" not in errors  # the stage's own API goes through the prod alias


def test_synth_of_latest_is_fine_outside_production(tmp_path: Path) -> None:
    relaxed = _prod_with(production=False, aliases=(AliasSpec(name="prod", target="$LATEST"),))
    assert _synth_errors(tmp_path, relaxed) == ""


def test_the_app_entry_point_reports_the_violation_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from aws_cdk import App

    import stacks.app_builder as app_builder
    from stacks.app_builder import synth_from_context

    bad = _prod_with(aliases=(AliasSpec(name="prod", target="$LATEST"),))
    monkeypatch.setattr(app_builder, "load_stages", lambda: {"prod": bad})
    assert synth_from_context(App(outdir=str(tmp_path), context={"stage": "prod"})) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: ") and "version-demo-prod/Default/AliasProd/Alias/Resource" in error


def test_synth_stops_on_a_stream_mapping_through_a_production_alias_on_latest(tmp_path: Path) -> None:
    prod = load_stages()["prod"]
    worker = dataclasses.replace(prod.function("order-worker"), aliases=(AliasSpec(name="prod", target="$LATEST"),))
    bad = dataclasses.replace(prod, functions=tuple(worker if f.key == "order-worker" else f for f in prod.functions))
    errors = _synth_errors(tmp_path, bad)
    mapping = "version-demo-prod/OrderWorker/AliasProd/Alias/StreamMapping/Resource"
    assert f"{mapping}: event source mapping goes through alias prod, which runs $LATEST" in errors
    assert "version-demo-prod/Default/" not in errors  # the Order API still goes through its published alias
