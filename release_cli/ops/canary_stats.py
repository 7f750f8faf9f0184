"""The statistics a canary judgement rests on, in the standard library alone (no scipy at run time).

**Error rate: Fisher's exact test, one-sided.** The question is "does the canary fail more often than
the primary?", asked of two counts (errors out of invocations per version). A canary at 10 % of the
traffic often has a few hundred invocations and zero to five errors: the two-proportion z-test's
normal approximation needs about five expected errors in each group and is wrong (too eager) below
that, while Fisher's test conditions on the margins and computes the p-value exactly from the
hypergeometric distribution, so it is valid at any count, 0 errors included. It is conservative at
small counts (it says FAIL a little less often than its nominal level), which is the safe side for
"FAIL this canary" and is paid for by asking for more traffic (below). One-sided, because a canary
that errs *less* than the primary is no reason to stop it.

**How many canary invocations are enough: Fleiss's sample size for two proportions, unequal groups,
with the continuity correction** (Fleiss, Levin and Paik, *Statistical Methods for Rates and
Proportions*, 3rd ed., 2003, ch. 4: the formula for groups of m and r*m and the Casagrande-Pike-Smith
continuity correction). The correction makes the normal-theory number approximate what Fisher's
exact test needs, which is more than the uncorrected z-test's. r is primary/canary traffic (9 for a
90/10 route): the primary's own count is part of the test too.
"""

from __future__ import annotations

import math
from statistics import NormalDist


def _log_hypergeometric(x: int, total: int, failures: int, drawn: int) -> float:
    """log P(X = x) for X ~ Hypergeometric(total items, ``failures`` of them failed, ``drawn`` drawn)."""
    return _log_comb(failures, x) + _log_comb(total - failures, drawn - x) - _log_comb(total, drawn)


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_greater(canary_errors: int, canary_n: int, primary_errors: int, primary_n: int) -> float:
    """One-sided Fisher exact p-value: P(the canary shows at least ``canary_errors`` errors | both versions
    fail equally often and the margins are as observed). Small: the canary errs more than chance allows.

    The table is [[canary_errors, canary_n - canary_errors], [primary_errors, primary_n - primary_errors]];
    this is scipy's ``fisher_exact(table, alternative="greater")``. Summed in log space from the observed
    count to the largest possible (at most min(errors, canary_n) terms), so a primary of millions of
    invocations costs as many terms as there are errors, never as many as invocations.
    """
    for name, errors, n in (("canary", canary_errors, canary_n), ("primary", primary_errors, primary_n)):
        if n < 0 or errors < 0 or errors > n:
            raise ValueError(f"{name}: {errors} errors out of {n} invocations is not a count")
    total, failures = canary_n + primary_n, canary_errors + primary_errors
    if canary_errors == 0 or failures == 0:  # P(X >= 0) = 1
        return 1.0
    top = min(failures, canary_n)
    logs = [_log_hypergeometric(x, total, failures, canary_n) for x in range(canary_errors, top + 1)]
    peak = max(logs)
    return min(1.0, math.exp(peak) * math.fsum(math.exp(v - peak) for v in logs))


def canary_sample_size(
    primary_rate: float, canary_rate: float, *, ratio: float, alpha: float, power: float, corrected: bool = True
) -> int:
    """``fleiss_sample_size`` rounded up to whole invocations."""
    size = fleiss_sample_size(primary_rate, canary_rate, ratio=ratio, alpha=alpha, power=power, corrected=corrected)
    return math.ceil(size - 1e-9)


def fleiss_sample_size(
    primary_rate: float, canary_rate: float, *, ratio: float, alpha: float, power: float, corrected: bool = True
) -> float:
    """Canary invocations needed for a one-sided test at level ``alpha`` to detect, with probability
    ``power``, a canary failing at ``canary_rate`` against a primary at ``primary_rate`` when the primary
    gets ``ratio`` times the canary's traffic (Fleiss et al., ch. 4). ``corrected=False`` gives the plain
    normal-theory number (what R's ``power.prop.test`` computes for equal groups)."""
    if not 0 <= primary_rate < canary_rate <= 1:
        raise ValueError(f"need 0 <= primary rate < canary rate <= 1, got {primary_rate} and {canary_rate}")
    if ratio <= 0 or not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("ratio must be > 0, alpha and power between 0 and 1")
    z_alpha, z_beta = NormalDist().inv_cdf(1 - alpha), NormalDist().inv_cdf(power)
    p1, p2, r = canary_rate, primary_rate, ratio
    pooled = (p1 + r * p2) / (r + 1)
    root = z_alpha * math.sqrt((r + 1) * pooled * (1 - pooled)) + z_beta * math.sqrt(r * p1 * (1 - p1) + p2 * (1 - p2))
    plain = root**2 / (r * (p1 - p2) ** 2)
    if not corrected:
        return plain
    return plain / 4 * (1 + math.sqrt(1 + 2 * (r + 1) / (r * plain * (p1 - p2)))) ** 2
