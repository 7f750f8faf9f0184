"""The observed split of invocations by executed version against an alias's configured weights.

Routing is probabilistic, so a bare count says little at 10 or 100 calls: each version's share
comes with a Wilson score interval (95 % by default), which behaves at small counts and at shares
near 0 or 1 where the normal approximation does not. A configured weight inside the interval is
consistent with the observation; outside it, the split is suspicious (not proof).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

Z_95 = 1.959963984540054


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for a binomial proportion; (0, 1) with no trials."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class VersionShare:
    version: str
    count: int
    observed: float
    low: float
    high: float
    configured: float | None
    """None: the alias does not route to this version at all."""

    @property
    def consistent(self) -> bool:
        return self.configured is not None and self.low <= self.configured <= self.high

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "count": self.count,
            "observed": round(self.observed, 4),
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "configured": self.configured,
            "consistent": self.consistent,
        }


def observed_split(executed: list[str], configured: dict[str, float]) -> list[VersionShare]:
    """One entry per configured or observed version, configured ones first (highest weight first)."""
    counts = Counter(executed)
    total = len(executed)
    order = sorted(configured, key=lambda v: -configured[v]) + sorted(v for v in counts if v not in configured)
    shares = []
    for version in order:
        count = counts.get(version, 0)
        low, high = wilson_interval(count, total)
        observed = count / total if total else 0.0
        shares.append(VersionShare(version, count, observed, low, high, configured.get(version)))
    return shares
