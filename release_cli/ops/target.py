"""Which function and audit table a command acts on: from the stage's deployed stack, or named.

``--stage S`` reads the stack ``version-demo-<S>``'s outputs (``FunctionName``, ``AuditTableName``,
``NewVersion``, ``RolloutAliases``, each function's prefixed with its construct id); when the stack does not exist (not
deployed, or an endpoint without CloudFormation) it falls back to the names ``stages.toml`` gives
the stage, and says so. With ``--stage``, ``--function`` takes a function's ``stages.toml`` key
(``order-api``; it may be left out when the service has one function) or any function's name or
ARN, which then wins over the stage's names; without ``--stage`` it is always a name or ARN.
``--audit-table`` names the audit table explicitly.

Whether the target is production starts undecided, which counts as production (fail closed);
``release_cli.ops.production.decide`` settles it for the commands that move or invoke.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from release_cli.ops.clients import AwsContext, aws_call, error_code
from release_cli.ops.errors import OpsError
from release_cli.ops.production import UNDECIDED, Production
from service_model import naming
from service_model.functions import FunctionConfig
from service_model.rollout_aliases import NONE, OUTPUT, parse_rollout_aliases
from service_model.stages import StageConfig, load_stage


@dataclass(frozen=True)
class Target:
    """The function (and its audit table) a command acts on, and where the names came from."""

    function: str
    audit_table: str | None
    stage: str | None = None
    stack_name: str | None = None
    stack_found: bool = False
    outputs: dict[str, str] = field(default_factory=dict)
    source: str = ""
    function_given: bool = False
    """``--function`` named it (it may be any stage's function), rather than ``--stage`` alone."""
    production: Production = UNDECIDED
    function_key: str | None = None
    """The function's ``stages.toml`` key (``order-api``) when the target is one of the service's functions."""

    @property
    def stack_version(self) -> str | None:
        """The version the deployed stack published last (its ``NewVersion`` output), if known."""
        return self.outputs.get("NewVersion")

    def may_be_shifted(self, alias: str | None) -> bool:
        """Whether a CodeDeploy deployment of the stage's stack may be shifting ``alias`` (None: any alias of
        the function), so a move must ask CodeDeploy first. False only when the deployed stack's own
        ``RolloutAliases`` output for this function says the alias has no rollout: the stack then made no
        deployment group for it, so no deployment of this stack can shift it, and an endpoint without
        CodeDeploy (a local emulator) is never asked. A deployment group made by hand outside the stack is
        outside what this tool models. Everything else counts as maybe (fail closed): no stack found, a
        stack deployed before the output existed, a value this tool does not write, a function named by
        ``--function`` rather than the stage's, and an alias called ``none`` (it reads as the empty list)."""
        if not self.stack_found or self.function_given or alias == NONE:
            return True
        listed = parse_rollout_aliases(self.outputs[OUTPUT]) if OUTPUT in self.outputs else None
        if listed is None:
            return True
        return bool(listed) if alias is None else alias in listed

    def require_audit_table(self) -> str:
        if not self.audit_table:
            raise OpsError(
                f"no audit table for {self.function}: give --audit-table NAME, or --stage S to use the stage's"
            )
        return self.audit_table


def resolve_target(
    ctx: AwsContext,
    *,
    stage: str | None,
    function: str | None = None,
    audit_table: str | None = None,
    config: StageConfig | None = None,
) -> Target:
    """The target for ``--stage``/``--function``/``--audit-table``; an ``OpsError`` when they name none,
    or when the stage has several functions and ``--function`` does not say which. ``config``: the
    stage as a given stages file declares it (default: the project's)."""
    if not stage:
        if not function:
            raise OpsError("name the function: give --stage S (dev, staging, prod) or --function NAME")
        return Target(function=function, audit_table=audit_table, source="--function", function_given=True)
    config = config or load_stage(stage)
    key = function if function in {f.key for f in config.functions} else None
    if function is None:
        if len(config.functions) > 1:
            raise OpsError(
                f"stage {stage} has {len(config.functions)} functions ({', '.join(f.key for f in config.functions)}): "
                "give --function KEY"
            )
        key = config.primary.key
    stack = naming.stack_name(stage)
    outputs, found = stack_outputs(ctx, stack)
    if key is None:  # a name or ARN given with --function wins over the stage's names
        return _target(stage, stack, outputs, found, function=str(function), key=None, audit_table=audit_table)
    return _for_function(stage, stack, outputs, found, config.function(key), audit_table)


def targets_for_stage(
    ctx: AwsContext, stage: str, *, audit_table: str | None = None, config: StageConfig | None = None
) -> list[Target]:
    """One target per function of ``stage`` (``config``, default the project's), in ``stages.toml``
    order, from one read of the stack."""
    config = config or load_stage(stage)
    stack = naming.stack_name(stage)
    outputs, found = stack_outputs(ctx, stack)
    return [_for_function(stage, stack, outputs, found, function, audit_table) for function in config.functions]


def _for_function(
    stage: str, stack: str, outputs: dict[str, str], found: bool, function: FunctionConfig, audit_table: str | None
) -> Target:
    prefix = function.output_prefix
    name = outputs.get(f"{prefix}FunctionName") or function.name
    own = {key[len(prefix) :]: value for key, value in outputs.items() if prefix and key.startswith(prefix)}
    shared = {key: value for key, value in outputs.items() if key.endswith("TableName")}
    merged = {**_not_inherited(outputs), **own, **shared} if prefix else outputs
    return _target(stage, stack, merged, found, function=name, key=function.key, audit_table=audit_table)


def _not_inherited(outputs: dict[str, str]) -> dict[str, str]:
    """The stack's outputs without the Order API's (unprefixed) ``RolloutAliases``: which aliases CodeDeploy
    shifts is a function's own answer, so a prefixed function without its own output counts as unknown."""
    return {key: value for key, value in outputs.items() if key != OUTPUT}


def _target(
    stage: str,
    stack: str,
    outputs: dict[str, str],
    found: bool,
    *,
    function: str,
    key: str | None,
    audit_table: str | None,
) -> Target:
    source = f"stack {stack} outputs" if found else f"stage {stage} names (stack {stack} not found)"
    return Target(
        function=function,
        audit_table=audit_table or outputs.get("AuditTableName") or naming.table_name(stage, "audit"),
        stage=stage,
        stack_name=stack,
        stack_found=found,
        outputs=outputs,
        source=source,
        function_given=key is None,
        function_key=key,
    )


def stack_outputs(ctx: AwsContext, stack_name: str) -> tuple[dict[str, str], bool]:
    """The stack's outputs by key, and whether the stack exists (a missing stack is not an error here)."""
    from botocore.exceptions import ClientError

    client = ctx.client("cloudformation")
    with aws_call(f"reading the outputs of stack {stack_name}"):
        try:
            stacks = client.describe_stacks(StackName=stack_name)["Stacks"]
        except ClientError as err:
            if error_code(err) == "ValidationError" and "does not exist" in str(err):
                return {}, False
            raise
    return _outputs(stacks[0] if stacks else {}), bool(stacks)


def _outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {o["OutputKey"]: str(o.get("OutputValue", "")) for o in stack.get("Outputs", []) if "OutputKey" in o}
