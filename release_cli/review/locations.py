"""Moved to ``release_cli.locations`` (shared by the review commands and the local runner).

This re-export stays only while ``release_cli/local_invoke.py`` (edited concurrently by its owner)
still imports from here; delete this file once it imports ``release_cli.locations``.
"""

from __future__ import annotations

from release_cli.locations import (
    DEFAULT_BASELINES,
    DEFAULT_CDK_OUT,
    all_stages,
    baseline_template,
    synthesized_template,
)

__all__ = ["DEFAULT_BASELINES", "DEFAULT_CDK_OUT", "all_stages", "baseline_template", "synthesized_template"]
