"""The version a promote moves to when it is named by an alias: this function's, or another stage's.

``from_alias_version``: the version alias ``from_alias`` runs. With ``from_stage`` (another stage's
function, the same ``stages.toml`` key) the version here is found by its code SHA-256: the newest
version of this function with the same code. A split alias, an alias on ``$LATEST`` and code this
function has no version of are refused (``RefusedError``); a source function that is not deployed
is named, with what to do (``OpsError``). Used by ``promote`` (one function) and by the release
train's plan (``train_plan``, every function of a stage).
"""

from __future__ import annotations

from release_cli.ops.clients import AwsContext, aws_call, error_code
from release_cli.ops.errors import OpsError, RefusedError
from release_cli.ops.lambda_reads import Version, get_alias, list_versions
from release_cli.ops.target import Target, resolve_target
from service_model.alias_spec import LATEST
from service_model.stages import load_stage


def from_alias_version(
    ctx: AwsContext, target: Target, versions: list[Version], *, from_alias: str, from_stage: str | None
) -> str:
    """The version of ``target`` to promote: the one ``from_alias`` runs (in ``from_stage``, by code)."""
    source_target = target
    if from_stage and from_stage != target.stage:
        source_target = resolve_target(ctx, stage=from_stage, function=source_key(target, from_stage))
        _require_function(ctx, source_target)
    source = get_alias(ctx, source_target.function, from_alias)
    if source.weights:
        raise RefusedError(
            f"alias {from_alias} is split ({source.describe()}): promote from it once it runs one version"
        )
    if source.version == LATEST:
        raise RefusedError(f"alias {from_alias} points at $LATEST, which is not a version: publish one first")
    if source_target.function == target.function:
        return source.version
    source_versions = {v.number: v for v in list_versions(ctx, source_target.function)}
    sha = source_versions[source.version].code_sha256 if source.version in source_versions else ""
    same_code = [v for v in versions if sha and v.code_sha256 == sha]
    if not same_code:
        raise RefusedError(
            f"no version of {target.function} has the code of {source_target.function}:{source.version} "
            f"(SHA-256 {sha or 'unknown'}); deploy that code to this stage first, then promote"
        )
    return max(same_code, key=lambda v: v.sort_key).number


def source_key(target: Target, stage: str) -> str | None:
    """The same function in ``stage``: by the target's key, else by the name's ``-<name>`` ending (a
    named target), else the stage's only function; None lets ``resolve_target`` say which keys exist."""
    if target.function_key:
        return target.function_key
    functions = load_stage(stage).functions
    name = target.function.split(":function:")[-1].split(":")[0]
    matching = [f.key for f in functions if name.endswith(f"-{f.basename}")]
    if len(matching) == 1:
        return matching[0]
    return functions[0].key if len(functions) == 1 else None


def _require_function(ctx: AwsContext, source: Target) -> None:
    """``--from-stage``'s function exists; otherwise say which function was looked for and what to do
    (a missing alias would be the next question, and the wrong one)."""
    from botocore.exceptions import ClientError

    with aws_call(f"finding stage {source.stage}'s function {source.function}"):
        try:
            ctx.client("lambda").get_function_configuration(FunctionName=source.function)
        except ClientError as err:
            if error_code(err) != "ResourceNotFoundException":
                raise
            raise OpsError(
                f"stage {source.stage}'s function {source.function} was not found ({source.source}): deploy stage "
                f"{source.stage} first (cdk deploy --context stage={source.stage}), or give the version here "
                "with --to V"
            ) from None
