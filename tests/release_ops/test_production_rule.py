"""The seed's one rule in the release CLI: production never runs $LATEST, and the stage decides what
production is (``production = true`` in stages.toml), not an alias's name. Against moto.

``--stage S`` reads a stand-in ``version-demo-S`` stack whose outputs name a lab function
(``stage_stack``); ``--function`` alone looks at every sign: the function's ``Stage`` tag (the
stacks tag every resource with it), its name, and aliases a production stage declares.
"""

from __future__ import annotations

import pytest

from tests.release_ops.conftest import Lab


def _tag(lab: Lab, stage: str) -> None:
    arn = lab.lam.get_function(FunctionName=lab.function)["Configuration"]["FunctionArn"]
    lab.lam.tag_resource(Resource=arn, Tags={"Stage": stage})


def test_promote_prod_to_latest_is_refused(lab: Lab, stage_stack, run_cli) -> None:
    stage_stack("prod", lab, "2")
    result = run_cli(
        "promote", "--stage", "prod", "--function", "order-api", "--alias", "prod", "--to", "$LATEST", "--yes"
    )
    assert result.code == 1, result.err
    assert "production never runs $LATEST" in result.err and "stage prod is a production stage" in result.err
    assert lab.state("prod") == ("1", {})
    assert lab.audit_items() == []


def test_rollback_of_a_production_alias_never_lands_on_latest(lab: Lab, stage_stack, run_cli) -> None:
    stage_stack("prod", lab, "2")
    lab.lam.update_alias(FunctionName=lab.function, Name="prod", FunctionVersion="$LATEST")  # as the seed left it
    assert (
        run_cli("promote", "--stage", "prod", "--function", "order-api", "--alias", "prod", "--to", "2", "--yes").code
        == 0
    )
    result = run_cli("rollback", "--stage", "prod", "--function", "order-api", "--alias", "prod", "--yes")
    assert result.code == 1, result.err
    assert "production never runs $LATEST" in result.err
    assert lab.state("prod") == ("2", {})
    assert len(lab.audit_items()) == 1


def test_canary_clear_on_a_production_alias_at_latest_is_refused(lab: Lab, stage_stack, run_cli) -> None:
    """A canary keeps the primary: on a production alias that runs $LATEST, no canary move is allowed."""
    stage_stack("prod", lab, "2")
    lab.lam.update_alias(FunctionName=lab.function, Name="staging", FunctionVersion="$LATEST",
                         RoutingConfig={"AdditionalVersionWeights": {"1": 0.1}})  # fmt: skip
    result = run_cli("canary", "--stage", "prod", "--function", "order-api", "--alias", "staging", "--clear", "--yes")
    assert result.code == 1 and "production never runs $LATEST" in result.err


def test_a_non_production_stage_may_run_latest_without_asking(lab: Lab, stage_stack, run_cli) -> None:
    stage_stack("dev", lab, "2")
    result = run_cli(
        "promote", "--stage", "dev", "--function", "order-api", "--alias", "prod", "--to", "$LATEST"
    )  # an alias named prod
    assert result.code == 0, result.err  # the stage decides: dev is not production, so no --yes either
    assert lab.state("prod") == ("$LATEST", {})


@pytest.mark.parametrize(
    ("alias", "tag", "says"),
    [
        ("prod", None, "alias prod is named after production stage prod's alias"),
        ("staging", "prod", "is tagged Stage=prod"),
    ],
)
def test_with_only_function_every_production_sign_counts(
    lab: Lab, run_cli, alias: str, tag: str | None, says: str
) -> None:
    if tag:
        _tag(lab, tag)
    before = lab.state(alias)
    latest = run_cli("promote", *lab.target_args(), "--alias", alias, "--to", "$LATEST", "--yes")
    assert latest.code == 1, latest.err
    assert "production never runs $LATEST" in latest.err and says in latest.err
    unconfirmed = run_cli("promote", *lab.target_args(), "--alias", alias, "--to", "2" if alias == "prod" else "1")
    assert unconfirmed.code == 1 and "a change to production needs --yes" in unconfirmed.err
    assert lab.state(alias) == before
    assert lab.audit_items() == []


def test_with_only_function_a_dev_tagged_function_is_not_production(lab: Lab, run_cli) -> None:
    _tag(lab, "dev")
    result = run_cli("promote", *lab.target_args(), "--alias", "staging", "--to", "$LATEST")
    assert result.code == 0, result.err
    assert lab.state("staging") == ("$LATEST", {})


def test_promote_from_alias_onto_latest_is_refused(lab: Lab, stage_stack, run_cli) -> None:
    stage_stack("prod", lab, "2")
    result = run_cli(
        "promote", "--stage", "prod", "--function", "order-api", "--alias", "prod", "--from-alias", "dev", "--yes"
    )
    assert result.code == 1 and "$LATEST" in result.err
    assert lab.state("prod") == ("1", {})


def test_the_invoke_guard_is_keyed_on_the_stage_and_says_it_is_an_invoke(lab: Lab, stage_stack, run_cli) -> None:
    """``invoke --stage dev --alias prod`` used to ask "a change to prod needs --yes"."""
    payload = ["--payload", '{"action": "status", "order_id": "ORD-1"}']
    stage_stack("dev", lab, "2")
    dev = run_cli("invoke", *payload, "--stage", "dev", "--function", "order-api", "--alias", "prod")
    assert "--yes" not in dev.err, dev.err  # it ran (what moto answers is another matter)


def test_the_invoke_guard_asks_before_an_invoke_of_production(lab: Lab, stage_stack, run_cli) -> None:
    payload = ["--payload", '{"action": "status", "order_id": "ORD-1"}']
    stage_stack("prod", lab, "2")
    # the stage decides, not the alias
    prod = run_cli("invoke", *payload, "--stage", "prod", "--function", "order-api", "--alias", "staging")
    assert prod.code == 1
    assert "an invoke of production (it runs the real code, which may write real data) needs --yes" in prod.err
    assert "stage prod is a production stage" in prod.err and "nothing was invoked" in prod.err
    assert "a change" not in prod.err


def test_promote_from_a_stage_with_no_function_names_it(lab: Lab, run_cli, one_function_project) -> None:
    result = run_cli("promote", *lab.target_args(), "--alias", "staging", "--from-alias", "staging",
                     "--from-stage", "staging")  # fmt: skip
    assert result.code == 2, result.err
    assert "stage staging's function staging-VersionedOrderAPI was not found" in result.err
    assert "deploy stage staging first" in result.err and "--to V" in result.err
    assert "check the alias name" not in result.err
    assert lab.state("staging") == ("2", {})
