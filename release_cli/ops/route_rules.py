"""Lambda's alias rules, checked before any call so a refused move changes nothing.

The shape of a route is checked by ``service_model.alias_spec`` (the rules the stage config uses:
at most one extra version, never ``$LATEST``, different from the primary, 0 < weight < 1); this
module adds what only the live function can answer: both versions are published, and share the
execution role and dead-letter config (Lambda refuses a route between versions that do not); and the
seed's one rule: production never runs ``$LATEST`` (the target's stage decides, see
``release_cli.ops.production``), refused before the shape so the message says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from release_cli.ops.errors import RefusedError
from release_cli.ops.lambda_reads import AliasState, Version
from release_cli.ops.production import UNDECIDED, Production
from service_model.alias_spec import LATEST, AliasSpec, AliasSpecError, WeightedRoute


@dataclass(frozen=True)
class Route:
    """Where an alias should point: a primary version and at most one weighted extra version."""

    version: str
    weights: dict[str, float] = field(default_factory=dict)

    def request(self) -> dict[str, object]:
        """The UpdateAlias fields; an empty route is sent explicitly, so it is cleared on every endpoint."""
        return {"FunctionVersion": self.version, "RoutingConfig": {"AdditionalVersionWeights": dict(self.weights)}}


def check_route(alias: str, route: Route, versions: list[Version], *, production: Production = UNDECIDED) -> None:
    """Raise ``RefusedError`` naming the first rule the route breaks (``production``: the target's)."""
    if production.is_production and LATEST in (route.version, *route.weights):
        raise RefusedError(
            f"alias {alias}: production never runs $LATEST ({production.because}): $LATEST is unpublished code "
            "that any update changes, with nothing to roll back to. Publish a version and give its number "
            "(release status lists them); nothing was changed"
        )
    if len(route.weights) > 1:
        raise RefusedError(
            f"alias {alias}: a weighted route names at most one extra version, got {sorted(route.weights)}"
        )
    weighted = None
    if route.weights:
        ((extra, weight),) = route.weights.items()
        weighted = WeightedRoute(version=_as_target(extra), weight=weight)
    try:
        AliasSpec(name=alias, target=_as_target(route.version), weighted=weighted).validate()
    except AliasSpecError as err:
        raise RefusedError(f"alias {alias}: {err}; nothing was changed") from None
    published = {v.number: v for v in versions}
    for number in [route.version, *route.weights]:
        if number != LATEST and number not in published:
            newest = max(published, key=int) if published else "none"
            raise RefusedError(
                f"alias {alias}: version {number} is not a published version (newest: {newest}); "
                "release status lists them; nothing was changed"
            )
    if route.weights:
        first, second = published[route.version], published[next(iter(route.weights))]
        if first.role != second.role:
            raise RefusedError(
                f"alias {alias}: versions {first.number} and {second.number} have different execution roles "
                "(Lambda routes only between versions on the same role); nothing was changed"
            )
        if first.dead_letter_target != second.dead_letter_target:
            raise RefusedError(
                f"alias {alias}: versions {first.number} and {second.number} have different dead-letter configs "
                "(Lambda routes only between versions with the same one); nothing was changed"
            )


SMALLEST_STORABLE = 1e-130
"""DynamoDB numbers stop at 1E-130: a smaller non-zero one fails the write with "Number underflow"."""


def check_recordable(before: AliasState) -> None:
    """Refuse a move whose audit record could not hold the live route's weight (its ``fromWeights``).

    Release never sets such a weight (``alias_spec.WEIGHT_DECIMALS``); one set outside release would
    otherwise let the alias move and then fail its record, leaving the move unaudited."""
    for version, weight in before.weights.items():
        if 0 < abs(weight) < SMALLEST_STORABLE:
            raise RefusedError(
                f"alias {before.name}: its live route gives version {version} a weight of {weight!r}, which no "
                f"audit record can store (DynamoDB numbers stop at {SMALLEST_STORABLE:g}); it was set outside "
                "release. Set a weight with at most 4 decimal places in the console or the aws CLI (and say why "
                "in your change log), then run again; nothing was changed"
            )


def parse_version(text: str, what: str = "version") -> str:
    """A version the user typed: a published version number (``$LATEST`` is accepted where Lambda allows it)."""
    from release_cli.ops.errors import OpsError

    value = str(text).strip()
    if value == LATEST or (value.isdigit() and int(value) >= 1):
        return value if value == LATEST else str(int(value))
    raise OpsError(f"{what} {text!r}: give a published version number (release status lists them)")


def _as_target(version: str) -> int | str:
    return version if version == LATEST else int(version)
