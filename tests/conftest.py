"""Shared test set-up: quiet jsii on a supported Node, no AWS credentials, and every stage synthesized
once per test session (synth is the slow part; tests only read the templates)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from release_cli.review.values import ASSET_HASH
from release_cli.toolchain import supported_node
from tests.xdist_groups import pytest_collection_modifyitems  # noqa: F401  (a hook: pytest finds it here)

ROOT = Path(__file__).resolve().parent.parent

NODE = supported_node()

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
if NODE is not None:
    os.environ.setdefault("JSII_NODE", str(NODE))
# Synth and the offline tests must never reach for credentials; moto-backed tests set their own.
for _var in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
    os.environ.pop(_var, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


def cdk_json_context() -> dict[str, Any]:
    """The context the CLI gives the app (feature flags change logical IDs, so tests must match)."""
    return json.loads((ROOT / "cdk.json").read_text())["context"]


_VERSION_ID = re.compile(r"CurrentVersion[0-9A-F]{8}[0-9a-f]{32,40}")


def mask_hashes(template: dict[str, Any]) -> dict[str, Any]:
    """Mask asset hashes and the version's hash-derived logical ID, so snapshots change only with infrastructure.

    Unlike the review's masking, this also hides the version's logical ID: a snapshot should not change
    with every code edit, while a review must show the new version as an Add.
    """
    text = json.dumps(template, sort_keys=True)
    text = ASSET_HASH.sub("<ASSET_HASH>", text)
    text = _VERSION_ID.sub("CurrentVersion<HASH>", text)
    return json.loads(text)


@dataclass
class Synthesized:
    """One synthesis of the whole app: the stacks, their templates and the cloud-assembly folder."""

    stacks: dict[str, Any]
    templates: dict[str, Any]  # stage -> aws_cdk.assertions.Template
    outdir: Path

    @property
    def order_api(self) -> dict[str, Any]:
        """Stage -> the template without the other functions' resources and outputs: what the seed's
        Order API and the shared tables and dashboard make. The other functions' logical IDs all start
        with their construct id; the Order API's (construct id ``Default``) start with nothing."""
        return {stage: only_primary(template, self.stacks[stage]) for stage, template in self.templates.items()}


def only_primary(template: Any, stack: Any) -> Any:
    from aws_cdk.assertions import Template

    prefixes = tuple(f.construct_id for f in stack.config.functions if f.construct_id != "Default")
    document = template.to_json()
    for section in ("Resources", "Outputs"):
        document[section] = {k: v for k, v in document.get(section, {}).items() if not k.startswith(prefixes)}
    return Template.from_json(document)


def synthesize(outdir: Path, stages: dict[str, Any] | None = None, stage: str | None = None) -> Synthesized:
    """Build the app exactly as app.py does (same builder, same cdk.json context) and synthesize it."""
    from aws_cdk.assertions import Template

    from stacks.app_builder import build_app, project_app

    app = project_app(context=cdk_json_context(), outdir=str(outdir))
    stacks = build_app(app, stage=stage, stages=stages)
    app.synth()
    templates = {name: Template.from_stack(stack) for name, stack in stacks.items()}
    return Synthesized(stacks=stacks, templates=templates, outdir=outdir)


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """Every stage from stages.toml, synthesized once for the whole session."""
    return synthesize(tmp_path_factory.mktemp("cdk.out"))


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A moto server on a free 127.0.0.1 port for the whole session, stopped at its end; shared by every
    test that makes real boto3 calls (FACTS: name it ``localhost`` in URLs, not 127.0.0.1)."""
    from moto.server import ThreadedMotoServer

    _quiet_moto_docker_probe()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    yield f"http://localhost:{port}"
    server.stop()


def _quiet_moto_docker_probe() -> None:
    """moto's first Lambda Invoke in a process inside a container asks Docker for its host
    (``moto.settings.moto_server_host``, cached) and, with no Docker, prints a warning to stdout: into
    whichever test's output invoked first, which breaks a test that parses its ``--json`` (which test
    that is depends on how xdist spreads the tests). Asked once here, with the print swallowed."""
    import contextlib
    import io

    from moto import settings

    with contextlib.redirect_stdout(io.StringIO()):
        settings.moto_server_host()


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``release <argv...>`` in-process (paths may be ``Path``s) and capture its exit code and output."""
    from release_cli.cli import main

    def run(*argv: Any) -> CliResult:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return CliResult(code=code, out=captured.out, err=captured.err)

    return run
