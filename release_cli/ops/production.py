"""Whether a command acts on production: the stage decides, never an alias's name alone.

A stage is production when ``stages.toml`` says ``production = true`` (prod does). Production never
runs ``$LATEST`` (``route_rules`` refuses a move onto it) and every change to it, and every risky
invoke of it, asks first (``confirm``).

How the CLI learns it:

* ``--stage S`` alone (the stage's own function): S's ``production`` setting and nothing else, so
  ``invoke --stage dev --alias prod`` is not production, whatever the alias is called. A stage that
  ``stages.toml`` does not describe counts as production.
* ``--function F`` (with or without ``--stage``): F may be any stage's function, so every sign counts
  and any one of them makes it production: the ``--stage`` given; F's ``Stage`` tag (every stage's
  stack tags its resources with the stage) naming a production stage; F being a production stage's
  function name; the alias being one a production stage declares (the seed's single function carries
  ``prod``). When F's tags cannot be read (no ``lambda:GetFunction``), F counts as production and the
  message says why. This is the safe direction: a wrong "yes" costs a ``--yes``, a wrong "no" would
  let production run ``$LATEST`` or change without asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from service_model.stages import StageConfig, load_stages

if TYPE_CHECKING:
    from release_cli.ops.clients import AwsContext
    from release_cli.ops.target import Target

STAGE_TAG = "Stage"
"""The tag every stage's stack puts on its resources (``stacks/version_demo_stack.py``)."""


@dataclass(frozen=True)
class Production:
    """Whether the target is production, and what said so (shown in every refusal and prompt)."""

    is_production: bool
    because: str


UNDECIDED = Production(True, "no stage was decided for it, so it counts as production")
"""Where a target starts: fail closed until ``decide`` looks."""


def of_stage(stage: str, stages: dict[str, StageConfig] | None = None) -> Production:
    """Production as ``stages.toml`` declares it for ``stage``."""
    stages = load_stages() if stages is None else stages
    if stage not in stages:
        return Production(True, f"stage {stage} is not in stages.toml, so it counts as production")
    if stages[stage].production:
        return Production(True, f"stage {stage} is a production stage (stages.toml: production = true)")
    return Production(False, f"stage {stage} is not a production stage")


def of_names(
    *, stage: str | None, function: str | None, alias: str | None, stages: dict[str, StageConfig] | None = None
) -> Production:
    """What the names alone say (no AWS call): the stage's setting when a stage is given and no
    function; otherwise any production stage whose function name or alias name matches."""
    stages = load_stages() if stages is None else stages
    if stage and not function:
        return of_stage(stage, stages)
    found = [of_stage(stage, stages)] if stage else []
    for config in stages.values():
        if not config.production:
            continue
        if function and _function_name(function) in _function_names(config):
            found.append(Production(True, f"{function} is production stage {config.name}'s function"))
        if alias and alias in _alias_names(config):
            found.append(Production(True, f"alias {alias} is named after production stage {config.name}'s alias"))
    return next((p for p in found if p.is_production), Production(False, "no production stage names it"))


def decide(ctx: AwsContext, target: Target, *, alias: str | None) -> Target:
    """``target`` with its ``production`` decided as the module docstring says."""
    from dataclasses import replace

    stages = load_stages()
    if not target.function_given:
        assert target.stage is not None, "a target without --function comes from --stage"
        return replace(target, production=of_stage(target.stage, stages))
    by_name = of_names(stage=target.stage, function=target.function, alias=alias, stages=stages)
    if by_name.is_production:
        return replace(target, production=by_name)
    return replace(target, production=_by_tag(ctx, target.function, stages))


def _by_tag(ctx: AwsContext, function: str, stages: dict[str, StageConfig]) -> Production:
    from botocore.exceptions import ClientError

    from release_cli.ops.clients import aws_call, error_code
    from release_cli.ops.lambda_reads import FUNCTION_HINT

    with aws_call(f"reading the tags of {function}", hint=FUNCTION_HINT):
        try:
            tags = ctx.client("lambda").get_function(FunctionName=function).get("Tags") or {}
        except ClientError as err:
            if error_code(err) == "ResourceNotFoundException":
                raise  # a missing function is bad input, and aws_call says so
            return Production(
                True,
                f"the {STAGE_TAG} tag of {function} could not be read ({error_code(err)}), so it counts as "
                "production; run it with --stage S alone (the stage's own function), or allow lambda:GetFunction",
            )
    stage = tags.get(STAGE_TAG)
    if stage is None:
        return Production(False, f"{function} has no {STAGE_TAG} tag and no production stage names it")
    tagged = of_stage(str(stage), stages)
    return Production(tagged.is_production, f"{function} is tagged {STAGE_TAG}={stage}: {tagged.because}")


def _function_names(config: StageConfig) -> set[str]:
    """Every function name of the stage (a hand-built config without functions: its primary name)."""
    return {f.name for f in config.functions} or {config.function_name}


def _alias_names(config: StageConfig) -> set[str]:
    return {a.name for f in config.functions for a in f.aliases} or {a.name for a in config.aliases}


def _function_name(function: str) -> str:
    """A function name from a name, a qualified name or an ARN (``NAME[:QUALIFIER]``,
    ``arn:...:function:NAME[:QUALIFIER]``), as ``audit_log.partition_key`` reads it."""
    return function.split(":function:")[-1].split(":")[0]
