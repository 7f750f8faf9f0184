"""How ``release analyze`` judges a canary against its primary: ``[defaults.canary]`` in ``stages.toml``,
overridden per stage, per function and per stage's function (the merge order of every setting).

Pure Python and validated here, so a bad value stops synth and the release CLI alike with an error
naming the stage, the function and the key. The defaults and why:

* ``confidence = 0.95``: FAIL when an error rate at least as bad as the canary's would come from a
  canary no worse than the primary less than 5 % of the time (one-sided). The usual level; a stricter
  one asks for much more traffic (the README's table), a looser one rolls good code back more often.
* ``power = 0.8``: PASS only once the canary has had enough traffic that a real worsening of the size
  below would have been caught 4 times in 5; with less, the verdict is INCONCLUSIVE, not PASS.
* ``error_rate_ratio = 2.0``: the worsening that must be detectable: the canary failing twice as often
  as the primary (the issue's "twice the primary's error rate").
* ``min_error_rate = 0.001``: the smallest canary error rate that must be detectable, for a primary
  with (almost) no errors, where twice zero is zero: 0.1 %, about 3,000 canary invocations at 90/10.
* ``duration_tolerance = 0.2`` and ``duration_slack_ms = 20``: a canary percentile (p50, p90, p99)
  FAILs above primary * 1.2 + 20 ms. Run-to-run noise in Lambda durations is of that order, and the
  slack keeps a 3 ms -> 5 ms p50 (+67 %, harmless) from failing a release.
* ``max_throttles = 0``: any throttle of the canary's fails it (a hard fail: throttled calls never ran).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


class CanaryThresholdError(ValueError):
    """A ``canary`` setting out of range; the message names the key and what is allowed."""


@dataclass(frozen=True)
class CanaryThresholds:
    """The judgement's settings for one function in one stage (see the module docstring for each default)."""

    confidence: float = 0.95
    power: float = 0.8
    error_rate_ratio: float = 2.0
    min_error_rate: float = 0.001
    duration_tolerance: float = 0.2
    duration_slack_ms: float = 20.0
    max_throttles: int = 0

    @property
    def alpha(self) -> float:
        return round(1 - self.confidence, 12)


CANARY_KEYS = tuple(f.name for f in fields(CanaryThresholds))
_RANGES: dict[str, tuple[float, float, str]] = {
    "confidence": (0.5, 0.9999, "between 0.5 and 0.9999 (one-sided; 0.95 is usual)"),
    "power": (0.5, 0.9999, "between 0.5 and 0.9999 (0.8 is usual)"),
    "error_rate_ratio": (1.01, 100.0, "between 1.01 and 100 (2 = a doubling must be detectable)"),
    "min_error_rate": (1e-6, 0.5, "between 0.000001 and 0.5 (a rate, 0.001 = 0.1 %)"),
    "duration_tolerance": (0.0, 10.0, "between 0 and 10 (0.2 = 20 % slower than the primary)"),
    "duration_slack_ms": (0.0, 60_000.0, "between 0 and 60000 milliseconds"),
    "max_throttles": (0, 1_000_000, "a whole number >= 0"),
}


def parse_canary(raw: dict[str, Any]) -> CanaryThresholds:
    """The merged ``canary`` table as thresholds; ``CanaryThresholdError`` naming the first bad key."""
    unknown = set(raw) - set(CANARY_KEYS)
    if unknown:
        raise CanaryThresholdError(f"canary has unknown key(s) {sorted(unknown)}; allowed: {', '.join(CANARY_KEYS)}")
    for key, value in raw.items():
        low, high, allowed = _RANGES[key]
        whole = key == "max_throttles"
        number = isinstance(value, int) if whole else isinstance(value, int | float)
        if isinstance(value, bool) or not number or not low <= value <= high:
            raise CanaryThresholdError(f"canary.{key} must be {allowed}, got {value!r}")
    values: dict[str, Any] = {k: (v if k == "max_throttles" else float(v)) for k, v in raw.items()}
    return CanaryThresholds(**values)
