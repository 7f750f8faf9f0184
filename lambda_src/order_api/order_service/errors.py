"""Exceptions that carry the HTTP status they map to, so every failure becomes a deliberate response.

Anything that is not one of these is a bug and becomes a 500 with the request id (never a stack trace).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One violated rule: the field's path (``items[0].quantity``) and what is wrong with it."""

    field: str
    problem: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "problem": self.problem}

    def __str__(self) -> str:
        """``customerId is required``: the seed's wording for its one rule, and readable for every other."""
        return f"{self.field} {self.problem}"


class OrderApiError(Exception):
    """Base class: ``status_code`` and a message safe to show the caller."""

    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(OrderApiError):
    """The caller's mistake; ``errors`` names every violated field rule (may be empty for whole-request errors)."""

    status_code = 400

    def __init__(self, message: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []

    @classmethod
    def for_fields(cls, errors: list[FieldError]) -> BadRequest:
        return cls("; ".join(str(error) for error in errors), errors)


class NotFound(OrderApiError):
    status_code = 404


class MethodNotAllowed(OrderApiError):
    """A known path with a method it does not take; ``allow`` lists the ones it does (the ``Allow`` header)."""

    status_code = 405

    def __init__(self, message: str, allow: tuple[str, ...]) -> None:
        super().__init__(message)
        self.allow = allow


class Conflict(OrderApiError):
    """An idempotency key reused with a different request: retrying cannot help, the caller must change something."""

    status_code = 409


class ServiceUnavailable(OrderApiError):
    """DynamoDB still throttled or unreachable after the client's own retries; the caller may retry later."""

    status_code = 503


class InternalError(OrderApiError):
    """A server-side failure that retrying will not fix (misconfiguration, unexpected AWS error)."""

    status_code = 500
