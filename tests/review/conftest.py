"""Fixtures for the review tests: the template-pair corpus, a CLI runner, and a local moto server."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from release_cli.review import Report, review_templates
from release_cli.review.templates import load_template_file

CORPUS = Path(__file__).parent / "corpus"


@dataclass(frozen=True)
class Pair:
    """One corpus case: the old and new template files."""

    old: Path
    new: Path

    def review(self, **kwargs: Any) -> Report:
        return review_templates(
            old=load_template_file(path=self.old),
            new=load_template_file(path=self.new),
            label=self.old.parent.name,
            **kwargs,
        )


def corpus_pair(case: str) -> Pair:
    folder = CORPUS / case
    old = next(folder.glob("old.*"))
    return Pair(old=old, new=folder / "new.json")


def write_assembly(cdk_out: Path, templates: dict[str, str]) -> Path:
    """A cloud assembly as ``cdk synth`` leaves it: each stage's template plus a manifest listing its stack.

    Only the manifest's stack artifacts count (``release_cli.review.assembly``), so a test that wants a
    template to be read must list it here, as synth would.
    """
    from service_model import naming

    cdk_out.mkdir(parents=True, exist_ok=True)
    artifacts: dict[str, Any] = {"Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}}}
    for stage, text in templates.items():
        stack = naming.stack_name(stage)
        (cdk_out / f"{stack}.template.json").write_text(text)
        artifacts[stack] = {
            "type": "aws:cloudformation:stack",
            "properties": {"templateFile": f"{stack}.template.json"},
        }
    (cdk_out / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": artifacts}))
    return cdk_out


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Environment pointing boto3 at moto, and a CloudFormation client for setting up stacks."""
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return boto3.client("cloudformation", region_name="us-east-1")
