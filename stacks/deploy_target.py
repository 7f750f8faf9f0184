"""Where a stage is deployed: AWS (the default) or the local AWS emulator (``--context target=emulator``).

The emulator (``ministack``, run by ``scripts/emulator.py``) deploys a stage with the real CDK CLI, but it
cannot hold every resource the stage has. This is the one place that says what is left out for it, so
``cdk deploy --context stage=dev --context target=emulator`` needs nothing edited by hand, and
``tests/emulator/test_emulator_target.py`` pins the exact list of resource types that go, so it cannot
grow silently:

- ``AWS::EventSchemas::Schema``: the emulator has no EventBridge schema registry, so the Lambda console's
  shareable test events (``constructs_lib/console_test_events.py``) go; ``release smoke`` and the
  pre-traffic hook read the same events from ``test_events/``, so nothing the lab does needs the schema.
- ``Custom::AWS``: the custom resource that ensures the schema registry exists, with CDK's provider
  function and role behind it (they exist only for it).

A stage whose aliases roll out through CodeDeploy is refused: the emulator has no CodeDeploy, and a
stage without its rollout would not be the stage. dev has none.
"""

from __future__ import annotations

from dataclasses import dataclass

from service_model.stages import StageConfig, StageConfigError

AWS = "aws"
EMULATOR = "emulator"
TARGETS = (AWS, EMULATOR)

LEFT_OUT_ON_EMULATOR = ("AWS::EventSchemas::Schema", "Custom::AWS")
"""Resource types a stage deployed to the emulator does not have (a test pins this list)."""


@dataclass(frozen=True)
class DeployTarget:
    """``name`` (``aws`` or ``emulator``); ``console_test_events``: build the console's test-event schema."""

    name: str = AWS

    @property
    def console_test_events(self) -> bool:
        return self.name != EMULATOR

    @classmethod
    def from_context(cls, value: object) -> DeployTarget:
        """``--context target=...``; absent means AWS. Anything else is an error naming the allowed values."""
        if value is None or value == "":
            return cls()
        if value not in TARGETS:
            raise StageConfigError(
                f"unknown deploy target {value!r} (from --context target=...); valid targets: {', '.join(TARGETS)}"
            )
        return cls(str(value))

    def check(self, config: StageConfig) -> None:
        """Refuse a stage this target cannot hold, naming the stage and what stands in the way."""
        if self.name != EMULATOR:
            return
        rolled_out = [
            f"{function.key}:{alias.name}"
            for function in config.functions
            for alias in function.aliases
            if alias.rollout
        ]
        if rolled_out:
            raise StageConfigError(
                f"stage {config.name!r} cannot be deployed to the emulator: its aliases {', '.join(rolled_out)} "
                "roll out through CodeDeploy, which the emulator does not have; deploy a stage without a rollout "
                "(dev)"
            )
