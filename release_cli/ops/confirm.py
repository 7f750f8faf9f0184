"""Asking before a change to prod: on a terminal a prompt, without one ``--yes`` is required.

Prod means the stage ``prod`` or an alias named ``prod`` (the seed's single function carries one).
Other stages' changes run without asking, as a deploy would.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from release_cli.ops.errors import RefusedError

PROTECTED = "prod"


def needs_confirmation(*, stage: str | None, alias: str | None) -> bool:
    return stage == PROTECTED or alias == PROTECTED


def confirm(
    summary: str,
    *,
    stage: str | None,
    alias: str | None,
    yes: bool,
    is_terminal: Callable[[], bool] = lambda: sys.stdin.isatty(),
    ask: Callable[[str], str] = input,
) -> None:
    """Return when the change may go ahead; ``RefusedError`` (nothing changed) otherwise."""
    if yes or not needs_confirmation(stage=stage, alias=alias):
        return
    if not is_terminal():
        raise RefusedError(f"{summary}: a change to prod needs --yes when there is no terminal to ask; nothing changed")
    answer = ask(f"{summary}\nType 'yes' to go ahead: ").strip().lower()
    if answer != "yes":
        raise RefusedError("not confirmed; nothing changed")
