"""Physical names the constructs derive, in pure Python so the stage config can check them before synth."""

from __future__ import annotations

HOOK_PREFIX = "CodeDeployHook_"
"""The managed AWSCodeDeployRoleForLambdaLimited lets CodeDeploy invoke only functions with this prefix."""
MAX_FUNCTION_NAME = 64


def hook_function_name(target_name: str, alias_name: str) -> str:
    """The pre-traffic hook's function name for ``alias_name`` of ``target_name``."""
    return f"{HOOK_PREFIX}{target_name}-{alias_name}"
