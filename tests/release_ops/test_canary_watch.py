"""``release canary --watch`` against the moto server with a fake clock: each interval's traffic is
written to CloudWatch as the clock moves, so an hour's watch runs in a second.

moto has no percentiles (see test_analyze.py): the duration read is replaced by no data here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from release_cli.ops import canary_metrics, canary_watch
from release_cli.ops.audit_log import from_item
from tests.release_ops.conftest import REGION, Lab
from tests.release_ops.test_analyze import lambda_dimensions, moto_has_no_percentiles


class FakeClock:
    """Starts at the real time; ``sleep`` moves it on and first writes the traffic of that interval:
    ``traffic[i]`` = ((primary invocations, errors), (canary invocations, errors)), the last one repeated."""

    def __init__(self, lab: Lab, alias: str, traffic: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
        self.current = datetime.now(UTC)
        self.lab, self.alias, self.traffic, self.sleeps = lab, alias, traffic, 0
        self.cloudwatch = boto3.client("cloudwatch", region_name=REGION)
        self.interrupt_at: int | None = None

    def now(self) -> datetime:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        assert self.sleeps <= 100, "the watch never stopped"
        if self.sleeps == self.interrupt_at:
            raise KeyboardInterrupt
        self.current += timedelta(seconds=seconds)
        primary, canary = self.traffic[min(self.sleeps, len(self.traffic)) - 1]
        for version, (invocations, errors) in (("1", primary), ("2", canary)):
            dims = lambda_dimensions(self.lab.function, self.alias, version)
            at = self.current - timedelta(seconds=30)
            self.cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=[
                {"MetricName": name, "Dimensions": dims, "Value": value, "Unit": "Count", "Timestamp": at}
                for name, value in (("Invocations", invocations), ("Errors", errors), ("Throttles", 0))
            ])  # fmt: skip


@pytest.fixture
def watched(lab: Lab, monkeypatch: pytest.MonkeyPatch):
    """A fake clock for alias ``live`` (1, no route), installed as the watch's clock."""
    lab.alias("live", "1")
    monkeypatch.setattr(canary_metrics, "read_durations", moto_has_no_percentiles)

    def install(traffic: list[Any]) -> FakeClock:
        clock = FakeClock(lab, "live", traffic)
        monkeypatch.setattr(canary_watch, "SystemClock", lambda: clock)
        return clock

    return install


def watch(run_cli, lab: Lab, *extra: str):
    return run_cli("canary", *lab.target_args(), "--alias", "live", "--version", "2", "--weight", "0.1",
                   "--watch", "--yes", *extra)  # fmt: skip


def records(lab: Lab) -> list[Any]:
    return sorted((from_item(item) for item in lab.audit_items()), key=lambda r: r.at)


def test_pass_promotes_through_the_audited_move_with_the_verdict_in_its_record(watched, lab: Lab, run_cli) -> None:
    clock = watched([((9000, 90), (1000, 10))])  # 1 % on both; 1,020 canary calls needed: PASS at the 2nd
    result = watch(run_cli, lab, "--promote-on-pass", "--interval", "1m")
    assert result.code == 0, result.out + result.err
    assert clock.sleeps == 2 and "[1]" in result.out and "INCONCLUSIVE" in result.out and "verdict: PASS" in result.out
    assert lab.state("live") == ("2", {})
    canary, promote = records(lab)
    assert (canary.action, canary.judgement) == ("canary", {})
    assert promote.action == "promote" and promote.reason.startswith("canary PASS")
    assert promote.judgement["verdict"] == "PASS"
    assert promote.judgement["canary"]["invocations"] == 2000 and promote.judgement["primary"]["errors"] == 180


def test_fail_rolls_back_the_canarys_move_naming_it(watched, lab: Lab, run_cli) -> None:
    watched([((9000, 90), (1000, 60))])  # 6 % against 1 %
    result = watch(run_cli, lab, "--rollback-on-fail", "--json")
    assert result.code == 1, result.out + result.err
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert [line["event"] for line in lines] == ["route", "interval", "decision"]
    assert lines[-1]["verdict"] == "FAIL" and lines[-1]["action"] == "rollback"
    assert lab.state("live") == ("1", {})
    canary, rollback = records(lab)
    assert rollback.action == "rollback" and rollback.undoes == canary.sk
    assert rollback.judgement["verdict"] == "FAIL" and rollback.judgement["failed"][0].startswith("errors:")


