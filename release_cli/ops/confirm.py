"""Asking before acting on production: on a terminal a prompt, without one ``--yes`` is required.

Production is what the stage says (``release_cli.ops.production``: ``production = true`` in
``stages.toml``), not an alias's name: ``invoke --stage dev --alias prod`` does not ask. Callers
pass the target's decided ``production``; a caller that passes only ``stage``/``alias`` gets the
decision the names allow without an AWS call (``production.of_names``). Other stages' changes run
without asking, as a deploy would. ``what`` words the action for what it is: a change, an invoke.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from release_cli.ops.errors import RefusedError
from release_cli.ops.production import Production, of_names

A_CHANGE = "a change to production"
AN_INVOKE = "an invoke of production (it runs the real code, which may write real data)"


def needs_confirmation(production: Production) -> bool:
    return production.is_production


def confirm(
    summary: str,
    *,
    yes: bool,
    production: Production | None = None,
    stage: str | None = None,
    alias: str | None = None,
    what: str = A_CHANGE,
    untouched: str = "nothing changed",
    is_terminal: Callable[[], bool] = lambda: sys.stdin.isatty(),
    ask: Callable[[str], str] = input,
) -> None:
    """Return when the action may go ahead; ``RefusedError`` (nothing done: ``untouched``) otherwise."""
    if yes:
        return
    if production is None:
        production = of_names(stage=stage, function=None, alias=alias)
    if not needs_confirmation(production):
        return
    if not is_terminal():
        raise RefusedError(
            f"{summary}: {what} needs --yes when there is no terminal to ask ({production.because}); {untouched}"
        )
    answer = ask(f"{summary}\n{what.capitalize()} ({production.because}).\nType 'yes' to go ahead: ").strip().lower()
    if answer != "yes":
        raise RefusedError(f"not confirmed; {untouched}")
