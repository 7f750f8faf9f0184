"""What an alias should point at, and the rules AWS enforces on it, checked before CloudFormation sees it.

Pure Python (no CDK import) so the stage config, the constructs and the release CLI share one
definition of a valid alias. Every error names the property that is wrong and what is allowed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

LATEST = "$LATEST"
NEW = "new"
"""The version this deploy publishes (the function's ``current_version``)."""

Target = int | str
"""``"$LATEST"``, ``"new"`` or a published version number (an ``int`` >= 1)."""

PREDEFINED_ROLLOUTS: dict[str, tuple[str, int, int]] = {
    # name: (kind, percent, minutes); AllAtOnce shifts everything at once.
    "AllAtOnce": ("all", 100, 0),
    "Canary10Percent5Minutes": ("canary", 10, 5),
    "Canary10Percent10Minutes": ("canary", 10, 10),
    "Canary10Percent15Minutes": ("canary", 10, 15),
    "Canary10Percent30Minutes": ("canary", 10, 30),
    "Linear10PercentEvery1Minute": ("linear", 10, 1),
    "Linear10PercentEvery2Minutes": ("linear", 10, 2),
    "Linear10PercentEvery3Minutes": ("linear", 10, 3),
    "Linear10PercentEvery10Minutes": ("linear", 10, 10),
}

WEIGHT_DECIMALS = 4
"""A route's weight has at most four decimal places (steps of 0.01 %; Lambda's console offers whole
percents). Every such weight is stored exactly as a DynamoDB number, so the audit record of a move
always holds the weight that was set; a finer one (``1e-300`` underflows DynamoDB, ``1e-131`` too:
its numbers stop at 1E-130) would move the alias and then fail the record."""

MAX_PROVISIONED = 10_000
"""An upper bound for typos only: the real limit is the account's unreserved concurrency in the Region."""
_ALIAS_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_MAX_ROLLOUT_MINUTES = 2880  # CodeDeploy's longest time-based interval (two days).


class AliasSpecError(ValueError):
    """An alias setting AWS (or CDK) would refuse; the message names the property."""


@dataclass(frozen=True)
class RolloutSpec:
    """How CodeDeploy shifts an alias to a new version.

    ``predefined`` names one of ``PREDEFINED_ROLLOUTS``; otherwise ``kind`` is ``canary`` or
    ``linear`` with ``percent`` (1-99) and ``minutes`` (1-2880) for a custom time-based config.
    """

    predefined: str | None = None
    kind: Literal["canary", "linear"] | None = None
    percent: int | None = None
    minutes: int | None = None

    @property
    def label(self) -> str:
        """A readable name: the predefined name, or e.g. ``Canary20Percent5Minutes``."""
        if self.predefined:
            return self.predefined
        assert self.kind is not None
        every = "Every" if self.kind == "linear" else ""
        return f"{self.kind.capitalize()}{self.percent}Percent{every}{self.minutes}Minutes"

    def validate(self, prop: str = "rollout") -> None:
        if self.predefined is not None:
            if self.kind or self.percent is not None or self.minutes is not None:
                raise AliasSpecError(f"{prop}: give either a predefined name or kind/percent/minutes, not both")
            if self.predefined not in PREDEFINED_ROLLOUTS:
                allowed = ", ".join(PREDEFINED_ROLLOUTS)
                raise AliasSpecError(f"{prop}: unknown deployment config {self.predefined!r}; allowed: {allowed}")
            return
        if self.kind not in ("canary", "linear"):
            raise AliasSpecError(f"{prop}.type: must be 'canary' or 'linear', got {self.kind!r}")
        if not _is_int(self.percent) or not 1 <= self.percent <= 99:  # type: ignore[operator]
            raise AliasSpecError(f"{prop}.percent: must be a whole number from 1 to 99, got {self.percent!r}")
        if not _is_int(self.minutes) or not 1 <= self.minutes <= _MAX_ROLLOUT_MINUTES:  # type: ignore[operator]
            raise AliasSpecError(
                f"{prop}.minutes: must be a whole number from 1 to {_MAX_ROLLOUT_MINUTES}, got {self.minutes!r}"
            )


@dataclass(frozen=True)
class WeightedRoute:
    """A second version that receives ``weight`` (0 < weight < 1, at most ``WEIGHT_DECIMALS`` decimal
    places) of the alias's invocations."""

    version: Target
    weight: float


@dataclass(frozen=True)
class AliasSpec:
    """One alias: its name, the version it points at, an optional static weighted route,
    or an optional CodeDeploy rollout (never both)."""

    name: str
    target: Target
    description: str = ""
    weighted: WeightedRoute | None = None
    rollout: RolloutSpec | None = None
    provisioned_concurrency: int = 0
    """Execution environments kept initialized for the alias's version (0: none). The seed's table:
    provisioned concurrency is set per version, through an alias."""

    def validate(self) -> None:
        """Raise ``AliasSpecError`` naming the first property AWS or CDK would refuse."""
        if not isinstance(self.name, str) or not _ALIAS_NAME.match(self.name) or self.name.isdigit():
            raise AliasSpecError(
                f"name: {self.name!r} is not a valid alias name (1-128 letters, digits, '-' or '_', not all digits)"
            )
        if not logical_id_part(self.name):
            raise AliasSpecError(f"name: {self.name!r} needs at least one letter or digit (it names CDK resources)")
        if not isinstance(self.description, str):
            raise AliasSpecError(f"description: must be a string, got {type(self.description).__name__}")
        validate_target(self.target, "target")
        if not _is_int(self.provisioned_concurrency) or not 0 <= self.provisioned_concurrency <= MAX_PROVISIONED:
            raise AliasSpecError(
                f"provisioned_concurrency: must be a whole number from 0 (none) to {MAX_PROVISIONED}, "
                f"got {self.provisioned_concurrency!r}"
            )
        if self.weighted is not None:
            self._validate_weighted(self.weighted)
        if self.rollout is not None:
            if self.weighted is not None:
                raise AliasSpecError(
                    "weighted: an alias driven by CodeDeploy (rollout) cannot also carry static weights; "
                    "CodeDeploy owns its routing"
                )
            if self.target == LATEST:
                raise AliasSpecError(
                    "rollout: CodeDeploy cannot shift traffic from $LATEST; target a published version"
                )
            self.rollout.validate()

    def _validate_weighted(self, route: WeightedRoute) -> None:
        validate_target(route.version, "weighted.version")
        if self.target == LATEST or route.version == LATEST:
            raise AliasSpecError("weighted: a weighted alias routes only between published versions, never $LATEST")
        if route.version == self.target:
            raise AliasSpecError(f"weighted.version: must differ from target (both are {self.target!r})")
        problem = weight_problem(route.weight)
        if problem:
            raise AliasSpecError(f"weighted.weight: {problem}")


def weight_problem(weight: object) -> str | None:
    """What is wrong with a route's weight (``None`` when Lambda and the audit record both take it)."""
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
        return f"must be a number between 0 and 1 (exclusive), got {weight!r}"
    if not 0 < weight < 1:
        return f"must be a number between 0 and 1 (exclusive), got {weight!r}"
    if -_exponent(weight) > WEIGHT_DECIMALS:
        return (
            f"must have at most {WEIGHT_DECIMALS} decimal places (steps of 0.01 %, e.g. 0.1 or 0.0025), "
            f"got {weight!r}: a finer weight cannot be recorded exactly in the audit table"
        )
    return None


def _exponent(weight: float) -> int:
    """The decimal exponent of the shortest text that reads back as ``weight`` (0.1 -> -1, 1e-300 -> -300)."""
    exponent = Decimal(repr(float(weight))).as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def validate_target(target: object, prop: str) -> None:
    """A target is ``$LATEST``, ``new`` or a published version number >= 1."""
    if target in (LATEST, NEW):
        return
    if _is_int(target) and target >= 1:  # type: ignore[operator]
        return
    raise AliasSpecError(f"{prop}: must be '$LATEST', 'new' or a published version number >= 1, got {target!r}")


def validate_production_alias(alias: AliasSpec) -> None:
    """Production never runs ``$LATEST``: unpublished code that any later update changes, with nothing
    to roll back to. Raise ``AliasSpecError`` naming the property and what is allowed."""
    if alias.target == LATEST:
        raise AliasSpecError(
            "target: a production stage never runs $LATEST (unpublished code that any update changes); "
            "allowed: 'new' (the version this deploy publishes) or a published version number >= 1"
        )


def validate_aliases(aliases: list[AliasSpec]) -> None:
    """Validate each alias and that the names are unique (one function cannot carry two of a name)."""
    if not aliases:
        raise AliasSpecError("aliases: at least one alias is required")
    seen: dict[str, str] = {}
    for index, alias in enumerate(aliases):
        try:
            alias.validate()
        except AliasSpecError as err:
            raise AliasSpecError(f"aliases[{index}] ({alias.name!r}).{err}") from None
        if alias.name in seen.values():
            raise AliasSpecError(f"aliases[{index}].name: {alias.name!r} is used twice")
        key = logical_id_part(alias.name)
        if key in seen:
            raise AliasSpecError(
                f"aliases[{index}].name: {alias.name!r} collides with {seen[key]!r}: names become CloudFormation "
                "logical IDs, which ignore case and punctuation"
            )
        seen[key] = alias.name


def logical_id_part(name: str) -> str:
    """How an alias name appears in logical IDs and output names: letters and digits, case-folded."""
    return re.sub(r"[^A-Za-z0-9]", "", name).lower()


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