def test_without_the_flags_a_verdict_leaves_the_route(watched, lab: Lab, run_cli) -> None:
    watched([((9000, 90), (1000, 60))])
    result = watch(run_cli, lab)
    assert result.code == 1 and "the route stays as it is" in result.out
    assert lab.state("live") == ("1", {"2": 0.1}) and len(records(lab)) == 1


def test_inconclusive_at_the_deadline_leaves_the_route(watched, lab: Lab, run_cli) -> None:
    clock = watched([((90, 1), (10, 0))])
    result = watch(run_cli, lab, "--promote-on-pass", "--rollback-on-fail", "--deadline", "5m")
    assert result.code == 3, result.out + result.err
    assert clock.sleeps == 5 and "the deadline came first" in result.out
    assert lab.state("live") == ("1", {"2": 0.1}) and [r.action for r in records(lab)] == ["canary"]


def test_a_move_refused_mid_watch_leaves_the_route_and_writes_no_verdict(
    watched, lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A production function (tagged Stage=prod) watched without --yes and without a terminal: the watch
    runs (it only reads), the promote asks, cannot, and is refused."""
    lab.lam.tag_resource(Resource=lab.lam.get_function(FunctionName=lab.function)["Configuration"]["FunctionArn"],
                         Tags={"Stage": "prod"})  # fmt: skip
    lab.lam.update_alias(FunctionName=lab.function, Name="live", RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
    watched([((9000, 90), (2000, 20))])
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    result = run_cli("canary", *lab.target_args(), "--alias", "live", "--watch", "--promote-on-pass")
    assert result.code == 1, result.out + result.err
    assert "needs --yes" in result.err and "the route stays as it is" in result.err
    assert "no verdict record was written" in result.err
    assert lab.state("live") == ("1", {"2": 0.1}) and lab.audit_items() == []


def test_ctrl_c_leaves_the_route_and_says_so(watched, lab: Lab, run_cli) -> None:
    clock = watched([((90, 1), (10, 0))])
    clock.interrupt_at = 2
    result = watch(run_cli, lab, "--promote-on-pass")
    assert result.code == 130
    assert "interrupted (Ctrl-C): the route stays as it is (1 @ 90% + 2 @ 10%)" in result.err
    assert lab.state("live") == ("1", {"2": 0.1}) and [r.action for r in records(lab)] == ["canary"]


def test_an_alias_moved_during_the_watch_stops_it(watched, lab: Lab, run_cli) -> None:
    clock = watched([((90, 1), (10, 0))])
    original = clock.sleep

    def moved(seconds: float) -> None:
        original(seconds)
        lab.lam.update_alias(FunctionName=lab.function, Name="live", FunctionVersion="2",
                             RoutingConfig={"AdditionalVersionWeights": {}})  # fmt: skip

    clock.sleep = moved  # type: ignore[method-assign]
    result = watch(run_cli, lab, "--promote-on-pass")
    assert result.code == 1 and "moved during the watch" in result.err
    assert [r.action for r in records(lab)] == ["canary"]


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--promote-on-pass"], "--promote-on-pass belongs to --watch"),
        (["--interval", "1m"], "--interval belongs to --watch"),
        (["--watch", "--interval", "5s"], "--interval 5s"),
        (["--watch", "--deadline", "25h"], "--deadline 25h"),
        (["--watch", "--dry-run"], "not with --clear or --dry-run"),
    ],
)
def test_watch_flags_are_checked_before_any_change(lab: Lab, run_cli, extra: list[str], named: str) -> None:
    lab.alias("live", "1")
    result = run_cli("canary", *lab.target_args(), "--alias", "live", "--version", "2", "--weight", "0.1", *extra)
    assert result.code == 2 and named in result.err
    assert lab.state("live") == ("1", {}) and lab.audit_items() == []
