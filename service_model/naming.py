"""Every physical name derived from a stage: stack, function, tables, pre-traffic hook.

One place, so the CDK app that creates these resources and the CLI that finds them afterwards
(review, status, promote, ...) can never disagree on a name. Pure Python: the stage config checks
derived names (a hook name's length) before anything is synthesized.
"""

from __future__ import annotations

PROJECT = "version-demo"
FUNCTION_BASENAME = "VersionedOrderAPI"
TABLE_KINDS = ("orders", "config", "audit")

HOOK_PREFIX = "CodeDeployHook_"
"""The managed AWSCodeDeployRoleForLambdaLimited lets CodeDeploy invoke only functions with this prefix."""
MAX_FUNCTION_NAME = 64


def stack_name(stage: str) -> str:
    """The CloudFormation stack of a stage: ``version-demo-<stage>`` (the CLI and CI find stacks by it)."""
    return f"{PROJECT}-{stage}"


def function_name(stage: str) -> str:
    """The Order API function of a stage: ``<stage>-VersionedOrderAPI`` (the seed's name, per stage)."""
    return f"{stage}-{FUNCTION_BASENAME}"


def table_prefix(stage: str) -> str:
    """What every table name of a stage starts with: ``<stage>-version-demo``."""
    return f"{stage}-{PROJECT}"


def table_name(stage: str, kind: str) -> str:
    """``orders``, ``config`` or ``audit`` -> ``<stage>-version-demo-<kind>`` (the seed's names)."""
    if kind not in TABLE_KINDS:
        raise ValueError(f"unknown table kind {kind!r}; known: {', '.join(TABLE_KINDS)}")
    return f"{table_prefix(stage)}-{kind}"


def hook_function_name(target_name: str, alias_name: str) -> str:
    """The pre-traffic hook's function name for ``alias_name`` of ``target_name``."""
    return f"{HOOK_PREFIX}{target_name}-{alias_name}"
