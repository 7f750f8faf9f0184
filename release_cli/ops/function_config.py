"""Which of the service's functions (stages.toml) a resolved target is, for what only stages.toml knows:
its test-events folder and its trigger alias.

A target names its function by ``stages.toml`` key when ``--function KEY`` (or ``--stage`` alone) chose
it; by a physical name or an ARN otherwise, which is looked up among the stage's functions first and
then every stage's (``--function dev-OrderWorker`` without ``--stage`` still finds the worker's events).
"""

from __future__ import annotations

from release_cli.ops.errors import OpsError
from release_cli.ops.target import Target
from service_model.functions import FunctionConfig
from service_model.stages import StageConfig, load_stages


def function_name_of(given: str) -> str:
    """``arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`` -> ``<name>``; a name as it is."""
    parts = given.split(":")
    return parts[6] if given.startswith("arn:") and len(parts) >= 7 else given


def service_function(target: Target, config: StageConfig | None) -> FunctionConfig | None:
    """The stages.toml function ``target`` is, or None for a function the service does not declare."""
    if config is not None and target.function_key:
        return config.function(target.function_key)
    name = function_name_of(target.function)
    stages = ([config] if config is not None else []) + list(load_stages().values())
    return next((found for stage in stages if (found := stage.function_named(name)) is not None), None)


def require_stage_for_key(stage: str | None, function: str | None) -> None:
    """``--function order-worker`` without ``--stage`` would be taken as a physical name no account has:
    a stages.toml KEY needs its stage, and the error says so before any AWS call."""
    if stage or not function:
        return
    keys = {f.key for config in load_stages().values() for f in config.functions}
    if function in keys:
        raise OpsError(
            f"--function {function} is a stages.toml KEY: give --stage S too (or the function's name or ARN)"
        )
