"""``release --help`` and each move command's ``--help`` tell the user what the command does and what
every one of its own options means (the shared options are covered with the command line's parser)."""

from __future__ import annotations

import importlib

import pytest

from tests.release_ops.cli_help import help_text

OWN_OPTIONS = {
    "canary": {
        "--version VERSION": "the version that gets --weight of the traffic",
        "--weight WEIGHT": "share of traffic for --version: 0 < W < 1, at most 4 decimal places "
        "(0.1 = 10%, 0.0025 = 0.25%)",
        "--clear": "remove the weighted route (all traffic to the primary)",
    },
    "promote": {
        "--to TO": "the version to promote (default: the version the canary routes to)",
        "--from-alias FROM_ALIAS": "promote the version this alias runs",
        "--from-stage {dev,staging,prod}": "stage of --from-alias when it is another stage's function",
    },
    "rollback": {
        "--to TO": "the version to move to (default: undo the newest move not undone yet, from the audit trail)",
    },
}

SUMMARIES = {
    "canary": "set or clear an alias's weighted route (audited)",
    "promote": "move an alias to a version and clear its route (audited)",
    "rollback": "undo an alias's newest recorded move not undone yet; never forth again (audited)",
}


@pytest.mark.parametrize("command", sorted(OWN_OPTIONS))
def test_a_move_commands_help_shows_its_description_and_every_own_option(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    shown = help_text(capsys, command)
    assert shown.startswith(f"usage: release {command} ")
    doc = importlib.import_module(f"release_cli.commands.{command}").__doc__ or ""
    assert " ".join(doc.split()[:12]).replace("``", "") in shown  # the description is the module's docstring
    for option, text in OWN_OPTIONS[command].items():
        assert f"{option} {text}" in shown, option


def test_the_command_list_names_each_move_with_its_summary(capsys: pytest.CaptureFixture[str]) -> None:
    shown = help_text(capsys)
    for command, summary in SUMMARIES.items():
        assert f"{command} {summary}" in shown
