"""An analysis printed: figures per version, each check, the verdict and what it needs (text or JSON).

The verdict's exit code lives here too, so ``analyze`` and a later ``canary --watch`` share one
meaning: 0 PASS, 1 FAIL, 3 INCONCLUSIVE (2 stays bad input or an AWS error).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from release_cli.ops.canary_judgement import FAIL, INCONCLUSIVE, PASS, Judgement, VersionFigures
from release_cli.ops.canary_metrics import Window
from release_cli.ops.output import print_json, table
from service_model.canary_thresholds import CanaryThresholds

EXIT_FOR = {PASS: 0, FAIL: 1, INCONCLUSIVE: 3}


@dataclass(frozen=True)
class Analysis:
    function: str
    alias: str
    window: Window
    primary: VersionFigures
    canary: VersionFigures
    canary_weight: float
    judgement: Judgement
    thresholds: CanaryThresholds
    thresholds_from: str
    calls: int

    @property
    def more_minutes(self) -> int | None:
        """At the canary's rate over the window, the minutes its missing invocations take (None: no traffic)."""
        if not self.judgement.more_invocations:
            return 0
        if not self.canary.invocations:
            return None
        per_minute = self.canary.invocations / (self.window.seconds / 60)
        return math.ceil(self.judgement.more_invocations / per_minute)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _version(figures: VersionFigures, weight: float) -> dict[str, Any]:
    return {
        "version": figures.version,
        "weight": weight,
        "invocations": figures.invocations,
        "errors": figures.errors,
        "throttles": figures.throttles,
        "errorRate": figures.error_rate,
        "durations": {name: figures.durations.get(name) for name in ("p50", "p90", "p99")},
    }


def document(analysis: Analysis) -> dict[str, Any]:
    j = analysis.judgement
    return {
        "function": analysis.function,
        "alias": analysis.alias,
        "window": {
            "start": analysis.window.start.isoformat(),
            "end": analysis.window.end.isoformat(),
            "minutes": analysis.window.seconds // 60,
        },
        "primary": _version(analysis.primary, round(1 - analysis.canary_weight, 10)),
        "canary": _version(analysis.canary, analysis.canary_weight),
        "verdict": j.verdict,
        "checks": [{"metric": c.metric, "verdict": c.verdict, "detail": c.detail} for c in j.checks],
        "pValue": j.p_value,
        "requiredInvocations": j.required_invocations,
        "moreInvocations": j.more_invocations,
        "moreMinutes": analysis.more_minutes,
        "detectableErrorRate": j.detectable_error_rate,
        "thresholds": {_camel(k): v for k, v in asdict(analysis.thresholds).items()},
        "thresholdsFrom": analysis.thresholds_from,
        "getMetricDataCalls": analysis.calls,
    }


def report(analysis: Analysis, *, as_json: bool) -> int:
    if as_json:
        print_json(document(analysis))
        return EXIT_FOR[analysis.judgement.verdict]
    w = analysis.window
    print(f"{analysis.function}:{analysis.alias}, {w.seconds // 60} min to {w.end:%Y-%m-%d %H:%M} UTC")
    rows = []
    for role, figures in (("primary", analysis.primary), ("canary", analysis.canary)):
        d = figures.durations
        rows.append([role, figures.version, figures.invocations, figures.errors, f"{figures.error_rate:.2%}",
                     figures.throttles, *(_ms(d.get(p)) for p in ("p50", "p90", "p99"))])  # fmt: skip
    table(["", "version", "invocations", "errors", "rate", "throttles", "p50 ms", "p90 ms", "p99 ms"], rows)
    print()
    table(["check", "verdict", "why"], [[c.metric, c.verdict, c.detail] for c in analysis.judgement.checks])
    print()
    j = analysis.judgement
    line = f"verdict: {j.verdict}"
    if j.verdict == INCONCLUSIVE:
        minutes = analysis.more_minutes
        when = f", about {minutes} more minutes at this traffic" if minutes is not None else ", and it has no traffic"
        line += f": needs {j.more_invocations} more canary invocations{when}"
    print(f"{line} (thresholds: {analysis.thresholds_from}; {analysis.calls} GetMetricData calls)")
    return EXIT_FOR[j.verdict]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
