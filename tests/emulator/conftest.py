"""The dev stage deployed to the local AWS emulator once per test session (``scripts/emulator.py``, the
command a person runs), and boto3/the release CLI pointed at it.

Every emulator test carries the ``xdist_group("emulator")`` mark (``pytestmark`` in its module), so one
xdist worker runs them all against one deploy: a deploy takes about 15 s of CPU on a 2-core machine.
Without ``.venv-emulator`` (``bash scripts/setup.sh`` installs it) they skip, saying so.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.emulator.emulator_script import emulator

NOT_INSTALLED = "the AWS emulator is not installed (.venv-emulator): `bash scripts/setup.sh` installs it"
STACK = "version-demo-dev"


@dataclass(frozen=True)
class EmulatedStage:
    """The emulator with the dev stage deployed: its endpoint, the stack's outputs, the environment that
    points boto3 and the CDK CLI at it, and the state folder (its log, the deploy's cdk.out)."""

    endpoint: str
    outputs: dict[str, str]
    environment: dict[str, str]
    folder: Path

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=emulator.REGION,
            aws_access_key_id=emulator.ACCESS_KEY,
            aws_secret_access_key=emulator.SECRET_KEY,
        )


@pytest.fixture(scope="session")
def emulated_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatedStage]:
    """Start the emulator, bootstrap, ``cdk deploy`` dev (target=emulator); stop it at the session's end."""
    if not emulator.EMULATOR.is_file():
        pytest.skip(NOT_INSTALLED)
    folder = tmp_path_factory.mktemp("emulator")
    with emulator.emulator(folder, stage="dev") as running:
        outputs = json.loads((folder / "outputs-dev.json").read_text())[STACK]
        yield EmulatedStage(
            endpoint=running.endpoint,
            outputs=outputs,
            environment=emulator.aws_environment(running.endpoint, {}),
            folder=folder,
        )


@pytest.fixture
def emulator_env(emulated_dev: EmulatedStage, monkeypatch: pytest.MonkeyPatch) -> EmulatedStage:
    """This test's boto3 calls (and the in-process release CLI's) go to the emulator."""
    for key, value in emulated_dev.environment.items():
        monkeypatch.setenv(key, value)
    return emulated_dev
