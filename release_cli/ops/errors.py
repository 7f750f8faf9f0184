"""The two ways an operation stops: bad input or an AWS error (exit 2), or a refused move (exit 1).

Every message says what to do next, so an operator at 3 a.m. never has to guess.
"""

from __future__ import annotations

EXIT_OK, EXIT_REFUSED, EXIT_INPUT = 0, 1, 2


class OpsError(Exception):
    """Bad input or an AWS failure: nothing was changed by this command unless the message says so."""

    exit_code = EXIT_INPUT


class RefusedError(OpsError):
    """A move the rules forbid (Lambda's alias rules, a deployment in progress, a concurrent change)."""

    exit_code = EXIT_REFUSED


class AuditWriteError(OpsError):
    """The alias moved but its audit record could not be written: the one failure after a change."""

    exit_code = EXIT_INPUT
