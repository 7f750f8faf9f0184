"""The verdict on a canary: its own figures against the primary's it would replace. Pure Python.

Three checks, each PASS, FAIL, INCONCLUSIVE or NOT_JUDGED (``canary_stats`` says which test and why):

* errors: Fisher's exact test, one-sided. FAIL when the canary's error rate is worse than the
  primary's at ``confidence``. Otherwise PASS only once the canary has had the invocations that would
  have caught the worsening ``thresholds`` name (``error_rate_ratio`` times the primary's rate, at
  least ``min_error_rate``) with probability ``power``; before that INCONCLUSIVE, saying how many more
  invocations it needs. "No significant difference" on 30 invocations is not a pass: it is too little
  traffic to tell, and that is what this check says.
* throttles: more than ``max_throttles`` on the canary is a FAIL whatever the counts (a throttled call
  never ran the code).
* duration p50, p90, p99: FAIL when the canary's percentile exceeds the primary's by more than
  ``duration_tolerance`` plus ``duration_slack_ms``. A percentile pQ is judged only with at least
  10 / (1 - Q) canary invocations (20 for p50, 100 for p90, 1,000 for p99: ten calls above it), since
  a p99 of 30 calls is their maximum; below that it is NOT_JUDGED and says so. It never makes the
  verdict INCONCLUSIVE on its own: the error check decides when there is traffic enough.

The verdict: FAIL if any check FAILs, else INCONCLUSIVE if the error check is, else PASS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from release_cli.ops.canary_stats import canary_sample_size, fisher_greater
from service_model.canary_thresholds import CanaryThresholds

PASS, FAIL, INCONCLUSIVE, NOT_JUDGED = "PASS", "FAIL", "INCONCLUSIVE", "NOT_JUDGED"
PERCENTILES = {"p50": 0.5, "p90": 0.9, "p99": 0.99}


@dataclass(frozen=True)
class VersionFigures:
    """What CloudWatch says one executed version did over the window (durations in ms; None: no data)."""

    version: str
    invocations: int
    errors: int
    throttles: int
    durations: dict[str, float | None] = field(default_factory=dict)

    @property
    def error_rate(self) -> float:
        return self.errors / self.invocations if self.invocations else 0.0


@dataclass(frozen=True)
class Check:
    metric: str
    verdict: str
    detail: str


@dataclass(frozen=True)
class Judgement:
    verdict: str
    checks: tuple[Check, ...]
    p_value: float
    """One-sided Fisher p-value of the canary's errors against the primary's."""
    required_invocations: int
    """Canary invocations the error check needs to PASS (the sample size for the detectable worsening)."""
    more_invocations: int
    """How many more canary invocations that is (0 once there are enough, or on a FAIL)."""
    detectable_error_rate: float
    """The canary error rate the required invocations would catch (``power`` of the time)."""


def judge(
    primary: VersionFigures, canary: VersionFigures, thresholds: CanaryThresholds, *, traffic_ratio: float
) -> Judgement:
    """The canary judged against the primary; ``traffic_ratio`` is the primary's share of the route over
    the canary's (9 for 90/10): the sample size counts the primary's invocations that come with the canary's."""
    errors, p_value, required, detectable = _errors(primary, canary, thresholds, traffic_ratio)
    checks = (errors, _throttles(canary, thresholds), *_durations(primary, canary, thresholds))
    verdicts = {c.verdict for c in checks}
    verdict = FAIL if FAIL in verdicts else INCONCLUSIVE if errors.verdict == INCONCLUSIVE else PASS
    more = max(0, required - canary.invocations) if verdict == INCONCLUSIVE else 0
    return Judgement(verdict, checks, p_value, required, more, detectable)


def _errors(
    primary: VersionFigures, canary: VersionFigures, thresholds: CanaryThresholds, traffic_ratio: float
) -> tuple[Check, float, int, float]:
    p_value = fisher_greater(canary.errors, canary.invocations, primary.errors, primary.invocations)
    rates = f"canary {_pct(canary)} vs primary {_pct(primary)}, p = {p_value:.4g}"
    if p_value < thresholds.alpha:
        return Check("errors", FAIL, f"{rates} < {thresholds.alpha:g}: worse than the primary"), p_value, 0, 0.0
    if primary.invocations == 0:
        return Check("errors", INCONCLUSIVE, "the primary had no invocations to compare with"), p_value, 0, 0.0
    base = primary.error_rate
    detectable = min(1.0, max(base * thresholds.error_rate_ratio, thresholds.min_error_rate))
    if detectable <= base:  # the primary fails every call: nothing worse to detect
        return Check("errors", PASS, f"{rates}; the primary fails every call"), p_value, 0, detectable
    required = canary_sample_size(base, detectable, ratio=traffic_ratio, alpha=thresholds.alpha, power=thresholds.power)
    if canary.invocations >= required:
        detail = f"{rates}; {canary.invocations} >= {required} invocations, enough to catch {detectable:.3%}"
        return Check("errors", PASS, detail), p_value, required, detectable
    detail = (
        f"{rates}; {canary.invocations} of the {required} invocations needed to catch {detectable:.3%} "
        f"({required - canary.invocations} more)"
    )
    return Check("errors", INCONCLUSIVE, detail), p_value, required, detectable


def _throttles(canary: VersionFigures, thresholds: CanaryThresholds) -> Check:
    verdict = FAIL if canary.throttles > thresholds.max_throttles else PASS
    return Check("throttles", verdict, f"canary {canary.throttles} (at most {thresholds.max_throttles})")


def _durations(primary: VersionFigures, canary: VersionFigures, thresholds: CanaryThresholds) -> list[Check]:
    checks = []
    for name, quantile in PERCENTILES.items():
        metric, ours, theirs = f"duration {name}", canary.durations.get(name), primary.durations.get(name)
        needed = math.ceil(10 / (1 - quantile) - 1e-9)
        if ours is None or theirs is None:
            checks.append(Check(metric, NOT_JUDGED, "no data for a version"))
        elif canary.invocations < needed:
            checks.append(Check(metric, NOT_JUDGED, f"needs {needed} canary invocations, has {canary.invocations}"))
        else:
            limit = theirs * (1 + thresholds.duration_tolerance) + thresholds.duration_slack_ms
            verdict = FAIL if ours > limit else PASS
            checks.append(
                Check(metric, verdict, f"canary {ours:.1f} ms vs primary {theirs:.1f} ms (limit {limit:.1f})")
            )
    return checks


def _pct(figures: VersionFigures) -> str:
    return f"{figures.errors}/{figures.invocations} ({figures.error_rate:.2%})"
