"""Rollback goes back, never forth (issue 14), against moto with a real audit table.

The trail is an undo stack: a rollback undoes the newest move no rollback has undone yet, and its
record names that move (``undoes``). The old behaviour undid the newest record whatever it was, so
two rollbacks toggled (2 -> 1, then 1 -> 2: the bad version came back with exit 0).
"""

from __future__ import annotations

from tests.release_ops.conftest import Lab


def _moves(lab: Lab, run_cli, alias: str, *versions: str) -> None:
    for version in versions:
        result = run_cli("promote", *lab.target_args(), "--alias", alias, "--to", version)
        assert result.code == 0, result.err


def test_two_rollbacks_after_three_moves_go_back_twice_then_stop(lab: Lab, run_cli) -> None:
    three = lab.publish("v3")
    lab.alias("live", "1")
    _moves(lab, run_cli, "live", "2", three)  # 1 -> 2 -> 3

    first = run_cli("rollback", *lab.target_args(), "--alias", "live", "--json")
    assert first.code == 0, first.err
    assert lab.state("live") == ("2", {})
    second = run_cli("rollback", *lab.target_args(), "--alias", "live", "--json")
    assert second.code == 0, second.err
    assert lab.state("live") == ("1", {})  # the old code went forth to 3 here

    third = run_cli("rollback", *lab.target_args(), "--alias", "live")
    assert third.code == 1, third.err
    assert (
        "alias live: every recorded move is already rolled back (the oldest took it from 1 to 2); a rollback "
        "never goes forth again. Nothing was changed; to move it anyway, name the version with --to V"
    ) in " ".join(third.err.split())
    assert lab.state("live") == ("1", {})
    assert len(lab.audit_items()) == 4  # two promotes, two rollbacks; the refusal wrote nothing

    trail = run_cli("audit", *lab.target_args(), "--alias", "live", "--json").json()
    by_action = [(r["action"], r["fromVersion"], r["toVersion"]) for r in trail]
    assert by_action == [
        ("rollback", "2", "1"),
        ("rollback", three, "2"),
        ("promote", "2", three),
        ("promote", "1", "2"),
    ]
    sk_of = {r["recordId"]: f"MOVE#{r['at']}#{r['recordId']}" for r in trail}
    assert trail[1]["undoes"] == sk_of[trail[2]["recordId"]]  # the first rollback names the move 2 -> 3
    assert trail[0]["undoes"] == sk_of[trail[3]["recordId"]]  # the second names the move 1 -> 2


def test_a_rollback_of_a_rollback_needs_an_explicit_to_and_can_itself_be_undone(lab: Lab, run_cli) -> None:
    lab.alias("live", "1")
    _moves(lab, run_cli, "live", "2")
    assert run_cli("rollback", *lab.target_args(), "--alias", "live").code == 0
    assert lab.state("live") == ("1", {})
    assert run_cli("rollback", *lab.target_args(), "--alias", "live").code == 1  # never back to 2 by itself

    explicit = run_cli("rollback", *lab.target_args(), "--alias", "live", "--to", "2", "--reason", "2 was fine")
    assert explicit.code == 0, explicit.err
    assert lab.state("live") == ("2", {})
    undo_explicit = run_cli("rollback", *lab.target_args(), "--alias", "live")
    assert undo_explicit.code == 0, undo_explicit.err
    assert lab.state("live") == ("1", {})  # an explicit --to is an ordinary move: the next rollback undoes it


def test_latest_is_not_toggled_back_and_forth(lab: Lab, run_cli) -> None:
    """The issue's 6 -> $LATEST -> 6 -> $LATEST, on a non-production alias (dev runs $LATEST in the seed)."""
    _moves(lab, run_cli, "dev", "1")
    assert run_cli("rollback", *lab.target_args(), "--alias", "dev").code == 0
    assert lab.state("dev") == ("$LATEST", {})
    again = run_cli("rollback", *lab.target_args(), "--alias", "dev")
    assert again.code == 1 and "--to V" in again.err
    assert lab.state("dev") == ("$LATEST", {})


def test_the_outside_move_check_compares_weights_not_only_the_version(lab: Lab, run_cli) -> None:
    """Only the weight differs from where the last record left the alias: still a move outside release."""
    canary = run_cli("canary", *lab.target_args(), "--alias", "staging", "--version", "1", "--weight", "0.1")
    assert canary.code == 0, canary.err
    lab.lam.update_alias(
        FunctionName=lab.function, Name="staging", RoutingConfig={"AdditionalVersionWeights": {"1": 0.2}}
    )  # someone widened the canary by hand
    result = run_cli("rollback", *lab.target_args(), "--alias", "staging")
    assert result.code == 1, result.err
    assert "moved outside release since" in result.err and "2 @ 90% + 1 @ 10%" in result.err
    assert lab.state("staging") == ("2", {"1": 0.2})
    assert len(lab.audit_items()) == 1
