"""The edges of the canary statistics' input checks, and their whole messages.

The judgement feeds these functions counts read from CloudWatch and thresholds read from
``stages.toml``: a check that lets a bad value through turns into a nonsense sample size or a p-value
above 1 instead of an error that names the bad input, and a check that is one step too strict refuses a
legitimate canary (a primary with no errors at all, a canary that fails every call)."""

from __future__ import annotations

import pytest

from release_cli.ops.canary_stats import canary_sample_size, fisher_greater, fleiss_sample_size

SETTINGS = {"ratio": 9.0, "alpha": 0.05, "power": 0.8}


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ((-1, 10, 0, 10), "canary: -1 errors out of 10 invocations is not a count"),
        ((0, -1, 0, 10), "canary: 0 errors out of -1 invocations is not a count"),
        ((0, 10, 11, 10), "primary: 11 errors out of 10 invocations is not a count"),
        ((0, 10, -1, 10), "primary: -1 errors out of 10 invocations is not a count"),
    ],
)
def test_fisher_refuses_each_impossible_count_by_name(counts: tuple[int, int, int, int], message: str) -> None:
    """Each check alone must refuse: one negative count is enough, whichever side it is on."""
    with pytest.raises(ValueError) as raised:
        fisher_greater(*counts)
    assert str(raised.value) == message


def test_fisher_with_one_error_is_the_hypergeometric_tail() -> None:
    """One canary error and no primary error over 2 + 2 calls: the canary holds the one error with
    probability 2/4 (the shortcut's 1.0 is only for no canary error or no error at all)."""
    assert fisher_greater(1, 2, 0, 2) == pytest.approx(0.5, rel=1e-12)


def test_fisher_is_never_above_one() -> None:
    """The sum in log space can round past 1 by an ulp; a probability is capped at 1 exactly."""
    assert fisher_greater(1, 1, 0, 0) == 1.0
    assert 0.0 < fisher_greater(1, 50, 1, 50) <= 1.0


def test_sample_size_accepts_the_extreme_rates_a_canary_can_have() -> None:
    """A primary with no errors (rate 0) and a canary failing every call (rate 1) are real canaries."""
    assert fleiss_sample_size(0.0, 0.5, **SETTINGS) > 0
    assert fleiss_sample_size(0.5, 1.0, **SETTINGS) > 0


@pytest.mark.parametrize(("primary", "canary"), [(0.1, 0.1), (0.2, 0.1), (-0.1, 0.1), (0.1, 1.5)])
def test_sample_size_refuses_rates_out_of_order_or_range(primary: float, canary: float) -> None:
    with pytest.raises(ValueError) as raised:
        fleiss_sample_size(primary, canary, **SETTINGS)
    assert str(raised.value) == f"need 0 <= primary rate < canary rate <= 1, got {primary} and {canary}"


@pytest.mark.parametrize(
    "settings",
    [
        {"ratio": 0.0, "alpha": 0.05, "power": 0.8},
        {"ratio": 9.0, "alpha": 0.0, "power": 0.8},
        {"ratio": 9.0, "alpha": 1.0, "power": 0.8},
        {"ratio": 9.0, "alpha": 0.05, "power": 0.0},
        {"ratio": 9.0, "alpha": 0.05, "power": 1.0},
    ],
)
def test_sample_size_refuses_each_setting_at_its_bound(settings: dict[str, float]) -> None:
    """Each bound is exclusive: a ratio of 0 has no primary, alpha or power of 0 or 1 has no finite answer."""
    with pytest.raises(ValueError) as raised:
        fleiss_sample_size(0.01, 0.02, **settings)
    assert str(raised.value) == "ratio must be > 0, alpha and power between 0 and 1"


def test_a_ratio_below_one_is_allowed() -> None:
    """A canary that gets more traffic than the primary (ratio 0.5: a 33/67 route) is still a canary."""
    assert fleiss_sample_size(0.01, 0.02, ratio=0.5, alpha=0.05, power=0.8) > fleiss_sample_size(
        0.01, 0.02, ratio=1.0, alpha=0.05, power=0.8
    )


def test_the_sample_size_is_corrected_unless_asked_not_to_be() -> None:
    """The default is the continuity-corrected number (what Fisher's exact test needs), for both functions."""
    corrected = fleiss_sample_size(0.05, 0.10, ratio=1, alpha=0.025, power=0.8)
    assert corrected == fleiss_sample_size(0.05, 0.10, ratio=1, alpha=0.025, power=0.8, corrected=True)
    assert corrected > fleiss_sample_size(0.05, 0.10, ratio=1, alpha=0.025, power=0.8, corrected=False)
    assert canary_sample_size(0.05, 0.10, ratio=1, alpha=0.025, power=0.8, corrected=False) == 435


def test_a_whole_sample_size_is_not_rounded_up_past_itself() -> None:
    """``ceil(size - 1e-9)``: a size that is a whole number up to float noise stays that number."""
    size = fleiss_sample_size(0.05, 0.10, ratio=1, alpha=0.025, power=0.8)
    assert canary_sample_size(0.05, 0.10, ratio=1, alpha=0.025, power=0.8) == -(-size // 1)
    assert canary_sample_size(0.05, 0.10, ratio=1, alpha=0.025, power=0.8) >= size
