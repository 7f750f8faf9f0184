"""A command's ``--help`` as one line of text, for tests that check what it says (argparse wraps long
lines at spaces to the terminal's width, so the words are joined again)."""

from __future__ import annotations

import pytest


def help_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """``release ARGV... --help``: exit 0 and its output, whitespace collapsed."""
    from release_cli.cli import main

    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return " ".join(capsys.readouterr().out.split())
