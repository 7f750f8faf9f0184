"""Errors the review reports as bad input (exit code 2) rather than as danger (exit code 1)."""


class ReviewInputError(Exception):
    """The input could not be reviewed: a missing file, a parse error, not a template, an AWS error.

    Kept apart from danger so that a broken pipeline never looks like a safe (or a dangerous) change.
    """
