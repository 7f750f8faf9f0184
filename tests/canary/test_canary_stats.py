"""The statistics against published values (scipy is no dependency: the values are written here with
their source), and the properties the judgement leans on."""

from __future__ import annotations

import pytest

from release_cli.ops.canary_stats import canary_sample_size, fisher_greater, fleiss_sample_size


def test_fisher_tea_tasting() -> None:
    """Fisher's lady tasting tea (The Design of Experiments, 1935): 3 of 4 cups right, table [[3, 1], [1, 3]];
    one-sided P = 17/70 = 0.243 (Agresti, Categorical Data Analysis, 2nd ed., sec. 3.5.2)."""
    assert fisher_greater(3, 4, 1, 4) == pytest.approx(17 / 70, rel=1e-12)
    assert round(fisher_greater(3, 4, 1, 4), 3) == 0.243


def test_fisher_scipy_whales_and_sharks() -> None:
    """scipy.stats.fisher_exact's documented example, [[8, 2], [1, 5]] (whales, sharks by ocean); its
    Notes define the 'greater' p-value as the hypergeometric upper tail: (C(10,8)C(6,1) + C(10,9)) / C(16,9)
    = 280/11440 = 0.02448 (scipy's documented value for alternative='greater')."""
    assert fisher_greater(8, 10, 1, 6) == pytest.approx(280 / 11440, rel=1e-12)


def test_fisher_is_exact_for_a_large_primary() -> None:
    """A primary of a million invocations costs as many terms as errors; with no canary error p is 1,
    and with every error on the canary it is the single-table probability."""
    assert fisher_greater(0, 1000, 10_000, 1_000_000) == 1.0
    assert fisher_greater(0, 0, 5, 100) == 1.0
    assert fisher_greater(3, 3, 0, 3) == pytest.approx(1 / 20)  # C(3,3)C(3,0)/C(6,3)
    assert fisher_greater(20, 1000, 1000, 100_000) < 0.01 < fisher_greater(15, 1000, 1000, 100_000)


def test_fisher_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError, match="canary: 5 errors out of 3"):
        fisher_greater(5, 3, 0, 10)


def test_sample_size_matches_r_power_prop_test() -> None:
    """R's stats::power.prop.test help page: power.prop.test(p1 = .50, p2 = .75, power = .90) gives
    n = 76.7 per group (two-sided 0.05, so 0.025 one-sided; equal groups; no continuity correction)."""
    plain = fleiss_sample_size(0.5, 0.75, ratio=1, alpha=0.025, power=0.9, corrected=False)
    assert plain == pytest.approx(76.7, abs=0.05)
    assert canary_sample_size(0.5, 0.75, ratio=1, alpha=0.025, power=0.9, corrected=False) == 77


def test_sample_size_with_continuity_correction_matches_fleiss_table() -> None:
    """Fleiss, Levin and Paik, Statistical Methods for Rates and Proportions (3rd ed.), Table A.4:
    p1 = 0.05, p2 = 0.10, two-sided 0.05, power 0.80: 474 per group (the uncorrected formula gives 435)."""
    assert canary_sample_size(0.05, 0.10, ratio=1, alpha=0.025, power=0.8) == 474
    assert canary_sample_size(0.05, 0.10, ratio=1, alpha=0.025, power=0.8, corrected=False) == 435


def test_sample_size_behaves() -> None:
    """More primary traffic per canary call needs fewer canary calls; a smaller effect needs more."""
    at_90_10 = canary_sample_size(0.01, 0.02, ratio=9, alpha=0.05, power=0.8)
    at_50_50 = canary_sample_size(0.01, 0.02, ratio=1, alpha=0.05, power=0.8)
    assert at_90_10 < at_50_50
    assert canary_sample_size(0.01, 0.015, ratio=9, alpha=0.05, power=0.8) > at_90_10
    assert canary_sample_size(0.0, 0.001, ratio=9, alpha=0.05, power=0.8) > 0
    with pytest.raises(ValueError, match="primary rate < canary rate"):
        canary_sample_size(0.02, 0.01, ratio=9, alpha=0.05, power=0.8)


def test_a_primary_far_larger_than_the_canary_gives_the_one_sample_size() -> None:
    """When the primary's traffic dwarfs the canary's (r -> infinity), its rate is as good as known and the
    two-sample size tends to the one-sample one (Fleiss et al., ch. 2): ((z_a sqrt(p0 q0) + z_b sqrt(p1 q1))
    / (p1 - p0))^2 = 792.4 for p0 = 1 %, p1 = 2 %, one-sided 0.05, power 0.8."""
    z_a, z_b = 1.6448536269514722, 0.8416212335729143  # NormalDist().inv_cdf(0.95), inv_cdf(0.8)
    one_sample = ((z_a * (0.01 * 0.99) ** 0.5 + z_b * (0.02 * 0.98) ** 0.5) / 0.01) ** 2
    assert one_sample == pytest.approx(792.35, abs=0.01)
    assert fleiss_sample_size(0.01, 0.02, ratio=1e7, alpha=0.05, power=0.8, corrected=False) == pytest.approx(
        one_sample, rel=1e-4
    )
