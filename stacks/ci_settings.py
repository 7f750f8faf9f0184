"""Settings of the two CI stacks (``--context stage=ci-bootstrap`` and ``--context stage=pipeline``), read
from the CDK context and checked before anything is built.

They are not stages of the service, so they live in the context rather than in ``stages.toml``: the
repository a pipeline or a GitHub role trusts is a property of the CI set-up, not of the service.
A missing or malformed value stops synth with a message that names the ``--context`` key and what
it accepts, as a bad stage setting does.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service_model.stages import REGION_PATTERN

PIPELINE = "pipeline"
CI_BOOTSTRAP = "ci-bootstrap"
CI_STAGES = (PIPELINE, CI_BOOTSTRAP)

DEFAULT_BRANCH = "main"
DEFAULT_QUALIFIER = "hnb659fds"
"""The CDK bootstrap's default qualifier: its roles are named ``cdk-<qualifier>-<kind>-role-<account>-<region>``."""

APPROVAL_NOTE_LIMIT = 500
"""Characters of the approval note (``CustomData``). CodePipeline takes at most 1,000 in one action setting
(``ActionConfigurationValue``); half of that keeps a safe margin and reads at a glance, and the whole
review is in the Synth step's log."""

_REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")
_BRANCH = re.compile(r"[A-Za-z0-9._/-]{1,200}")
_ACCOUNT = re.compile(r"[0-9]{12}")
_QUALIFIER = re.compile(r"[a-z0-9]{1,10}")
_CONNECTION_ARN = re.compile(
    r"arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:[0-9]{12}:connection/[0-9a-f-]{36}"
)
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}")
_OIDC_ARN = re.compile(r"arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\.actions\.githubusercontent\.com")


class CiContextError(ValueError):
    """A ``--context`` value the CI stacks cannot be built from; the message names the key and what it takes."""


ContextReader = Callable[[str], Any]
"""``app.node.try_get_context``: the value of a context key, or None."""


def _text(read: ContextReader, key: str, pattern: re.Pattern[str], what: str, *, default: str | None = None) -> str:
    value = read(key)
    if value is None:
        if default is not None:
            return default
        raise CiContextError(f"--context {key}=... is required for this stack: {what}")
    if not isinstance(value, str) or not pattern.fullmatch(value) or ".." in value:
        raise CiContextError(f"--context {key}={value!r} is not valid: expected {what}")
    return value


def _optional(read: ContextReader, key: str, pattern: re.Pattern[str], what: str) -> str | None:
    return None if read(key) is None else _text(read, key, pattern, what)


@dataclass(frozen=True)
class GitHubTrust:
    """Which workflow runs may assume the deploy role: one repository, one branch."""

    repository: str
    branch: str

    @property
    def subject(self) -> str:
        """The OIDC token's ``sub`` for a job of ``branch`` that names no environment (GitHub's format)."""
        return f"repo:{self.repository}:ref:refs/heads/{self.branch}"


def _trust(read: ContextReader) -> GitHubTrust:
    return GitHubTrust(
        repository=_text(read, "repository", _REPOSITORY, "the GitHub repository as OWNER/NAME"),
        branch=_text(read, "branch", _BRANCH, "a branch name", default=DEFAULT_BRANCH),
    )


@dataclass(frozen=True)
class BootstrapSettings:
    """``--context stage=ci-bootstrap``: the GitHub OIDC provider (or an existing one) and the deploy role."""

    trust: GitHubTrust
    existing_provider_arn: str | None
    qualifier: str

    @classmethod
    def from_context(cls, read: ContextReader) -> BootstrapSettings:
        return cls(
            trust=_trust(read),
            existing_provider_arn=_optional(
                read,
                "github_oidc_provider_arn",
                _OIDC_ARN,
                "the ARN of the account's existing token.actions.githubusercontent.com provider",
            ),
            qualifier=_text(
                read, "cdk_qualifier", _QUALIFIER, "the CDK bootstrap qualifier", default=DEFAULT_QUALIFIER
            ),
        )


@dataclass(frozen=True)
class PipelineSettings:
    """``--context stage=pipeline``: where the pipeline lives, what it watches, what the approver reads."""

    trust: GitHubTrust
    connection_arn: str
    account: str
    region: str
    approval_note: str
    smoke_role_arn: str | None

    @classmethod
    def from_context(
        cls, read: ContextReader, *, default_account: str | None, default_region: str | None
    ) -> PipelineSettings:
        """``default_account``/``default_region``: what the CDK CLI found in the credentials (CDK_DEFAULT_*)."""
        account = read("pipeline_account") or default_account
        region = read("pipeline_region") or default_region
        if account is None or region is None:
            raise CiContextError(
                "the pipeline needs its account and Region: give --context pipeline_account=123456789012 "
                "--context pipeline_region=eu-west-1 (or run cdk with credentials for that account)"
            )
        return cls(
            trust=_trust(read),
            connection_arn=_text(
                read,
                "connection_arn",
                _CONNECTION_ARN,
                "the ARN of a CodeConnections (CodeStar) connection to GitHub",
            ),
            account=_text(lambda _: account, "pipeline_account", _ACCOUNT, "a 12-digit AWS account id"),
            region=_text(lambda _: region, "pipeline_region", REGION_PATTERN, "a Region name like eu-west-1"),
            approval_note=approval_note(read("prod_review")),
            smoke_role_arn=_optional(
                read, "smoke_role_arn", _ROLE_ARN, "the ARN of a role in staging's account that may run the smoke test"
            ),
        )

    def context_arguments(self) -> list[str]:
        """The ``--context`` arguments that rebuild this same pipeline (the synth step passes them on)."""
        values = {
            "repository": self.trust.repository,
            "branch": self.trust.branch,
            "connection_arn": self.connection_arn,
            "pipeline_account": self.account,
            "pipeline_region": self.region,
        }
        if self.smoke_role_arn:
            values["smoke_role_arn"] = self.smoke_role_arn
        return [f"--context {shlex.quote(f'{key}={value}')}" for key, value in values.items()]


NO_REVIEW = (
    "Prod change review: none was given to this synth (--context prod_review=FILE). Read the Synth step's "
    "log ('release review --stage prod') before approving."
)
CUT = "\n[cut: the whole review is in the Synth step's log]"


def approval_note(path: Any) -> str:
    """The manual approval's note: the prod review the synth step wrote, cut to ``APPROVAL_NOTE_LIMIT`` characters.

    The file is text (``release review --format markdown``); the CDK side only reads it, so it stays
    free of the CLI's code. A named file that cannot be read is an error, not a silent empty note.
    """
    if path is None:
        return NO_REVIEW
    try:
        text = Path(str(path)).read_text(encoding="utf-8").strip()
    except OSError as err:
        raise CiContextError(f"--context prod_review={path}: cannot read the review file ({err.strerror})") from None
    if not text:
        raise CiContextError(f"--context prod_review={path}: the review file is empty")
    if len(text) <= APPROVAL_NOTE_LIMIT:
        return text
    return text[: APPROVAL_NOTE_LIMIT - len(CUT)].rstrip() + CUT
