"""Who may call a stage's HTTP API: ``api_auth`` in ``stages.toml``, validated.

Three kinds, as API Gateway's HTTP APIs offer them:
  ``iam``  every request is signed with SigV4 by a principal allowed ``execute-api:Invoke`` on the
           route (the default: the API is never open unless a stage says so, with a reason);
  ``jwt``  a JWT authorizer: ``{ type = "jwt", issuer = "https://...", audiences = ["..."] }``;
  ``none`` open to anyone on the internet: ``{ type = "none", reason = "..." }``. The reason is
           required (it becomes the cdk-nag acknowledgment) and a production stage refuses it.
Pure Python, so the CDK app, ``release serve`` and the integration tests read the same setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

API_AUTH_TYPES = ("iam", "jwt", "none")
MIN_REASON_WORDS = 8
"""A reason for an open API says why in a sentence, as the cdk-nag acknowledgments do."""


SIGNED_METHODS = ("GET", "POST")
"""The methods the Order API serves (create, read back): what a CI role signs calls with, and all it may."""


def execute_api_arns(*, partition: str, region: str, account: str) -> list[str]:
    """``execute-api:Invoke`` resources for signed calls to a stage's HTTP API: ``<api-id>/$default/<METHOD>/<path>``.

    An API's id is generated when it is deployed, so a role made before (or beside) the stage names
    the ``$default`` stage of any API in its account and Region, for the two methods only.
    """
    return [f"arn:{partition}:execute-api:{region}:{account}:*/$default/{method}/*" for method in SIGNED_METHODS]


class ApiAuthError(ValueError):
    """An ``api_auth`` value that cannot be synthesized; the message says what is allowed."""


@dataclass(frozen=True)
class ApiAuth:
    type: str = "iam"
    issuer: str = ""
    audiences: tuple[str, ...] = ()
    reason: str = ""

    @property
    def open(self) -> bool:
        return self.type == "none"

    def describe(self) -> str:
        if self.type == "iam":
            return "iam (SigV4-signed requests, execute-api:Invoke)"
        if self.type == "jwt":
            return f"jwt (issuer {self.issuer}, audiences {', '.join(self.audiences)})"
        return f"none ({self.reason})"


ALLOWED = (
    'api_auth = "iam", { type = "jwt", issuer = "https://...", audiences = ["..."] } '
    'or { type = "none", reason = "<why the API is open, in a sentence>" }'
)


def parse_api_auth(raw: Any, *, production: bool) -> ApiAuth:
    """``"iam"`` or a table -> ``ApiAuth``; anything else raises ``ApiAuthError`` naming what is allowed."""
    if raw is None:
        return ApiAuth()
    if isinstance(raw, str):
        if raw == "iam":
            return ApiAuth()
        if raw in ("jwt", "none"):
            what = "an issuer and audiences" if raw == "jwt" else "a reason"
            raise ApiAuthError(f"api_auth {raw!r} needs {what}: {ALLOWED}")
        raise ApiAuthError(f"api_auth {raw!r} is not one of {', '.join(API_AUTH_TYPES)}: {ALLOWED}")
    if not isinstance(raw, dict):
        raise ApiAuthError(f"api_auth must be a string or a table, got {type(raw).__name__} {raw!r}: {ALLOWED}")
    kind = raw.get("type")
    if kind not in API_AUTH_TYPES:
        raise ApiAuthError(f"api_auth.type {kind!r} is not one of {', '.join(API_AUTH_TYPES)}: {ALLOWED}")
    allowed = {"iam": {"type"}, "jwt": {"type", "issuer", "audiences"}, "none": {"type", "reason"}}[kind]
    unknown = set(raw) - allowed
    if unknown:
        raise ApiAuthError(
            f"api_auth ({kind}): unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
    if kind == "jwt":
        return _jwt(raw)
    if kind == "none":
        return _open(raw, production=production)
    return ApiAuth()


def _jwt(raw: dict[str, Any]) -> ApiAuth:
    issuer = raw.get("issuer")
    if not isinstance(issuer, str) or not issuer.startswith("https://") or len(issuer) <= len("https://"):
        raise ApiAuthError(f"api_auth (jwt): issuer must be the token issuer's https:// URL, got {issuer!r}")
    audiences = raw.get("audiences")
    if (
        not isinstance(audiences, list)
        or not audiences
        or not all(isinstance(audience, str) and audience.strip() for audience in audiences)
    ):
        raise ApiAuthError(
            "api_auth (jwt): audiences must be a non-empty list of the client IDs tokens are issued for, "
            f"got {audiences!r}"
        )
    return ApiAuth(type="jwt", issuer=issuer, audiences=tuple(audiences))


def _open(raw: dict[str, Any], *, production: bool) -> ApiAuth:
    if production:
        raise ApiAuthError(
            'api_auth { type = "none" } is refused on a production stage: anyone on the internet could call '
            'its API; use "iam" or "jwt"'
        )
    reason = raw.get("reason")
    if not isinstance(reason, str) or len(reason.split()) < MIN_REASON_WORDS:
        raise ApiAuthError(
            f'api_auth {{ type = "none" }} needs a reason of at least {MIN_REASON_WORDS} words saying why anyone '
            f"may call this stage's API, got {reason!r}"
        )
    return ApiAuth(type="none", reason=reason.strip())
