"""The verdict: FAIL on a worse error rate, a throttle or a slower percentile; INCONCLUSIVE (with how many
more invocations) on too little traffic; PASS only with enough traffic to have caught a doubling."""

from __future__ import annotations

from release_cli.ops.canary_judgement import FAIL, INCONCLUSIVE, NOT_JUDGED, PASS, VersionFigures, judge
from release_cli.ops.canary_stats import canary_sample_size
from service_model.canary_thresholds import CanaryThresholds

DEFAULTS = CanaryThresholds()
FAST = {"p50": 50.0, "p90": 80.0, "p99": 200.0}
PRIMARY = VersionFigures("1", invocations=20_000, errors=200, throttles=0, durations=FAST)  # 1 %


def canary(invocations: int, errors: int, throttles: int = 0, durations: dict | None = None) -> VersionFigures:
    return VersionFigures("2", invocations, errors, throttles, FAST if durations is None else durations)


def checks(judgement) -> dict[str, str]:
    return {c.metric: c.verdict for c in judgement.checks}


def test_twice_the_primary_error_rate_over_enough_traffic_fails() -> None:
    judgement = judge(PRIMARY, canary(2000, 40), DEFAULTS, traffic_ratio=9)
    assert judgement.verdict == FAIL and checks(judgement)["errors"] == FAIL
    assert judgement.p_value < 0.05 and judgement.more_invocations == 0


def test_the_same_rate_over_30_invocations_is_inconclusive_and_says_how_many_more() -> None:
    judgement = judge(PRIMARY, canary(30, 1), DEFAULTS, traffic_ratio=9)
    required = canary_sample_size(0.01, 0.02, ratio=9, alpha=0.05, power=0.8)
    assert judgement.verdict == INCONCLUSIVE
    assert judgement.required_invocations == required
    assert judgement.more_invocations == required - 30
    assert f"{required - 30} more" in judgement.checks[0].detail


def test_equal_rates_over_enough_traffic_pass() -> None:
    required = canary_sample_size(0.01, 0.02, ratio=9, alpha=0.05, power=0.8)
    assert judge(PRIMARY, canary(required, required // 100), DEFAULTS, traffic_ratio=9).verdict == PASS
    assert judge(PRIMARY, canary(required - 1, 0), DEFAULTS, traffic_ratio=9).verdict == INCONCLUSIVE


def test_a_primary_without_errors_needs_the_floor_rate_to_be_detectable() -> None:
    clean = VersionFigures("1", 50_000, 0, 0, FAST)
    judgement = judge(clean, canary(100, 0), DEFAULTS, traffic_ratio=9)
    assert judgement.verdict == INCONCLUSIVE and judgement.detectable_error_rate == DEFAULTS.min_error_rate
    assert judge(clean, canary(100, 2), DEFAULTS, traffic_ratio=9).verdict == FAIL


def test_one_throttle_fails_whatever_the_counts() -> None:
    judgement = judge(PRIMARY, canary(5000, 50, throttles=1), DEFAULTS, traffic_ratio=9)
    assert judgement.verdict == FAIL and checks(judgement)["throttles"] == FAIL
    allowed = CanaryThresholds(max_throttles=1)
    assert judge(PRIMARY, canary(5000, 50, throttles=1), allowed, traffic_ratio=9).verdict == PASS


def test_a_latency_regression_fails_past_tolerance_and_slack_only() -> None:
    limit = FAST["p90"] * 1.2 + 20  # 116 ms
    slower = judge(PRIMARY, canary(5000, 50, durations={**FAST, "p90": limit + 0.1}), DEFAULTS, traffic_ratio=9)
    assert slower.verdict == FAIL and checks(slower)["duration p90"] == FAIL
    within = judge(PRIMARY, canary(5000, 50, durations={**FAST, "p90": limit}), DEFAULTS, traffic_ratio=9)
    assert within.verdict == PASS


def test_a_percentile_needs_ten_calls_above_it() -> None:
    """p99 of fewer than 1,000 calls is not judged (it would be their slowest few), p50 from 20 calls is."""
    slow = {"p50": 500.0, "p90": 500.0, "p99": 5000.0}
    few = judge(PRIMARY, canary(99, 1, durations=slow), DEFAULTS, traffic_ratio=9)
    assert checks(few) == {
        "errors": INCONCLUSIVE, "throttles": PASS,
        "duration p50": FAIL, "duration p90": NOT_JUDGED, "duration p99": NOT_JUDGED,
    }  # fmt: skip
    assert few.verdict == FAIL
    missing = judge(PRIMARY, canary(5000, 50, durations={}), DEFAULTS, traffic_ratio=9)
    assert missing.verdict == PASS and checks(missing)["duration p99"] == NOT_JUDGED


def test_a_stricter_confidence_needs_more_traffic() -> None:
    strict = CanaryThresholds(confidence=0.99)
    assert (
        judge(PRIMARY, canary(30, 0), strict, traffic_ratio=9).required_invocations
        > judge(PRIMARY, canary(30, 0), DEFAULTS, traffic_ratio=9).required_invocations
    )


def test_fail_exactly_when_p_is_below_one_minus_confidence() -> None:
    """Canary 17/1000 vs primary 200/20000 (both 1 % expected): p = 0.031 fails at 0.95, not at 0.99;
    16/1000 (p = 0.054) does not fail at 0.95."""
    assert judge(PRIMARY, canary(1000, 17), DEFAULTS, traffic_ratio=9).verdict == FAIL
    assert judge(PRIMARY, canary(1000, 17), CanaryThresholds(confidence=0.99), traffic_ratio=9).verdict != FAIL
    assert judge(PRIMARY, canary(1000, 16), DEFAULTS, traffic_ratio=9).verdict != FAIL
