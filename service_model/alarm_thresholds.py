"""Thresholds of the alias alarms that roll a deployment back; pure Python so the stage config can share it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AlarmThresholds:
    """Alias alarms that roll a CodeDeploy deployment back (and show on the dashboard).

    Defaults: any error or throttle in a one-minute period, or a p99 duration over 3 s, is a breach.
    """

    errors: int = 1
    throttles: int = 1
    p99_duration_ms: int = 3000
    period_minutes: int = 1
    evaluation_periods: int = 1
    iterator_age_ms: int = 60_000
    """A stream consumer's alarm: records waited this long on the stream (used only by table-stream triggers)."""
