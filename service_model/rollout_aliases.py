"""The ``<prefix>RolloutAliases`` stack output: which aliases of a function CodeDeploy shifts.

The stack writes it (``constructs_lib/service_function.py``) and the release CLI reads it
(``release_cli/ops/target.py``), so both use this one format: the names of the aliases that have a
``rollout``, comma-separated in ``stages.toml`` order, or ``none`` (a CloudFormation output value
cannot be empty). Pure Python, like the rest of ``service_model``.
"""

from __future__ import annotations

from service_model.functions import FunctionConfig

OUTPUT = "RolloutAliases"
NONE = "none"


def rollout_aliases_value(config: FunctionConfig) -> str:
    """The output's value for ``config``: ``staging`` or ``prod``, ``a,b`` for two, ``none`` for no rollout."""
    return ",".join(a.name for a in config.aliases if a.rollout is not None) or NONE


def parse_rollout_aliases(value: str) -> frozenset[str] | None:
    """The alias names a value lists (empty for ``none``); None when it is not one this module writes,
    so a reader that cannot tell keeps treating every alias as one CodeDeploy may shift."""
    text = value.strip()
    if text == NONE:
        return frozenset()
    names = [part.strip() for part in text.split(",")]
    return None if any(not name for name in names) else frozenset(names)
