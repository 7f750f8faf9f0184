"""canary's flag values and the weight precision, against moto with a real audit table.

A bad flag value is bad input: the message names the flag (``--weight``, not the stages.toml key
``weighted.weight``) and exits 2, before any call that changes something; exit 1 stays for a move
the rules refuse. A weight finer than 4 decimal places is refused the same way: DynamoDB cannot
store 1e-300 or 1e-131 ("Number underflow"; its numbers stop at 1E-130), and before this rule such a
canary moved the alias and then failed its audit record.
"""

from __future__ import annotations

import pytest

from tests.release_ops.conftest import Lab


@pytest.mark.parametrize(
    ("weight", "says"),
    [
        ("-0.1", "between 0 and 1"),
        ("1.0", "between 0 and 1"),
        ("0", "between 0 and 1"),
        ("abc", "must be a number"),
        ("nan", "between 0 and 1"),
        ("1e-300", "at most 4 decimal places"),
        ("1e-131", "at most 4 decimal places"),
        ("0.00005", "at most 4 decimal places"),
        ("0.12345", "at most 4 decimal places"),
    ],
)
def test_a_bad_weight_names_the_flag_exits_2_and_changes_nothing(lab: Lab, run_cli, weight: str, says: str) -> None:
    result = run_cli("canary", *lab.target_args(), "--alias", "staging", "--version", "1", "--weight", weight)
    assert result.code == 2, result.out + result.err
    assert f"--weight {weight}: " in result.err and says in result.err
    assert "weighted.weight" not in result.err
    assert lab.state("staging") == ("2", {})
    assert lab.audit_items() == []


def test_a_bad_version_names_the_flag(lab: Lab, run_cli) -> None:
    result = run_cli("canary", *lab.target_args(), "--alias", "staging", "--version", "two", "--weight", "0.1")
    assert result.code == 2
    assert "--version 'two'" in result.err
    assert lab.state("staging") == ("2", {})


def test_a_bad_weight_in_json_mode_prints_the_error_object(lab: Lab, run_cli) -> None:
    result = run_cli("canary", *lab.target_args(), "--alias", "staging", "--version", "1", "--weight", "1e-300",
                     "--json")  # fmt: skip
    assert result.code == 2
    assert result.json()["error"]["exitCode"] == 2 and "--weight" in result.json()["error"]["message"]


@pytest.mark.parametrize(("weight", "stored"), [("0.0001", "0.0001"), ("0.9999", "0.9999"), ("0.25", "0.25")])
def test_the_finest_weights_are_moved_and_recorded_exactly(lab: Lab, run_cli, weight: str, stored: str) -> None:
    result = run_cli("canary", *lab.target_args(), "--alias", "staging", "--version", "1", "--weight", weight)
    assert result.code == 0, result.err
    assert lab.state("staging") == ("2", {"1": float(weight)})
    (item,) = lab.audit_items()
    assert item["toWeights"]["M"] == {"1": {"N": stored}}


def test_a_rule_refusal_still_exits_1(lab: Lab, run_cli) -> None:
    result = run_cli("canary", *lab.target_args(), "--alias", "staging", "--version", "$LATEST", "--weight", "0.1")
    assert result.code == 1 and "never $LATEST" in result.err


def test_a_live_weight_no_record_can_hold_is_refused_before_moving(lab: Lab, run_cli) -> None:
    """A weight set outside release (moto takes any; FACTS) that DynamoDB cannot store would make the
    move's record (its fromWeights) fail after the move: the move is refused first."""
    lab.lam.update_alias(
        FunctionName=lab.function, Name="staging", RoutingConfig={"AdditionalVersionWeights": {"1": 1e-300}}
    )
    result = run_cli("promote", *lab.target_args(), "--alias", "staging", "--to", "1")
    assert result.code == 1, result.err
    assert "1e-300" in result.err and "no audit record can store" in result.err
    assert lab.state("staging") == ("2", {"1": 1e-300})
    assert lab.audit_items() == []
