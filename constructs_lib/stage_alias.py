"""An alias that points at ``$LATEST``, at the version this deploy publishes, or at a pinned version,
optionally with a static weighted route to a second published version (the seed's 90/10 canary)."""

from __future__ import annotations

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from service_model.alias_spec import LATEST, NEW, AliasSpec, Target


def resolve_version(
    scope: Construct, function: lambda_.IFunction, new_version: lambda_.IVersion, target: Target
) -> lambda_.IVersion:
    """Map an alias target to a CDK version: ``$LATEST``, the newly published one, or version ``n``."""
    if target == LATEST:
        return function.latest_version
    if target == NEW:
        return new_version
    return lambda_.Version.from_version_attributes(scope, f"Version{target}", lambda_=function, version=str(target))


class StageAlias(Construct):
    """One alias from an ``AliasSpec``; the spec is validated here, so bad props fail at synth.

    Keyword-only props:
      function: the function the alias belongs to.
      new_version: the version this deploy publishes (what ``"new"`` means).
      spec: name, target, optional weighted route (``rollout`` is handled by ``GradualRollout``),
        provisioned concurrency (execution environments kept warm for the alias's version; 0: none).
    Exposes ``alias`` and ``spec``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.IFunction,
        new_version: lambda_.IVersion,
        spec: AliasSpec,
    ) -> None:
        super().__init__(scope, construct_id)
        spec.validate()
        self.spec = spec
        additional = None
        if spec.weighted is not None:
            additional = [
                lambda_.VersionWeight(
                    version=resolve_version(self, function, new_version, spec.weighted.version),
                    weight=spec.weighted.weight,
                )
            ]
        self.alias = lambda_.Alias(
            self,
            "Alias",
            alias_name=spec.name,
            version=resolve_version(self, function, new_version, spec.target),
            additional_versions=additional,
            description=spec.description or None,
            provisioned_concurrent_executions=spec.provisioned_concurrency or None,
        )
