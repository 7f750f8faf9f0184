"""One analysis of a weighted alias: its figures read, judged with the function's thresholds.

Shared by ``release analyze`` (once) and ``release canary --watch`` (every interval). ``evidence``
is the part of it an audit record carries when a watch promotes or rolls back: the verdict and the
figures it rested on, numbers DynamoDB can store (no None, no float below its 1e-130 floor).
"""

from __future__ import annotations

from typing import Any

from release_cli.ops.canary_judgement import VersionFigures, judge
from release_cli.ops.canary_metrics import Window, read_figures
from release_cli.ops.canary_report import Analysis
from release_cli.ops.clients import AwsContext
from release_cli.ops.errors import OpsError
from release_cli.ops.lambda_reads import AliasState
from release_cli.ops.target import Target
from service_model.canary_thresholds import CanaryThresholds
from service_model.stages import load_stage


def thresholds_for(target: Target) -> tuple[CanaryThresholds, str]:
    """The function's ``canary`` settings in its stage, or the defaults for a function outside the service."""
    if target.stage and target.function_key:
        function = load_stage(target.stage).function(target.function_key)
        return function.canary, f"stages.toml, stage {target.stage}, function {function.key}"
    return CanaryThresholds(), "defaults (not a function of a stage in stages.toml)"


def canary_of(alias: AliasState) -> tuple[str, float]:
    """The version the alias's weighted route sends traffic to, and its weight; bad input without one."""
    if not alias.weights:
        raise OpsError(
            f"alias {alias.name} routes everything to version {alias.version}: no canary to analyze "
            "(release canary --alias A --version V --weight W sets one)"
        )
    version, weight = next(iter(alias.weights.items()))
    return version, weight


def analyze_alias(ctx: AwsContext, target: Target, alias: AliasState, window: Window) -> Analysis:
    version, weight = canary_of(alias)
    thresholds, source = thresholds_for(target)
    before = len(ctx.calls)
    figures = read_figures(ctx, target.function, alias.name, [alias.version, version], window)
    calls = sum(1 for call in ctx.calls[before:] if call.endswith("GetMetricData"))
    judgement = judge(figures[alias.version], figures[version], thresholds, traffic_ratio=(1 - weight) / weight)
    return Analysis(
        function=target.function, alias=alias.name, window=window, primary=figures[alias.version],
        canary=figures[version], canary_weight=weight, judgement=judgement, thresholds=thresholds,
        thresholds_from=source, calls=calls,
    )  # fmt: skip


def evidence(analysis: Analysis) -> dict[str, Any]:
    """The verdict and its figures as an audit record stores them (camelCase keys, DynamoDB-safe numbers)."""
    j = analysis.judgement
    return {
        "verdict": j.verdict,
        "pValue": _number(j.p_value),
        "requiredInvocations": j.required_invocations,
        "window": f"{analysis.window.start.isoformat()}/{analysis.window.end.isoformat()}",
        "primary": _figures(analysis.primary),
        "canary": _figures(analysis.canary),
        "failed": [f"{c.metric}: {c.detail}" for c in j.checks if c.verdict == "FAIL"],
    }


def _figures(figures: VersionFigures) -> dict[str, Any]:
    known = {name: _number(value) for name, value in figures.durations.items() if value is not None}
    return {
        "version": figures.version,
        "invocations": figures.invocations,
        "errors": figures.errors,
        "throttles": figures.throttles,
        **({"durationsMs": known} if known else {}),
    }


def _number(value: float) -> float:
    """Six significant digits, and 0 below 1e-100 (DynamoDB numbers stop at 1e-130)."""
    return 0.0 if abs(value) < 1e-100 else float(f"{value:.6g}")
