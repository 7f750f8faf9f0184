"""What Lambda says about a function: its published versions, its aliases, the account's code storage.

Lists are read with boto3's paginators (``ListVersionsByFunction`` returns at most 50 per page), so
a function with 500 versions costs 10 calls, never one call per version: everything ``status`` and
``prune`` show (description, code SHA-256, size, date, role) is in the listing itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from release_cli.ops.clients import AwsContext, aws_call
from service_model.alias_spec import LATEST

PAGE_SIZE = 50
"""ListVersionsByFunction's and ListAliases' largest page."""
FUNCTION_HINT = "check the function name: --function, or --stage whose stack outputs (or stage names) give it"


@dataclass(frozen=True)
class Version:
    """One published version (never ``$LATEST``) as ListVersionsByFunction describes it."""

    number: str
    description: str
    code_sha256: str
    code_size: int
    last_modified: str
    role: str = ""
    dead_letter_target: str = ""

    @property
    def sort_key(self) -> int:
        return int(self.number)


@dataclass(frozen=True)
class AliasState:
    """An alias as it is live: its version, its weighted route (version -> weight) and revision."""

    name: str
    version: str
    weights: dict[str, float] = field(default_factory=dict)
    revision_id: str = ""
    description: str = ""

    @property
    def routed_versions(self) -> set[str]:
        """Every version this alias can send traffic to."""
        return {self.version, *self.weights}

    def share(self) -> dict[str, float]:
        """Configured share of traffic per version: the route's weights, the rest to the primary."""
        shares = dict(self.weights)
        shares[self.version] = round(1.0 - sum(self.weights.values()), 10)
        return shares

    def describe(self) -> str:
        if not self.weights:
            return self.version
        extra = ", ".join(f"{v} @ {w:.0%}" for v, w in self.weights.items())
        return f"{self.version} @ {1 - sum(self.weights.values()):.0%} + {extra}"


def alias_from_api(raw: dict[str, Any]) -> AliasState:
    weights = (raw.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    return AliasState(
        name=raw["Name"],
        version=str(raw["FunctionVersion"]),
        weights={str(k): float(v) for k, v in weights.items()},
        revision_id=str(raw.get("RevisionId", "")),
        description=str(raw.get("Description", "")),
    )


def version_from_api(raw: dict[str, Any]) -> Version:
    return Version(
        number=str(raw["Version"]),
        description=str(raw.get("Description", "")),
        code_sha256=str(raw.get("CodeSha256", "")),
        code_size=int(raw.get("CodeSize", 0)),
        last_modified=str(raw.get("LastModified", "")),
        role=str(raw.get("Role", "")),
        dead_letter_target=str((raw.get("DeadLetterConfig") or {}).get("TargetArn", "")),
    )


def list_versions(ctx: AwsContext, function: str) -> list[Version]:
    """Every published version, oldest first (``$LATEST`` left out: it is not a version)."""
    client = ctx.client("lambda")
    versions: list[Version] = []
    with aws_call(f"listing the versions of {function}", hint=FUNCTION_HINT):
        paginator = client.get_paginator("list_versions_by_function")
        for page in paginator.paginate(FunctionName=function, PaginationConfig={"PageSize": PAGE_SIZE}):
            versions.extend(version_from_api(raw) for raw in page.get("Versions", []) if raw["Version"] != LATEST)
    return sorted(versions, key=lambda v: v.sort_key)


def list_aliases(ctx: AwsContext, function: str) -> list[AliasState]:
    """Every alias of the function, by name."""
    client = ctx.client("lambda")
    aliases: list[AliasState] = []
    with aws_call(f"listing the aliases of {function}", hint=FUNCTION_HINT):
        paginator = client.get_paginator("list_aliases")
        for page in paginator.paginate(FunctionName=function, PaginationConfig={"PageSize": PAGE_SIZE}):
            aliases.extend(alias_from_api(raw) for raw in page.get("Aliases", []))
    return sorted(aliases, key=lambda a: a.name)


def get_alias(ctx: AwsContext, function: str, alias: str) -> AliasState:
    """One alias, with the ``RevisionId`` that guards the next change to it."""
    with aws_call(
        f"reading alias {alias} of {function}",
        hint=f"check the alias name (release status lists the aliases of {function})",
    ):
        return alias_from_api(ctx.client("lambda").get_alias(FunctionName=function, Name=alias))


@dataclass(frozen=True)
class CodeStorage:
    """The account's code storage in the Region (GetAccountSettings), or why it is unknown."""

    used_bytes: int | None
    limit_bytes: int | None
    note: str = ""


def code_storage(ctx: AwsContext) -> CodeStorage:
    """Usage against the quota; an endpoint without GetAccountSettings gives a note instead of failing."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        raw = ctx.client("lambda").get_account_settings()
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code", "error")
        reason = "not available at this endpoint" if str(code) == "404" else f"{code}, check lambda:GetAccountSettings"
        return CodeStorage(None, None, note=f"unknown (GetAccountSettings: {reason})")
    except BotoCoreError as err:
        return CodeStorage(None, None, note=f"unknown (GetAccountSettings: {str(err).splitlines()[0][:100]})")
    return CodeStorage(
        used_bytes=int(raw.get("AccountUsage", {}).get("TotalCodeSize", 0)),
        limit_bytes=int(raw.get("AccountLimit", {}).get("TotalCodeSize", 0)),
    )
